"""Do the checks of "Middle-power diplomacy" accept each correct form of an answer and reject typical wrong
ones with advice? Do its data sets keep what is unverified out of reach of grading? (The expected values
below are the ones the notebook's tests pass.)"""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from course import CheckFailed, check, load
from course.checks.expect import called, texts
from tests.conftest import fails

AGREEMENTS = ["Geneva Conference", "Paris Peace Accords", "Agreed Framework", "Singapore summit"]
BY_HOST = {
    "Switzerland": 2,
    "France": 1,
    "China": 1,
    "Mongolia": 1,
    "Singapore": 1,
    "Vietnam": 1,
    "South Korea": 1,
    "Sweden": 1,
}
ORDER = [
    "Geneva Conference",
    "Paris Peace Accords",
    "Agreed Framework",
    "Six-Party Talks, first round",
    "Ulaanbaatar Dialogue, first conference",
    "Singapore summit",
    "Hanoi summit",
    "Panmunjom meeting",
    "Stockholm talks",
]
GROWTH = {2018: 20.1379, 2019: 16.1456}  # computed from the arrivals column
REPORTED = {2018: 19.9, 2019: 16.2}  # growth_pct, which the prompt says not to copy
MILLIONS = {2017: 12.9, 2018: 15.497791, 2019: 18.0}
CRIT = {"relations_with_both": 4, "distance": 2}
ROW = pd.Series(
    {
        "candidate": "Testville",
        "country": "Nowhere",
        "relations_with_both": 5,
        "distance": 1,
        "security_record": 3,
        "cost": 2,
        "neutrality": 4,
    }
)
SCORE_CASES = [
    (CRIT, {"relations_with_both": 1, "distance": 1}, 3.0),
    (CRIT, {"relations_with_both": 3, "distance": 1}, 3.5),
    (ROW, {"relations_with_both": 2, "distance": 0, "security_record": 1, "cost": 0, "neutrality": 5}, 4.125),
    (ROW, {"cost": 4}, 2.0),
]
ZERO_CASES = [
    (CRIT, {"relations_with_both": 0, "distance": 0}, 0.0),
    (ROW, dict.fromkeys(["relations_with_both", "distance", "security_record", "cost", "neutrality"], 0), 0.0),
]


# --- the data sets: what is unverified stays out of the numbers --------------------------------------
def test_geneva_1954_keeps_only_its_verified_month(venues):
    raw = load("venues", parse_dates=False)
    geneva = raw[raw["name"] == "Geneva Conference"].iloc[0]
    assert (geneva["year"], geneva["month"]) == (1954, 7)
    assert (geneva["start_date"], geneva["date_precision"]) == ("", "month")
    assert (raw.loc[raw["date_precision"] == "day", "start_date"] != "").all()
    dated = venues.dropna(subset=["start_date"])
    assert (dated["start_date"].dt.year == dated["year"]).all()
    assert (dated["start_date"].dt.month == dated["month"]).all()


def test_unverified_arrival_counts_are_the_rounded_reported_figures(arrivals):
    rounded = arrivals[arrivals["count_basis"] == "rounded"].set_index("year")["arrivals"]
    assert rounded.to_dict() == {2017: 12_900_000, 2019: 18_000_000}
    assert arrivals.loc[arrivals["count_basis"] == "exact", "arrivals"].tolist() == [15_497_791]


def test_the_unverified_singapore_notice_is_marked_and_no_test_uses_it(hosting_costs):
    unverified = hosting_costs[hosting_costs["basis"] == "unverified"]
    assert unverified[["host", "item", "unit"]].values.tolist() == [["Singapore", "preparation window", "months"]]


def test_the_venue_ratings_say_they_are_judgements():
    assert load("venue_candidates")["basis"].str.contains("judgement").all()


def test_every_venue_candidate_rests_on_facts_its_cited_pages_carry():
    """The report that other places were floated (JoongAng Daily) has no page to cite, so no row rests on it."""
    candidates = load("venue_candidates")
    assert candidates["candidate"].tolist() == ["Hanoi", "Singapore", "Ulaanbaatar"]
    assert candidates["basis"].str.startswith("Facts:").all()
    assert not candidates["basis"].str.contains("JoongAng|[Ff]loated").any()


