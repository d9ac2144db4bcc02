"""Does every check accept each correct form of an answer and reject typical wrong ones with advice?"""

import numpy as np
import pandas as pd
import pytest

from course import CheckFailed, check, load
from course.checks import registered
from tests.conftest import fails


@pytest.fixture
def events():
    return load("timeline", parse_dates=False)


def solved_timeline(events):
    t = events.copy()
    t["date"] = pd.to_datetime(t["date"])
    return t.sort_values("date")


def test_a_passing_check_says_so(events, capsys):
    check("timeline_sorted", solved_timeline(events), original=events)
    assert "timeline_sorted: passed" in capsys.readouterr().out


def test_an_unknown_check_is_the_instructors_error():
    with pytest.raises(ValueError, match="no check called 'nope'"):
        check("nope", 1)


def test_a_check_failure_counts_as_a_failed_test():
    assert issubclass(CheckFailed, AssertionError)  # nbgrader scores a cell zero when it raises


# --- timeline -------------------------------------------------------------------------------
def test_timeline_accepts_any_index_and_extra_sorting_keys(events):
    t = solved_timeline(events)
    check("timeline_sorted", t, original=events)  # index kept
    check("timeline_sorted", t.reset_index(drop=True), original=events)  # index reset
    check("timeline_sorted", t.sort_values(["date", "event"]), original=events)
    check("timeline_dates_parsed", t[list(reversed(t.columns))], original=events, exact=True)


def test_timeline_left_as_text_is_told_to_convert(events):
    fails(r"pd.to_datetime", "timeline_dates_parsed", events.copy(), original=events)


def test_timeline_sorted_backwards_fails(events):
    fails(
        r"not in date order",
        "timeline_sorted",
        solved_timeline(events).sort_values("date", ascending=False),
        original=events,
    )


def test_timeline_with_a_dropped_row_fails(events):
    fails(r"rows", "timeline_sorted", solved_timeline(events).iloc[1:], original=events)


def test_timeline_parsed_day_first_is_caught_by_the_exact_check(events):
    t = events.copy()
    t["date"] = pd.to_datetime(t["date"], format="%Y-%d-%m", errors="coerce").fillna(pd.Timestamp("2000-01-01"))
    check("timeline_dates_parsed", t, original=events)  # the visible check only sees datetimes
    fails(r"dated", "timeline_dates_parsed", t, original=events, exact=True)


def test_timeline_with_its_date_column_sorted_apart_from_the_rows_fails_both_checks(events):
    t = events.copy()
    t["date"] = pd.to_datetime(t["date"]).sort_values().values  # the column is in order, every event mis-dated
    fails(r"apart from its rows", "timeline_sorted", t, original=events)
    fails(r"apart from its rows", "timeline_dates_parsed", t, original=events, exact=True)


def test_only_swapped_days_and_months_are_told_about_the_day_first_option(events):
    t = solved_timeline(events)
    swapped = t["date"].map(lambda d: d.replace(month=d.day, day=d.month) if d.day <= 12 else d)
    with pytest.raises(CheckFailed, match=r"day and month swapped") as told:
        check("timeline_dates_parsed", t.assign(date=swapped), original=events, exact=True)
    assert "dayfirst" in str(told.value)
    with pytest.raises(CheckFailed) as told:  # a day off is not a swap: no day-first advice
        check("timeline_dates_parsed", t.assign(date=t["date"] + pd.Timedelta(days=1)), original=events, exact=True)
    assert "dayfirst" not in str(told.value) and "differs from the file" in str(told.value)


def test_timeline_must_keep_the_columns_later_questions_use(events):
    fails(
        r"date_alt", "timeline_sorted", solved_timeline(events).drop(columns=["date_alt", "date_note"]), original=events
    )


def test_timeline_dates_made_python_dates_are_not_called_text(events):
    t = solved_timeline(events)
    with pytest.raises(CheckFailed, match=r"datetime.date\(2017, 6, 2\)") as told:
        check("timeline_dates_parsed", t.assign(date=t["date"].dt.date), original=events)
    assert "text" not in str(told.value)


