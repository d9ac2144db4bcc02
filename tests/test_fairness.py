"""Do answers computed another valid way earn full marks, and typical wrong answers the points they should,
when graded by the notebooks' own test cells (hidden tests included)?

Each instructor notebook runs once in-process; then, for each case, its answer code replaces the
instructor's answer and the test cells of that exercise are run. A cell earns its points when it raises
nothing, as under nbgrader.
"""
import json
import os
import warnings

import matplotlib
import nbformat
import pytest

from course.paths import ASSIGNMENTS
from course.sample import SOLUTION_MARKERS
from tests.conftest import source_notebook

matplotlib.use("Agg")

# (assignment, answer code, {test cell: points it must earn}) -- "ok" cases are other correct solutions.
OK, WRONG = "ok", "wrong"
CASES = [
    # --- summit_outcome
    ("summit_outcome", OK, 'timeline = events.assign(date=pd.to_datetime(events["date"])).sort_values(["date", "event"])',
     {"test_timeline_dates_parsed": 1, "test_timeline_sorted": 1}),
    ("summit_outcome", WRONG, 'timeline = events.copy()\ntimeline["date"] = pd.to_datetime(timeline["date"])  # not sorted',
     {"test_timeline_dates_parsed": 1, "test_timeline_sorted": 0}),
    ("summit_outcome", OK, "def days_between(s, e):\n    return int((pd.to_datetime(e) - pd.to_datetime(s)) / pd.Timedelta(days=1))",
     {"test_days_between_singapore_hanoi": 1, "test_days_between_direction": 1}),
    ("summit_outcome", WRONG, "def days_between(s, e):\n    return abs((pd.Timestamp(e) - pd.Timestamp(s)).days)",
     {"test_days_between_singapore_hanoi": 1, "test_days_between_direction": 0}),
    ("summit_outcome", OK, 'us_dprk_meetings = timeline.query("category == \'leaders_meeting\'").loc[lambda d: d["parties"].str.contains("US")]',
     {"test_us_dprk_meetings": 2}),
    ("summit_outcome", WRONG, 'us_dprk_meetings = timeline[timeline["category"] == "leaders_meeting"]',
     {"test_us_dprk_meetings": 0}),
    ("summit_outcome", OK, 'meeting_gaps = us_dprk_meetings["date"].diff()  # Timedeltas, NaT first',
     {"test_meeting_gaps": 2}),
    ("summit_outcome", WRONG, 'meeting_gaps = us_dprk_meetings["date"].diff(-1).dt.days.dropna().tolist()  # backwards',
     {"test_meeting_gaps": 0}),
    ("summit_outcome", OK, 'days_launch_to_2397 = days_between("2017-11-28", "2017-12-22")  # New York date',
     {"test_days_launch_to_2397": 1}),
    ("summit_outcome", WRONG, 'days_launch_to_2397 = pd.Timestamp("2017-12-22") - pd.Timestamp("2017-11-29")  # a Timedelta',
     {"test_days_launch_to_2397": 0}),
    ("summit_outcome", OK, "months_singapore_to_hanoi = 260 / 30.4375  # unrounded",
     {"test_months_singapore_to_hanoi": 2}),
    ("summit_outcome", WRONG, "months_singapore_to_hanoi = 260 / 30  # 30-day months",
     {"test_months_singapore_to_hanoi": 0}),
    ("summit_outcome", OK, 'accounts_by_side = accounts.groupby("side", observed=True).size()',
     {"test_accounts_by_side": 2}),
    ("summit_outcome", WRONG, 'accounts_by_side = accounts["speaker"].value_counts()',
     {"test_accounts_by_side": 0}),
    # --- sanctions_relief
    ("sanctions_relief", OK, "since_march_2016 = resolutions.query(\"adopted >= '2016-03-01'\").reset_index(drop=True)",
     {"test_since_march_2016": 2}),
    ("sanctions_relief", WRONG, 'since_march_2016 = resolutions.loc[resolutions["adopted"] >= "2016-03-01", ["number", "adopted"]]',
     {"test_since_march_2016": 0}),
    ("sanctions_relief", OK, 'economic_2016_2017 = since_march_2016[~since_march_2016["sectors"].eq("designations")]["number"].astype(float).tolist()',
     {"test_economic_2016_2017": 2}),
    ("sanctions_relief", WRONG, 'economic_2016_2017 = since_march_2016["number"].tolist()  # 2356 kept',
     {"test_economic_2016_2017": 0}),
    ("sanctions_relief", OK, 'first = sector_rows.sort_values("adopted").drop_duplicates("sector")\n'
                             'new_sectors_by_year = first["adopted"].dt.year.value_counts()  # unsorted',
     {"test_new_sectors_by_year": 2}),
    ("sanctions_relief", WRONG, 'new_sectors_by_year = sector_rows["adopted"].dt.year.value_counts()  # every mention',
     {"test_new_sectors_by_year": 0}),
    ("sanctions_relief", OK, "cumulative_sectors = new_sectors_by_year.sort_index().cumsum().astype(float)\n"
                             "fig, sectors_ax = plt.subplots()\n"
                             'sectors_ax.step(cumulative_sectors.index, cumulative_sectors.values, where="post")',
     {"test_cumulative_sectors": 1, "test_sectors_plot": 1}),
    ("sanctions_relief", WRONG, "cumulative_sectors = new_sectors_by_year\nsectors_ax = new_sectors_by_year.plot()",
     {"test_cumulative_sectors": 0, "test_sectors_plot": 0}),
    ("sanctions_relief", OK, "steepest_year = int(cumulative_sectors.diff().idxmax())",
     {"test_steepest_year": 1}),
    ("sanctions_relief", WRONG, "steepest_year = 2016", {"test_steepest_year": 0}),
    ("sanctions_relief", OK, 'caps_with_dates = resolutions[["number", "adopted", "disputed_five"]].merge(caps, left_on="number", right_on="resolution")',
     {"test_caps_with_dates": 2}),
    ("sanctions_relief", WRONG, 'caps_with_dates = caps.merge(resolutions, left_on="resolution", right_on="number", how="outer")',
     {"test_caps_with_dates": 0}),
    ("sanctions_relief", OK, 'yearly = caps[(caps["item"] == "refined petroleum imports") & (caps["period_start"] == "2018-01-01")]'
                             '.sort_values("resolution")["value"]\nrefined_cut_pct = yearly.pct_change().iloc[-1] * 100',
     {"test_refined_cut_pct": 1}),
    ("sanctions_relief", WRONG, "refined_cut_pct = (2_000_000 - 500_000) / 500_000 * 100  # wrong base",
     {"test_refined_cut_pct": 0}),
    ("sanctions_relief", OK, 'kotra = trade[trade["series"] == "KOTRA"].pivot_table(index="year", columns="indicator", values="value")',
     {"test_kotra_wide": 2}),
    ("sanctions_relief", WRONG, 'kotra = trade.pivot_table(index="year", columns="indicator", values="value")  # series mixed',
     {"test_kotra_wide": 0}),
    ("sanctions_relief", OK, 'exports_change = (kotra["exports"] / kotra["exports"].shift() - 1).mul(100).dropna().round(1)',
     {"test_exports_change": 2}),
    ("sanctions_relief", WRONG, 'exports_change = kotra["exports"].pct_change()  # fractions',
     {"test_exports_change": 0}),
    ("sanctions_relief", OK, 'china_share_gain = float(kotra["China share of total"].loc[[2015, 2018]].diff().iloc[-1])',
     {"test_china_share_gain": 1}),
    ("sanctions_relief", WRONG, 'china_share_gain = kotra.loc[2018, "China share of total"] / kotra.loc[2015, "China share of total"]',
     {"test_china_share_gain": 0}),
    ("sanctions_relief", OK, 'exports_by_year = trade[(trade["series"] == "KOTRA") & (trade["indicator"] == "exports")].set_index("year")["value"]\n'
                             "fig, exports_ax = plt.subplots()\nexports_ax.bar(exports_by_year.index, exports_by_year.values)",
     {"test_exports_by_year": 1, "test_exports_plot": 1}),
    ("sanctions_relief", WRONG, 'exports_by_year = kotra["imports"]\nexports_ax = exports_by_year.plot(kind="bar")',
     {"test_exports_by_year": 0, "test_exports_plot": 0}),
    ("sanctions_relief", OK, "biggest_fall_year = int(exports_by_year.diff().idxmin())", {"test_biggest_fall_year": 1}),
    ("sanctions_relief", WRONG, "biggest_fall_year = 2017", {"test_biggest_fall_year": 0}),
    # --- middle_powers
    ("middle_powers", OK, "agreements = venues.query(\"outcome_kind == 'agreement'\").reset_index(drop=True)",
     {"test_agreements": 2}),
    ("middle_powers", WRONG, 'agreements = venues[venues["level"] == "leaders"]', {"test_agreements": 0}),
    ("middle_powers", OK, 'venues_by_host = venues.groupby("host_country").size()', {"test_venues_by_host": 2}),
    ("middle_powers", WRONG, 'venues_by_host = venues["city"].value_counts()', {"test_venues_by_host": 0}),
    ("middle_powers", OK, 'chronology = venues.sort_values(["year", "month", "start_date"])["name"]', {"test_chronology": 2}),
    ("middle_powers", WRONG, 'chronology = venues.sort_values("start_date")["name"].tolist()  # Geneva 1954 last',
     {"test_chronology": 0}),
    ("middle_powers", OK, 'years_to_normalization = (pd.Timestamp("1995-07-11") - pd.Timestamp("1986-12-15")).days / 365.25',
     {"test_years_to_normalization": 1}),
    ("middle_powers", WRONG, "years_to_normalization = 1995 - 1986", {"test_years_to_normalization": 0}),
    ("middle_powers", OK, 'days_hanoi_named_to_summit = (pd.Timestamp("2019-02-27") - pd.Timestamp("2019-02-08")).days',
     {"test_days_hanoi_named_to_summit": 1}),
    ("middle_powers", WRONG, 'days_hanoi_named_to_summit = (pd.Timestamp("2019-02-27") - pd.Timestamp("2019-02-05")).days  # the country',
     {"test_days_hanoi_named_to_summit": 0}),
    ("middle_powers", OK, 'hosted_by_mongolia = venues[venues["city"] == "Ulaanbaatar"]', {"test_hosted_by_mongolia": 1}),
    ("middle_powers", WRONG, 'hosted_by_mongolia = venues[venues["host_country"].isin(["Mongolia", "China"])]',
     {"test_hosted_by_mongolia": 0}),
    ("middle_powers", OK, 's = arrivals.set_index("year")["arrivals"]\narrivals_growth = ((s - s.shift()) / s.shift() * 100).dropna()',
     {"test_arrivals_growth": 2}),
    ("middle_powers", WRONG, 'arrivals_growth = arrivals.set_index("year")["growth_pct"]  # copied, 2017 included',
     {"test_arrivals_growth": 0}),
    ("middle_powers", OK, "gap_2018 = float(arrivals_growth.loc[2018]) - 19.9", {"test_gap_2018": 1}),
    ("middle_powers", WRONG, "gap_2018 = round(arrivals_growth[2018], 1) - 19.9  # rounded first", {"test_gap_2018": 0}),
    ("middle_powers", OK, 'arrivals_millions = arrivals.set_index("year")["arrivals"].div(1e6)\n'
                          "fig, arrivals_ax = plt.subplots()\narrivals_ax.bar(arrivals_millions.index, arrivals_millions)",
     {"test_arrivals_millions": 1, "test_arrivals_plot": 1}),
    ("middle_powers", WRONG, 'arrivals_millions = arrivals.set_index("year")["arrivals"]\narrivals_ax = arrivals_millions.plot(kind="bar")',
     {"test_arrivals_millions": 0, "test_arrivals_plot": 0}),
    ("middle_powers", OK, 'v = hosting[(hosting["item"] == "cost") & (hosting["unit"] == "SGD million")].set_index("basis")["value"]\n'
                          'cost_change_pct = v.loc[["estimate", "reported"]].pct_change().iloc[-1] * 100',
     {"test_cost_change_pct": 1}),
    ("middle_powers", WRONG, "cost_change_pct = (12 - 20) / 20 * 100  # US$ against S$", {"test_cost_change_pct": 0}),
    ("middle_powers", OK, 'j = hosting[hosting["item"] == "journalists"]\n'
                          'press_ratio = j.loc[j["host"] == "Vietnam", "value"].item() / j.loc[j["host"] == "Singapore", "value"].item()',
     {"test_press_ratio": 1}),
    ("middle_powers", WRONG, "press_ratio = 2500 / 4000  # upside down", {"test_press_ratio": 0}),
    ("middle_powers", OK, "def score(row, weights):\n    w = pd.Series(weights, dtype=float)\n"
                          "    return float((w * pd.Series({k: row[k] for k in w.index})).sum() / w.sum()) if w.sum() else 0.0",
     {"test_score_weighted_mean": 2, "test_score_all_weights_zero": 1}),
    ("middle_powers", WRONG, "def score(row, weights):\n    return sum(w * row[c] for c, w in weights.items())  # not divided",
     {"test_score_weighted_mean": 0, "test_score_all_weights_zero": 1}),
    ("middle_powers", WRONG, "def score(row, weights):\n    return sum(w * row[c] for c, w in weights.items()) / sum(weights.values())",
     {"test_score_weighted_mean": 2, "test_score_all_weights_zero": 0}),
]