# --- A.1 agreements (filter by value) -----------------------------------------------------------------
def test_agreements_in_every_form_pass(venues):
    cols = list(venues.columns)
    for answer in (
        venues[venues["outcome_kind"] == "agreement"],
        venues.query("outcome_kind == 'agreement'").reset_index(drop=True)[cols[::-1]],
        venues[venues["outcome_kind"].isin(["agreement"])].sort_values("name"),
    ):
        check("venue_names", answer, name="agreements", expected=AGREEMENTS, columns=cols)
    check("venue_names", AGREEMENTS[::-1], name="agreements", expected=AGREEMENTS)  # visible test: names suffice


def test_agreements_that_keep_talks_continued_or_drop_columns_fail(venues):
    fails(
        r"holds 'Six-Party Talks, first round', 'Panmunjom meeting', which should not be there",
        "venue_names",
        venues[venues["outcome_kind"] != "no_agreement"].query("outcome_kind != 'dialogue'"),
        name="agreements",
        expected=AGREEMENTS,
    )
    fails(
        r"lacks 'Singapore summit'",
        "venue_names",
        venues[venues["level"] == "officials"].sort_values(["year", "month"]).iloc[:3],
        name="agreements",
        expected=AGREEMENTS,
    )
    fails(
        r"Keep every column",
        "venue_names",
        venues.loc[venues["outcome_kind"] == "agreement", ["name", "year"]],
        name="agreements",
        expected=AGREEMENTS,
        columns=list(venues.columns),
    )
    fails(
        r"should be a DataFrame",
        "venue_names",
        AGREEMENTS,
        name="agreements",
        expected=AGREEMENTS,
        columns=list(venues.columns),
    )


# --- A.2 venues_by_host (counting) ---------------------------------------------------------------------
def test_venues_by_host_in_every_form_pass(venues):
    for answer in (
        venues["host_country"].value_counts(),
        venues.groupby("host_country").size(),
        venues.groupby("host_country")["name"].count().reset_index(),
        venues["host_country"].value_counts(ascending=True).astype(float),
        dict(BY_HOST),
    ):
        check("counts", answer, name="venues_by_host", expected=BY_HOST)


def test_counting_cities_instead_of_countries_fails(venues):
    fails(
        r"counts \{'Geneva': 2.*expected \{'Switzerland': 2",
        "counts",
        venues["city"].value_counts(),
        name="venues_by_host",
        expected=BY_HOST,
    )


# --- A.3 chronology (sorting by several columns) -----------------------------------------------------
def test_chronology_in_every_form_passes(venues):
    by_year_month = venues.sort_values(["year", "month"])
    for answer in (
        by_year_month["name"].tolist(),
        by_year_month["name"],
        by_year_month,
        venues.sort_values(["year", "month", "start_date"]).reset_index(drop=True)["name"].to_numpy(),
        venues.sort_values("start_date", na_position="first")["name"],
    ):
        check("venue_names", answer, name="chronology", expected=ORDER, first=ORDER[:2])
        check("venue_names", answer, name="chronology", expected=ORDER, in_order=True)


def test_the_data_set_is_not_in_date_order_so_an_unsorted_or_year_only_answer_fails(venues):
    assert venues["name"].tolist() != ORDER
    fails(
        r"begins with 'Six-Party Talks, first round'",
        "venue_names",
        venues["name"],
        name="chronology",
        expected=ORDER,
        first=ORDER[:2],
    )
    by_year = venues.sort_values("year", kind="stable")["name"].tolist()
    check("venue_names", by_year, name="chronology", expected=ORDER, first=ORDER[:2])  # visible
    fails(
        r"place 7 holds 'Panmunjom meeting' where 'Hanoi summit' belongs",
        "venue_names",
        by_year,
        name="chronology",
        expected=ORDER,
        in_order=True,
    )  # hidden


def test_sorting_by_start_date_alone_puts_geneva_last_and_is_told_why(venues):
    fails(
        r"begins with 'Paris Peace Accords', 'Agreed Framework'; it should begin with 'Geneva Conference'.*"
        r"a missing date sorts last",
        "venue_names",
        venues.sort_values("start_date")["name"],
        name="chronology",
        expected=ORDER,
        first=ORDER[:2],
        advice="Sort by year and then month: Geneva 1954 has no start_date, and a missing date sorts last.",
    )