def test_timeline_parsed_as_utc_keeps_its_calendar_days(events):
    t = events.assign(date=pd.to_datetime(events["date"], utc=True)).sort_values("date")
    check("timeline_sorted", t, original=events)
    check("timeline_dates_parsed", t, original=events, exact=True)


def test_a_placeholder_is_called_empty():
    fails(r"still empty", "timeline_sorted", ..., original=pd.DataFrame())


# --- days_between --------------------------------------------------------------------------
CASES = [("2018-06-12", "2019-02-27", 260), ("2019-02-28", "2019-02-27", -1), ("2016-02-28", "2016-03-01", 2)]


@pytest.mark.parametrize(
    "impl",
    [
        lambda s, e: (pd.Timestamp(e) - pd.Timestamp(s)).days,
        lambda s, e: float((pd.to_datetime(e) - pd.to_datetime(s)) / pd.Timedelta(days=1)),
        lambda s, e: np.int64((np.datetime64(e) - np.datetime64(s)).astype(int)),
    ],
    ids=["timedelta-days", "float", "numpy"],
)
def test_days_between_alternatives_pass(impl):
    check("days_between", impl, cases=CASES)


def test_days_between_without_sign_is_told_about_direction():
    fails(r"negative", "days_between", lambda s, e: abs((pd.Timestamp(e) - pd.Timestamp(s)).days), cases=CASES)


def test_days_between_off_by_one_fails():
    fails(r"expected 260", "days_between", lambda s, e: (pd.Timestamp(e) - pd.Timestamp(s)).days + 1, cases=CASES)


def test_days_between_returning_a_timedelta_is_told_to_take_days():
    fails(r"\.days", "days_between", lambda s, e: pd.Timestamp(e) - pd.Timestamp(s), cases=CASES)


def test_days_between_that_crashes_is_explained():
    fails(r"raised TypeError", "days_between", lambda s, e: e - s, cases=CASES)


def test_an_unanswered_function_stub_still_raises_not_implemented():
    def stub(start, end):
        raise NotImplementedError()

    with pytest.raises(NotImplementedError):
        check("days_between", stub, cases=CASES)


# --- meetings and gaps ------------------------------------------------------------------------
MEETINGS = ["2018-06-12", "2019-02-27", "2019-06-30"]


def meetings(events):
    t = solved_timeline(events)
    return t[(t["category"] == "leaders_meeting") & t["parties"].str.contains("US")]


def test_meetings_by_query_or_isin_pass(events):
    t = solved_timeline(events)
    check(
        "us_dprk_meetings",
        t.query("category == 'leaders_meeting' and parties.str.contains('US')"),
        expected_dates=MEETINGS,
        in_order=True,
    )
    check("us_dprk_meetings", meetings(events).reset_index(), expected_dates=MEETINGS, in_order=True)


def test_meetings_with_only_one_condition_fail(events):
    t = solved_timeline(events)
    fails(r"5 rows; expected 3", "us_dprk_meetings", t[t["category"] == "leaders_meeting"], expected_dates=MEETINGS)


def test_meetings_out_of_order_pass_visible_but_fail_hidden(events):
    backwards = meetings(events).iloc[::-1]
    check("us_dprk_meetings", backwards, expected_dates=MEETINGS)
    fails(r"wrong order", "us_dprk_meetings", backwards, expected_dates=MEETINGS, in_order=True)


@pytest.mark.parametrize("form", ["list", "series_with_nan", "timedeltas", "floats"])
def test_gaps_in_every_form_pass(events, form):
    diff = meetings(events)["date"].diff()
    answer = {
        "list": [260, 123],
        "series_with_nan": diff.dt.days,
        "timedeltas": diff,
        "floats": np.array([260.0, 123.0]),
    }[form]
    check("meeting_gaps", answer, expected=[260, 123])