def _plain(source: str) -> str:
    return "\n".join(ln for ln in source.splitlines() if ln.strip() not in SOLUTION_MARKERS)


@pytest.fixture(scope="module")
def solved(tmp_path_factory):
    """Each instructor notebook run in-process: its namespace and its test cells."""
    import matplotlib.pyplot as plt
    here, runs = os.getcwd(), {}
    os.chdir(tmp_path_factory.mktemp("fairness"))  # the quiz cells read answers from the working folder
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for assignment in ASSIGNMENTS:
                nb = nbformat.read(source_notebook(assignment), as_version=4)
                namespace, tests = {}, {}
                for cell in nb.cells:
                    meta = cell.metadata.get("nbgrader", {})
                    if cell.cell_type != "code":
                        continue
                    if meta.get("grade"):
                        tests[meta["grade_id"]] = (cell.source, meta["points"])
                    else:
                        exec(compile(_plain(cell.source), meta.get("grade_id", "cell"), "exec"), namespace)
                runs[assignment] = (namespace, tests)
        yield runs
    finally:
        plt.close("all")
        os.chdir(here)


def out_of_kernel(name, answer, /, **expected):
    """``check`` as the grader decides it (course/verdict.py): on the answer exported as plain data and rebuilt."""
    from course import CheckFailed, check
    from course.export import Unexportable, case_inputs, export_answer, restore
    rebuilt = restore(json.loads(json.dumps(export_answer(answer, case_inputs(expected)), allow_nan=False)))
    if isinstance(rebuilt, Unexportable):
        raise CheckFailed(f"unexportable {rebuilt.type_name}")
    return check(name, rebuilt, **expected)