def test_month_before_year_fails_and_newest_first_after_geneva_passes_visible_but_fails_hidden(venues):
    month_first = venues.sort_values(["month", "year"])["name"].tolist()
    fails(
        r"begins with 'Paris Peace Accords', 'Hanoi summit'",
        "venue_names",
        month_first,
        name="chronology",
        expected=ORDER,
        first=ORDER[:2],
    )
    newest_first = ORDER[:2] + ORDER[2:][::-1]
    check("venue_names", newest_first, name="chronology", expected=ORDER, first=ORDER[:2])  # visible
    fails(
        r"place 3 holds 'Stockholm talks' where 'Agreed Framework' belongs",
        "venue_names",
        newest_first,
        name="chronology",
        expected=ORDER,
        in_order=True,
    )  # hidden


def test_chronology_with_a_lost_or_repeated_venue_fails(venues):
    fails(
        r"lacks 'Geneva Conference'",
        "venue_names",
        venues.dropna(subset=["start_date"])["name"],
        name="chronology",
        expected=ORDER,
    )
    fails(r"only 9 different", "venue_names", ORDER + ["Hanoi summit"], name="chronology", expected=ORDER)
    fails(
        r"holds names \(text\)|should hold names",
        "venue_names",
        venues.sort_values(["year", "month"])["year"],
        name="chronology",
        expected=ORDER,
    )
    fails(r"still empty", "venue_names", ..., name="chronology", expected=ORDER)


# --- B.1 and B.3: intervals ---------------------------------------------------------------------------
B1 = {"accept": [8.5613], "tolerance": 0.005}


def test_years_to_normalization_unrounded_or_to_two_decimals_passes():
    days = (pd.Timestamp("1995-07-11") - pd.Timestamp("1986-12-18")).days
    for value in (
        days / 365.25,
        round(days / 365.25, 2),
        round(days / 365.25, 3),
        np.float64(days / 365.25),
        (pd.Timestamp("1995-07-11") - pd.Timestamp("1986-12-18")) / pd.Timedelta(days=365.25),
    ):
        check("number", value, name="years_to_normalization", **B1)


@pytest.mark.parametrize("wrong", [3130 / 365.25, 3127 / 365, 8.57, 8.6, 9, 3127, 8.56 * 12])
def test_years_to_normalization_from_the_wrong_day_by_365_rounded_to_one_decimal_or_in_days_fails(wrong):
    fails(r"expected 8.5613 \(within 0.005\)", "number", wrong, name="years_to_normalization", **B1)


def test_days_hanoi_named_to_summit_passes_from_the_data_and_fails_from_the_wrong_announcement(venues):
    timeline = load("timeline")
    named = timeline.loc[timeline["event"].str.contains("names Hanoi"), "date"].iloc[0]
    first = venues.loc[venues["name"] == "Hanoi summit", "start_date"].iloc[0]
    for value in ((first - named).days, np.int64((first - named).days), [(first - named).days]):
        check("number", value, name="days_hanoi_named_to_summit", accept=[19])
    vietnam_named = timeline.loc[timeline["event"].str.contains("names Vietnam"), "date"].iloc[0]
    fails(r"is 22; expected 19", "number", (first - vietnam_named).days, name="days_hanoi_named_to_summit", accept=[19])
    fails(r"time span.*\.days", "number", first - named, name="days_hanoi_named_to_summit", accept=[19])


# --- C.1 hosted_by_mongolia ---------------------------------------------------------------------------
def test_hosted_by_mongolia_passes_by_country_or_city_and_fails_with_the_six_party_talks(venues):
    cols = list(venues.columns)
    for answer in (
        venues[venues["host_country"] == "Mongolia"],
        venues[venues["city"] == "Ulaanbaatar"],
        venues[venues["host_country"].str.contains("Mongolia")].reset_index(),
    ):
        check(
            "venue_names",
            answer,
            name="hosted_by_mongolia",
            expected=["Ulaanbaatar Dialogue, first conference"],
            columns=cols,
        )
    with_russia = venues[venues["parties"].str.contains("Mongolia|Russia")]
    fails(
        r"holds 'Six-Party Talks, first round'",
        "venue_names",
        with_russia,
        name="hosted_by_mongolia",
        expected=["Ulaanbaatar Dialogue, first conference"],
        columns=cols,
    )
    fails(
        r"lacks the column",
        "venue_names",
        venues.loc[venues["host_country"] == "Mongolia", ["name"]],
        name="hosted_by_mongolia",
        expected=["Ulaanbaatar Dialogue, first conference"],
        columns=cols,
    )