def test_meetings_that_drop_columns_are_told_to_keep_them(events):
    """The prompt says to keep all columns: the test cell passes the timeline's own."""
    rows = meetings(events)
    check("us_dprk_meetings", rows, expected_dates=MEETINGS, columns=list(events.columns))
    fails(
        r"no column\(s\) \['end_date', 'date_alt', 'date_note', 'country', 'source'\].*Keep all the columns",
        "us_dprk_meetings",
        rows[["date", "event", "place", "category", "parties"]],
        expected_dates=MEETINGS,
        columns=list(events.columns),
    )


def test_gaps_counted_from_the_wrong_end_fail():
    fails(r"expected \[260, 123\]", "meeting_gaps", [123, 260], expected=[260, 123])
    fails(r"first of", "meeting_gaps", [-260, -123], expected=[260], first_only=True)


# --- numbers and counts ---------------------------------------------------------------------
def test_number_accepts_either_date_convention_and_numeric_types():
    for value in (23, 24, 24.0, np.int64(23), pd.Series([23])):
        check("number", value, name="days", accept=[23, 24])
    fails(r"expected 23 or 24", "number", 25, name="days", accept=[23, 24])
    fails(r"time span", "number", pd.Timedelta(days=23), name="days", accept=[23, 24])
    fails(r"should be a number", "number", "23", name="days", accept=[23, 24])


def test_number_tolerance_accepts_rounding_only():
    check("number", 8.5, name="months", accept=[8.54], tolerance=0.05)
    check("number", 260 / (365.25 / 12), name="months", accept=[8.54], tolerance=0.05)
    fails(r"within 0.05", "number", 260 / 30, name="months", accept=[8.54], tolerance=0.05)


# --- A.5 and A.6: two conventions, and rounding as the prompt allows -----------------------------------
def test_day_count_accepts_whole_numbers_of_any_type():
    for value in (23, 23.0, np.int64(23), pd.Series([23])):
        check("day_count", value, name="days_local_dates", expected=23, other_convention=24)


def test_day_count_names_both_causes_of_one_day_too_many():
    with pytest.raises(CheckFailed, match=r"is 24; expected 23") as told:
        check("day_count", 24, name="days_local_dates", expected=23, other_convention=24)
    assert "other date convention" in str(told.value) and "adding 1" in str(told.value)
    fails(
        r"is 25; expected 24\. One day too many",
        "day_count",
        25,
        name="days_new_york_dates",
        expected=24,
        other_convention=23,
    )
    fails(
        r"is 23; expected 24\. 23 is the count under the other",
        "day_count",
        23,
        name="days_new_york_dates",
        expected=24,
        other_convention=23,
    )
    fails(r"time span", "day_count", pd.Timedelta(days=23), name="days_local_dates", expected=23, other_convention=24)


MONTHS = dict(
    name="months", exact=260 / (365.25 / 12), min_decimals=2, near_misses=[(261 / (365.25 / 12), "last day in Hanoi")]
)


@pytest.mark.parametrize("value", [260 / (365.25 / 12), 260 / 30.4375, 8.54, 8.542, 8.5421, np.float64(8.54)])
def test_rounded_number_accepts_the_value_unrounded_or_rounded_to_two_decimals_or_more(value):
    check("rounded_number", value, **MONTHS)


@pytest.mark.parametrize(
    "value,told",
    [
        (261 / (365.25 / 12), r"8\.57494\d+: .*last day in Hanoi"),
        (8.57, r"is 8\.57: .*last day in Hanoi"),
        (8.6, r"is 8\.6: .*last day in Hanoi"),
        (8.5, r"rounded too far: keep at least 2"),
        (9, r"is 9: .*too far"),
        (8.55, r"is 8\.55: that is neither[^.]*\.$"),
        (260 / 30, r"8\.666"),
    ],
)
def test_rounded_number_rejects_other_values_and_roundings(value, told):
    fails(told, "rounded_number", value, **MONTHS)


