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
    check("timeline_sorted", t, original=events)                               # index kept
    check("timeline_sorted", t.reset_index(drop=True), original=events)        # index reset
    check("timeline_sorted", t.sort_values(["date", "event"]), original=events)
    check("timeline_dates_parsed", t[list(reversed(t.columns))], original=events, exact=True)


def test_timeline_left_as_text_is_told_to_convert(events):
    fails(r"pd.to_datetime", "timeline_dates_parsed", events.copy(), original=events)


def test_timeline_sorted_backwards_fails(events):
    fails(r"not in date order", "timeline_sorted",
          solved_timeline(events).sort_values("date", ascending=False), original=events)


def test_timeline_with_a_dropped_row_fails(events):
    fails(r"rows", "timeline_sorted", solved_timeline(events).iloc[1:], original=events)


def test_timeline_parsed_day_first_is_caught_by_the_exact_check(events):
    t = events.copy()
    t["date"] = pd.to_datetime(t["date"], format="%Y-%d-%m", errors="coerce").fillna(pd.Timestamp("2000-01-01"))
    check("timeline_dates_parsed", t, original=events)  # the visible check only sees datetimes
    fails(r"dated", "timeline_dates_parsed", t, original=events, exact=True)


def test_a_placeholder_is_called_empty():
    fails(r"still empty", "timeline_sorted", ..., original=pd.DataFrame())


# --- days_between --------------------------------------------------------------------------
CASES = [("2018-06-12", "2019-02-27", 260), ("2019-02-28", "2019-02-27", -1), ("2016-02-28", "2016-03-01", 2)]


@pytest.mark.parametrize("impl", [
    lambda s, e: (pd.Timestamp(e) - pd.Timestamp(s)).days,
    lambda s, e: float((pd.to_datetime(e) - pd.to_datetime(s)) / pd.Timedelta(days=1)),
    lambda s, e: np.int64((np.datetime64(e) - np.datetime64(s)).astype(int)),
], ids=["timedelta-days", "float", "numpy"])
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
    check("us_dprk_meetings", t.query("category == 'leaders_meeting' and parties.str.contains('US')"),
          expected_dates=MEETINGS, in_order=True)
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
    answer = {"list": [260, 123], "series_with_nan": diff.dt.days, "timedeltas": diff,
              "floats": np.array([260.0, 123.0])}[form]
    check("meeting_gaps", answer, expected=[260, 123])


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


def test_counts_accept_series_dict_and_frames():
    accounts = load("accounts")
    expected = {"DPRK": 3, "US": 2, "ROK": 1}
    check("counts", accounts["side"].value_counts(), name="by_side", expected=expected)
    check("counts", accounts.groupby("side", observed=True).size(), name="by_side", expected=expected)
    check("counts", accounts["side"].value_counts().reset_index(), name="by_side", expected=expected)
    check("counts", {"US": 2.0, "ROK": 1, "DPRK": 3}, name="by_side", expected=expected)
    fails(r"counts", "counts", accounts["speaker"].value_counts(), name="by_side", expected=expected)


def test_every_registered_check_is_used_by_a_source_notebook():
    from tests.conftest import source_notebook
    from course.paths import ASSIGNMENTS
    text = "".join(source_notebook(a).read_text() for a in ASSIGNMENTS)
    unused = [name for name in registered() if f'check(\\"{name}\\"' not in text]
    assert unused == []