# --- D.1 arrivals_growth and D.2 gap_2018 -------------------------------------------------------------
def test_arrivals_growth_computed_in_any_form_or_to_two_decimals_passes(arrivals):
    a = arrivals.set_index("year")["arrivals"]
    for answer in (
        a.pct_change() * 100,
        (a.pct_change() * 100).dropna(),
        (a / a.shift() - 1) * 100,
        (a.diff() / a.shift() * 100).round(2).reset_index(),
        (a.pct_change() * 100).round(3),
        {2018: 20.14, 2019: 16.15},
    ):
        check(
            "yearly_numbers", answer, name="arrivals_growth", expected=GROWTH, decimals=2, subset=True, copied=REPORTED
        )
        check("yearly_numbers", answer, name="arrivals_growth", expected=GROWTH, decimals=2, copied=REPORTED)


def test_arrivals_growth_copied_from_growth_pct_is_named_as_copied(arrivals):
    reported = arrivals.set_index("year")["growth_pct"]
    for answer in (reported.loc[2018:], reported.where(reported.index > 2017), dict(REPORTED)):
        fails(
            r"holds the published figures \(2018: 19.9, 2019: 16.2\).*compute them",
            "yearly_numbers",
            answer,
            name="arrivals_growth",
            expected=GROWTH,
            decimals=2,
            subset=True,
            copied=REPORTED,
        )


def test_arrivals_growth_rounded_to_one_decimal_is_told_to_keep_two(arrivals):
    a = arrivals.set_index("year")["arrivals"]
    fails(
        r"is 20.1 for 2018: that is rounded to 1 decimal.*Keep at least 2 decimals",
        "yearly_numbers",
        (a.pct_change() * 100).round(1),
        name="arrivals_growth",
        expected=GROWTH,
        decimals=2,
        subset=True,
        copied=REPORTED,
    )


def test_arrivals_growth_as_fractions_from_2017_on_the_new_base_or_with_a_zero_first_year_fails(arrivals):
    a = arrivals.set_index("year")["arrivals"]
    fails(
        r"looks like fractions.*multiply by 100",
        "yearly_numbers",
        a.pct_change(),
        name="arrivals_growth",
        expected=GROWTH,
        decimals=2,
        subset=True,
    )
    fails(
        r"is 39.5349 for 2019; expected 16.1456 \(rounded to 2 decimals or not at all\)",
        "yearly_numbers",
        (a / a[2017] - 1) * 100,
        name="arrivals_growth",
        expected=GROWTH,
        decimals=2,
        subset=True,
    )
    fails(
        r"is 16.7623 for 2018; expected 20.1379",
        "yearly_numbers",
        a.diff() / a * 100,
        name="arrivals_growth",
        expected=GROWTH,
        decimals=2,
        subset=True,
    )
    fails(
        r"values for 2017, which should not be there",
        "yearly_numbers",
        (a.pct_change() * 100).fillna(0),
        name="arrivals_growth",
        expected=GROWTH,
        decimals=2,
    )
    fails(
        r"no value for 2018, 2019.*Index it by year",
        "yearly_numbers",
        arrivals["arrivals"].pct_change() * 100,
        name="arrivals_growth",
        expected=GROWTH,
        decimals=2,
        subset=True,
    )


def test_values_just_outside_the_tolerance_are_shown_with_enough_digits_to_differ():
    fails(
        r"is 15.5031 for 2018; expected 15.4978 \(rounded to 2 decimals",
        "yearly_numbers",
        {2018: 15.5031},
        name="arrivals_millions",
        expected={2018: 15.497791},
        decimals=2,
    )