def test_counts_accept_series_dict_and_frames():
    accounts = load("accounts")
    expected = {"DPRK": 3, "US": 2, "ROK": 1}
    check("counts", accounts["side"].value_counts(), name="by_side", expected=expected)
    check("counts", accounts.groupby("side", observed=True).size(), name="by_side", expected=expected)
    check("counts", accounts["side"].value_counts().reset_index(), name="by_side", expected=expected)
    check("counts", {"US": 2.0, "ROK": 1, "DPRK": 3}, name="by_side", expected=expected)
    fails(r"counts", "counts", accounts["speaker"].value_counts(), name="by_side", expected=expected)


# --- a missing value, whichever way pandas or NumPy wrote it -----------------------------------------------------
MISSING = [float("nan"), np.float32("nan"), None, pd.NA]


@pytest.mark.parametrize("gap", MISSING, ids=["nan", "float32-nan", "None", "NA"])
def test_every_check_of_numbers_by_label_drops_a_missing_first_value_alike(gap):
    """The first year of a growth rate, <NA> in an Int64 or Float64 Series or NaN in a float one: every check
    of numbers by label or of days drops it, as the prompts allow."""
    growth = {2017: gap, 2018: 20.1379, 2019: 16.1456}
    check("yearly_numbers", growth, name="g", expected={2018: 20.1379, 2019: 16.1456}, decimals=2)
    check("values_by_year", growth, name="g", expected={2018: 20.1379, 2019: 16.1456})
    check("counts", {"DPRK": 3, "US": 2, "ROK": gap}, name="c", expected={"DPRK": 3, "US": 2})
    check("meeting_gaps", [gap, 260, 123], expected=[260, 123])
    for dtype in ("Int64", "Float64"):
        series = pd.Series([pd.NA, 20, 16], index=[2017, 2018, 2019], dtype=dtype)
        check("yearly_numbers", series, name="g", expected={2018: 20, 2019: 16}, decimals=2)
        check("values_by_year", series, name="g", expected={2018: 20, 2019: 16}, in_order="it is plotted.")
        check("meeting_gaps", series, expected=[20, 16])


@pytest.mark.parametrize("gap", [float("nan"), pd.NA], ids=["nan", "NA"])
def test_every_check_of_one_number_calls_a_missing_value_not_a_number(gap):
    word = "NaN" if gap is not pd.NA else "<NA>"
    fails(rf"`x` is {word} \(not a number\)", "number", gap, name="x", accept=[1])
    one = pd.Series([gap], dtype="Float64" if gap is pd.NA else "float64")  # Float64 turns NaN into <NA>
    fails(rf"`x` is {word} \(not a number\)", "number", one, name="x", accept=[1])
    fails(rf"`x` is {word} \(not a number\): the rows", "number_from_rows", gap, name="x", accept=[1])
    fails(rf"`x` is {word} \(not a number\)", "day_count", gap, name="x", expected=23, other_convention=24)
    fails(
        rf"returned {word} \(not a number\)",
        "score_function",
        lambda row, weights: gap,
        cases=[({"a": 4}, {"a": 1}, 4.0)],
    )


def test_every_registered_check_is_used_by_a_source_notebook():
    from course.paths import ASSIGNMENTS
    from tests.conftest import source_notebook

    text = "".join(source_notebook(a).read_text() for a in ASSIGNMENTS)
    unused = [name for name in registered() if f'check(\\"{name}\\"' not in text]
    assert unused == []


# --- the form a visible test checks, without a key (docs/grading-safety.md, "No key in what students see") ---
def _message(check_name, answer, /, **expected) -> str:
    with pytest.raises(CheckFailed) as failure:
        check(check_name, answer, **expected)
    return str(failure.value)


def test_every_check_says_which_of_its_arguments_are_keys():
    import inspect

    from course.checks import _REGISTRY, key_arguments

    for name in registered():
        keys = key_arguments(name)
        assert keys is not None, name
        assert set(keys) <= set(inspect.signature(_REGISTRY[name]).parameters), name