def points(namespace: dict, tests: dict, cells, checker=None) -> dict:
    earned = {}
    if checker is not None:
        namespace = dict(namespace, check=checker)
    for cell in cells:
        source, worth = tests[cell]
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                exec(compile(source, cell, "exec"), dict(namespace))
            earned[cell] = worth
        except Exception:  # any error in a test cell scores it zero, as under nbgrader
            earned[cell] = 0
    return earned


@pytest.mark.parametrize("assignment,kind,code,expected", CASES,
                         ids=[f"{a}-{k}-{next(iter(e))}" for a, k, _, e in CASES])
def test_an_answer_earns_exactly_the_points_it_should(solved, assignment, kind, code, expected):
    base, tests = solved[assignment]
    namespace = dict(base)
    exec(compile(code, "answer", "exec"), namespace)
    assert points(namespace, tests, expected) == expected
    assert points(namespace, tests, expected, checker=out_of_kernel) == expected, "the verdict outside the kernel"
    if kind == OK:
        assert all(expected[c] == tests[c][1] for c in expected), "an 'ok' case must expect full marks"
    else:
        assert sum(expected.values()) < sum(tests[c][1] for c in expected), "a 'wrong' case must lose points"


def test_the_instructor_answers_earn_every_point(solved):
    for assignment, (namespace, tests) in solved.items():
        auto = {c: worth for c, (_, worth) in tests.items() if "quiz" not in c}
        assert points(namespace, tests, auto) == auto, assignment
        assert points(namespace, tests, auto, checker=out_of_kernel) == auto, assignment


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_exercise_has_an_alternative_and_a_wrong_case(solved, assignment):
    _, tests = solved[assignment]
    exercises = {c for c in tests if "quiz" not in c}  # quiz answers are graded by key in test_pipeline
    for kind in (OK, WRONG):
        covered = {c for a, k, _, e in CASES if a == assignment and k == kind for c in e}
        assert exercises <= covered, f"{kind} cases missing for {sorted(exercises - covered)}"