def test_gap_2018_passes_unrounded_and_fails_rounded_or_reversed(arrivals):
    growth = arrivals.set_index("year")["arrivals"].pct_change() * 100
    reported = arrivals.set_index("year")["growth_pct"]
    for value in (growth[2018] - reported[2018], growth.loc[[2018]] - reported[2018], float(growth[2018] - 19.9)):
        check("number", value, name="gap_2018", accept=[0.238], tolerance=0.01)
    check("number", round(growth[2018], 2) - 19.9, name="gap_2018", accept=[0.238], tolerance=0.01)  # D.1 allows it
    fails(
        r"is 0.2; expected 0.238",
        "number",
        round(growth[2018], 1) - 19.9,
        name="gap_2018",
        accept=[0.238],
        tolerance=0.01,
    )
    fails(
        r"is -0.237915; expected 0.238",
        "number",
        reported[2018] - growth[2018],
        name="gap_2018",
        accept=[0.238],
        tolerance=0.01,
    )
    fails(
        r"should be one number, but it holds 3",
        "number",
        growth - reported,
        name="gap_2018",
        accept=[0.238],
        tolerance=0.01,
    )


# --- D.3 and D.4: arrivals in millions and the bar chart -----------------------------------------------
def test_arrivals_millions_in_every_form_and_to_two_decimals_pass(arrivals):
    a = arrivals.set_index("year")["arrivals"]
    for answer in (
        a / 1_000_000,
        a / 1e6,
        (arrivals.set_index("year")[["arrivals"]] / 1e6),
        arrivals.assign(m=arrivals["arrivals"] / 1e6)[["year", "m"]],
        (a / 1e6).round(2),
        (a / 1e6).round(1),
        (a / 1e6).round(3),
    ):
        check("yearly_numbers", answer, name="arrivals_millions", expected=MILLIONS, decimals=2, plottable=True)


def test_arrivals_in_visitors_thousands_whole_millions_or_a_dict_fails(arrivals):
    a = arrivals.set_index("year")["arrivals"]
    fails(
        r"is (1.29e\+07|12900000) for 2017; expected 12.9 ",
        "yearly_numbers",
        a,
        name="arrivals_millions",
        expected=MILLIONS,
        decimals=2,
        plottable=True,
    )
    fails(
        r"is (1.29e\+04|12900) for 2017",
        "yearly_numbers",
        a / 1000,
        name="arrivals_millions",
        expected=MILLIONS,
        decimals=2,
        plottable=True,
    )
    fails(
        r"is 13 for 2017: that is rounded to 0 decimals",
        "yearly_numbers",
        (a / 1e6).round(),
        name="arrivals_millions",
        expected=MILLIONS,
        decimals=2,
        plottable=True,
    )
    fails(
        r"should be a pandas Series.*it is a dict.*arrivals_millions.plot",
        "yearly_numbers",
        (a / 1e6).to_dict(),
        name="arrivals_millions",
        expected=MILLIONS,
        decimals=2,
        plottable=True,
    )


@pytest.mark.parametrize("how", ["pandas_bar", "pandas_barh", "pandas_line", "plt_bar"])
def test_every_way_of_plotting_arrivals_passes(arrivals, how):
    m = arrivals.set_index("year")["arrivals"] / 1e6
    answer = {
        "pandas_bar": lambda: m.plot(kind="bar"),
        "pandas_barh": lambda: m.plot.barh(),
        "pandas_line": lambda: m.plot(),
        "plt_bar": lambda: plt.bar(m.index, m.values),
    }[how]()
    check("plotted_numbers", answer, name="arrivals_ax", y=list(MILLIONS.values()), decimals=2)


def test_a_plot_of_arrivals_rounded_to_two_decimals_passes(arrivals):
    m = (arrivals.set_index("year")["arrivals"] / 1e6).round(2)
    check("plotted_numbers", m.plot(kind="bar"), name="arrivals_ax", y=list(MILLIONS.values()), decimals=2)


def test_plotting_growth_raw_counts_or_whole_millions_fails(arrivals):
    a = arrivals.set_index("year")["arrivals"]
    fails(
        r"No line or set of bars in `arrivals_ax` shows the values \[12.9, 15.4978, 18\]"
        r".*it shows \[(1.29e\+07|12900000), ",
        "plotted_numbers",
        a.plot(kind="bar"),
        name="arrivals_ax",
        y=list(MILLIONS.values()),
        decimals=2,
    )
    plt.figure()
    fails(
        r"No line or set of bars in `arrivals_ax`",
        "plotted_numbers",
        (a.pct_change() * 100).plot(kind="bar"),
        name="arrivals_ax",
        y=list(MILLIONS.values()),
        decimals=2,
    )
    plt.figure()
    fails(
        r"shows the values \[12.9, 15.4978, 18\].*it shows \[13, 15, 18\]",
        "plotted_numbers",
        (a / 1e6).round().plot(kind="bar"),
        name="arrivals_ax",
        y=list(MILLIONS.values()),
        decimals=2,
    )