def days(start, end):
    return (pd.Timestamp(end) - pd.Timestamp(start)).days


FORM_CASES = [("2018-06-12", "2019-02-27", ...), ("2019-02-28", "2019-02-27", ...), ("2019-02-27", "2019-02-27", ...)]


def test_days_between_without_a_key_checks_whole_days_and_their_sign():
    check("days_between", days, cases=FORM_CASES)
    check("days_between", lambda s, e: float(days(s, e) + 1), cases=FORM_CASES[:1])  # the value: the hidden test's
    told = _message("days_between", lambda s, e: abs(days(s, e)), cases=FORM_CASES)
    assert "should be negative" in told and "without abs()" in told
    assert "same day gives 0" in _message("days_between", lambda s, e: days(s, e) + 1, cases=FORM_CASES[2:])
    assert "positive" in _message("days_between", lambda s, e: -days(s, e), cases=FORM_CASES[:1])
    assert "whole number" in _message("days_between", lambda s, e: days(s, e) + 0.5, cases=FORM_CASES[:1])
    fails(r"time span", "days_between", lambda s, e: pd.Timestamp(e) - pd.Timestamp(s), cases=FORM_CASES[:1])
    assert "260" not in _message("days_between", lambda s, e: -days(s, e), cases=FORM_CASES[:1]).replace("-260", "")


def test_gaps_and_meetings_without_a_key_check_their_number_and_sign():
    check("meeting_gaps", pd.Series([np.nan, 260.0, 123.0]), count=2)
    assert "expected 2" in _message("meeting_gaps", [260], count=2)
    assert ".diff(-1)" in _message("meeting_gaps", [-260, -123], count=2)
    assert "whole number" in _message("meeting_gaps", [260.5, 123], count=2)
    timeline = solved_timeline(load("timeline", parse_dates=False))
    meetings = timeline[(timeline["category"] == "leaders_meeting") & timeline["parties"].str.contains("US")]
    check("us_dprk_meetings", meetings, rows=3, columns=list(timeline.columns))
    told = _message("us_dprk_meetings", meetings.head(2), rows=3)
    assert "expected 3" in told and "2019-02-27" not in told


def test_day_counts_without_a_key_check_whole_days_and_that_they_are_a_day_apart():
    check("day_count", 23, name="d")
    fails(r"whole number of days, 0 or more", "day_count", -23, name="d")
    check("one_day_apart", (23, 24.0), names=["local", "new_york"])
    told = _message("one_day_apart", (24, 23), names=["local", "new_york"], advice="Why.")
    assert "the wrong way round" in told and told.endswith("Why.")
    assert "exactly one day more" in _message("one_day_apart", (24, 24), names=["local", "new_york"])


def test_a_rounded_number_without_a_key_checks_its_range_and_decimals():
    for answer in (260 / 30.4375, 8.54, 8.542):
        check("rounded_number", answer, name="m", min_decimals=2, low=1, high=12)
    for answer in (8.5, 9):
        told = _message("rounded_number", answer, name="m", min_decimals=2, low=1, high=12)
        assert "Keep at least 2 decimal place(s)" in told and "8.54" not in told
    assert "from 1 to 12" in _message("rounded_number", 260, name="m", low=1, high=12)


def test_counts_without_a_key_check_the_labels_the_prompt_names():
    sides = ["DPRK", "US", "ROK"]
    check("counts", load("accounts")["side"].value_counts(), name="c", labels=sides)
    told = _message("counts", {"DPRK": 3, "US": 2, "Choe": 1}, name="c", labels=sides)
    assert "no count for 'ROK'" in told and "'Choe', which should not be there" in told and "3" not in told
    fails(r"whole number", "counts", {"DPRK": 2.5, "US": 2, "ROK": 1}, name="c", labels=sides)