# --- E.1 cost_change_pct and E.2 press_ratio ----------------------------------------------------------
def test_cost_change_in_every_form_passes(hosting_costs):
    sgd = hosting_costs[(hosting_costs["item"] == "cost") & (hosting_costs["unit"] == "SGD million")].sort_values(
        "basis"
    )
    for value in (
        -18.5,
        (16.3 - 20) / 20 * 100,
        sgd["value"].pct_change().iloc[-1] * 100,
        (sgd["value"].iloc[1] / sgd["value"].iloc[0] - 1) * 100,
    ):
        check("number", value, name="cost_change_pct", accept=[-18.5], tolerance=0.1)


@pytest.mark.parametrize(
    "wrong, why",
    [
        (-0.185, "a fraction"),
        (18.5, "the wrong sign"),
        (-22.7, "the actual as the base"),
        (-40.0, "US against Singapore dollars"),
    ],
)
def test_cost_change_as_fraction_reversed_or_mixing_currencies_fails(wrong, why):
    fails(r"expected -18.5 \(within 0.1\)", "number", wrong, name="cost_change_pct", accept=[-18.5], tolerance=0.1)


def test_press_ratio_passes_and_the_inverse_fails(hosting_costs):
    press = hosting_costs[hosting_costs["item"] == "journalists"].set_index("host")["value"]
    for value in (press["Vietnam"] / press["Singapore"], 4000 / 2500, press.loc[["Vietnam"]] / 2500):
        check("number", value, name="press_ratio", accept=[1.6], tolerance=0.01)
    fails(
        r"is 0.625; expected 1.6",
        "number",
        press["Singapore"] / press["Vietnam"],
        name="press_ratio",
        accept=[1.6],
        tolerance=0.01,
    )
    fails(
        r"is 60; expected 1.6",
        "number",
        (press["Vietnam"] / press["Singapore"] - 1) * 100,
        name="press_ratio",
        accept=[1.6],
        tolerance=0.01,
    )


# --- F.1 score(row, weights) ------------------------------------------------------------------------
def score_loop(row, weights):
    total = sum(weights.values())
    if total == 0:
        return 0.0
    return sum(w * row[c] for c, w in weights.items()) / total


def score_numpy(row, weights):
    w = np.array(list(weights.values()), dtype=float)
    if not w.any():
        return 0
    return float(np.average([row[c] for c in weights], weights=w))


def score_pandas(row, weights):
    w = pd.Series(weights, dtype=float)
    return (pd.Series(row)[w.index].astype(float) * w).sum() / w.sum() if w.sum() else 0


@pytest.mark.parametrize("fn", [score_loop, score_numpy, score_pandas])
def test_every_correct_score_passes(fn):
    check("score_function", fn, cases=SCORE_CASES)
    check("score_function", fn, cases=ZERO_CASES)


def test_a_weighted_sum_without_dividing_is_told_to_divide():
    def weighted_sum(row, weights):
        return sum(w * row[c] for c, w in weights.items())

    fails(
        r"returned 6; expected 3\. That is the weighted sum: divide it by the total",
        "score_function",
        weighted_sum,
        cases=SCORE_CASES,
    )


def test_dividing_by_the_number_of_criteria_is_named():
    def by_count(row, weights):
        return sum(w * row[c] for c, w in weights.items()) / len(weights)

    fails(
        r"returned 7; expected 3\.5\. Divide by the total of the weights, not by the number of criteria",
        "score_function",
        by_count,
        cases=SCORE_CASES,
    )


def test_no_zero_guard_fails_the_zero_test_only():
    def unguarded(row, weights):
        return sum(w * row[c] for c, w in weights.items()) / sum(weights.values())

    check("score_function", unguarded, cases=SCORE_CASES)
    fails(
        r"raised ZeroDivisionError.*When every weight is 0 there is nothing to divide by: return 0\.0",
        "score_function",
        unguarded,
        cases=ZERO_CASES,
    )

    def nan_for_zero(row, weights):
        return np.nan if sum(weights.values()) == 0 else score_loop(row, weights)

    fails(r"returned NaN", "score_function", nan_for_zero, cases=ZERO_CASES)


def test_looping_over_the_row_instead_of_the_weights_fails_on_a_real_row_named_by_its_candidate():
    def over_row(row, weights):
        return sum(weights.get(c, 0) * row[c] for c in row.keys()) / sum(weights.values())

    check("score_function", over_row, cases=SCORE_CASES[:2])  # the visible dict rows hold only numbers
    with pytest.raises(CheckFailed) as failure:
        check("score_function", over_row, cases=SCORE_CASES[2:])
    message = str(failure.value)
    assert (
        "score(<row of 'Testville': relations_with_both=5, distance=1, security_record=3, cost=2, neutrality=4>, "
        in message
        and "raised TypeError" in message
    )
    assert "Loop over weights.items()" in message and "None" not in message and message.count("`") % 2 == 0


def test_a_result_off_by_a_little_is_shown_with_enough_digits_to_differ():
    fails(r"returned 4.1251; expected 4.125\.", "score_function", lambda row, weights: 4.1251, cases=SCORE_CASES[2:3])
    fails(r"returned 3.0000001; expected 3\.", "score_function", lambda row, weights: 3.0000001, cases=SCORE_CASES[:1])


def test_a_rounded_score_is_told_not_to_round():
    def rounded(row, weights):
        return round(score_loop(row, weights), 2)

    fails(r"returned 4.12; expected 4.125\. That looks rounded", "score_function", rounded, cases=SCORE_CASES)


def test_a_plain_mean_ignoring_the_weights_fails():
    def plain_mean(row, weights):
        return sum(row[c] for c in weights) / len(weights)

    fails(
        r"returned 3; expected 3\.5\. Multiply each criterion by its weight",
        "score_function",
        plain_mean,
        cases=SCORE_CASES[1:2],
    )


def test_a_score_that_prints_or_is_not_a_function_is_explained():
    def prints(row, weights):
        print(score_loop(row, weights))

    fails(r"returned None\. End the function with `return`", "score_function", prints, cases=SCORE_CASES)
    fails(r"should be a function", "score_function", 3.0, cases=SCORE_CASES)
    fails(
        r"returned a list of 2 values; it should return one number",
        "score_function",
        lambda row, weights: [1, 2],
        cases=SCORE_CASES,
    )
    fails(
        r"returned 'high' \(a str\); it should return one number",
        "score_function",
        lambda row, weights: "high",
        cases=SCORE_CASES,
    )
    fails(r"still empty", "score_function", None, cases=SCORE_CASES)


def test_an_unwritten_stub_fails_as_unanswered():
    def stub(row, weights):
        raise NotImplementedError()

    with pytest.raises(NotImplementedError):
        check("score_function", stub, cases=SCORE_CASES)


# --- quiz bank and the generic helpers ---------------------------------------------------------------
def test_texts_reads_a_column_or_a_list_and_refuses_numbers():
    df = pd.DataFrame({"name": ["a", "b"], "n": [1, 2]})
    assert texts(df, "x", "name") == ["a", "b"] == texts(pd.Series(["a", "b"]), "x", "name")
    with pytest.raises(CheckFailed, match="no column 'name'"):
        texts(df[["n"]], "x", "name")
    with pytest.raises(CheckFailed, match="should hold names"):
        texts([1, 2], "x", "name")


def test_called_explains_errors_but_lets_a_stub_through():
    assert called(lambda a, b: a + b, "f", (1, 2)) == 3
    with pytest.raises(CheckFailed, match=r"f\(1, 0\) raised ZeroDivisionError.*Try again"):
        called(lambda a, b: a / b, "f", (1, 0), advice="Try again.")
    with pytest.raises(CheckFailed, match=r"f\(<row 'r'>\) raised KeyError"):
        called(lambda row: row["x"], "f", (pd.Series({"y": 1}, name="r"),))
    with pytest.raises(NotImplementedError):
        called(lambda: (_ for _ in ()).throw(NotImplementedError()), "f", ())