def test_numbers_by_year_without_a_key_check_years_order_and_units():
    new = pd.Series({2006: 5, 2009: 1, 2013: 1, 2016: 5, 2017: 10})
    form = {"name": "n", "years": [2006, 2017], "subset": True, "whole": True, "in_order": "it is added up."}
    check("values_by_year", new, low=1, **form)
    fails(r"has no value for 2017", "values_by_year", new.drop(2017), **form)
    fails(r"sort it by year", "values_by_year", new.sort_values(), **form)
    fails(r"falls from 5 in 2006 to 1 in 2009: a running total never", "values_by_year", new, rising=True, **form)
    check("values_by_year", new.cumsum(), rising=True, **form)
    change = pd.Series({2016: 4.4, 2017: -37.2, 2018: -86.3, 2019: 15.2})
    check("values_by_year", change, name="e", years=[2017, 2018], subset=True, percent=True)
    fails(r"looks like fractions", "values_by_year", change / 100, name="e", years=[2017], subset=True, percent=True)
    fails(r"2020, which should not be there", "values_by_year", {**change, 2020: 1}, name="e", years=list(change.index))


def test_resolutions_and_venues_without_a_key_check_their_number_and_order():
    check("resolution_numbers", [2270, 2321, 2371, 2375, 2397], name="r", count=5, in_order=True)
    assert "expected 5" in _message("resolution_numbers", [2270, 2321, 2356, 2371, 2375, 2397], name="r", count=5)
    newest_first = [2397, 2375, 2371, 2321, 2270]
    assert "order of adoption" in _message("resolution_numbers", newest_first, name="r", in_order=True)
    venues = load("venues")
    check("venue_names", venues.sort_values(["year", "month"])["name"], name="v", count=9, first=["Geneva Conference"])
    fails(r"holds 3 venue\(s\); expected 4", "venue_names", venues.head(3), name="v", count=4)
    fails(r"only 8 different", "venue_names", [*venues["name"][:8], venues["name"][0]], name="v", count=9)


def test_plots_and_single_numbers_without_a_key_check_their_form():
    import matplotlib.pyplot as plt

    _, ax = plt.subplots()
    pd.Series([5, 6, 7, 12, 22]).plot(ax=ax, drawstyle="steps-post")
    check("plot_shows", ax, name="a", rising=True, points=5)
    fails(r"shows 5 value\(s\) where 3 are expected", "plotted_numbers", ax, name="a", points=3)
    _, falling = plt.subplots()
    pd.Series([5, 1, 1, 5, 10]).plot(ax=falling)
    fails(r"falls somewhere", "plot_shows", falling, name="a", rising=True)
    check("number", 1.6, name="x")
    check("number_between", 2017, name="y", low=2006, whole=True)
    fails(r"a whole number of at least 2006", "number_between", 10, name="y", low=2006, whole=True)
    fails(r"a number from -100 to 0", "number_from_rows", 300.0, name="p", low=-100, high=0)
    fails(r"the rows it was computed from", "number_from_rows", float("nan"), name="p", low=-100, high=0)
    fails(r"each value should be a number from 1 to 100", "yearly_numbers", {2017: 12.9e6}, name="m", low=1, high=100)


def test_meetings_without_a_key_keep_only_rows_that_meet_the_prompts_two_conditions():
    timeline = load("timeline")
    told = _message("us_dprk_meetings", timeline.head(3), rows=3)
    assert "category 'announcement'" in told and "AND whose parties include 'US'" in told
    assert "parties 'ROK;DPRK'" in _message("us_dprk_meetings", timeline[timeline["category"] == "leaders_meeting"])
    no_event = timeline.drop(columns="event")
    assert "holds row" in _message("us_dprk_meetings", no_event[no_event["category"] == "leaders_meeting"])


def test_day_counts_a_day_apart_are_compared_as_numbers():
    check("one_day_apart", (np.int64(23), np.float64(24.0)), names=["a", "b"])
    fails(r"exactly one day more", "one_day_apart", (23, 23.5), names=["a", "b"])
