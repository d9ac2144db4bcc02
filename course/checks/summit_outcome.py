"""Checks for assignment 1, "The summit outcome".

Expected values come from the test cells (visible or hidden), not from here: this package is
installed for students, so it holds no answers.
"""
from typing import Any, Iterable

import pandas as pd

from . import register
from .expect import dataframe, fail, number, require_answer, whole_days


def _same_events(answer: pd.DataFrame, original: pd.DataFrame, name: str) -> None:
    if len(answer) != len(original):
        fail(f"`{name}` has {len(answer)} rows but the timeline has {len(original)}. "
             "Sort the rows; do not drop or add any.")
    if sorted(answer["event"]) != sorted(original["event"]):
        fail(f"`{name}` does not hold the same events as the timeline. Sort the rows; do not change them.")


@register("timeline_dates_parsed")
def timeline_dates_parsed(timeline: Any, original: pd.DataFrame, exact: bool = False) -> None:
    """Check that the date column holds real dates and no event was lost.

    With ``exact``, also check that each event kept its own date (no day/month swap).
    """
    df = dataframe(timeline, "timeline", columns=("date", "event"))
    if not pd.api.types.is_datetime64_any_dtype(df["date"]):
        fail(f"`timeline['date']` has type {df['date'].dtype}, so pandas still sees text. "
             "Convert it with `pd.to_datetime(...)` and assign the result back to the column.")
    _same_events(df, original, "timeline")
    if exact:
        want = sorted(zip(original["event"], pd.to_datetime(original["date"], format="%Y-%m-%d")))
        got = sorted(zip(df["event"], pd.to_datetime(df["date"]).dt.normalize()))
        for (event, w), (_, g) in zip(want, got):
            if w != g:
                fail(f"The event {event!r} is dated {g.date()} in `timeline` but {w.date()} in the file. "
                     "Convert the ISO text as it is (year-month-day); do not set dayfirst.")


@register("timeline_sorted")
def timeline_sorted(timeline: Any, original: pd.DataFrame) -> None:
    """Check that the timeline runs from the earliest event to the latest."""
    timeline_dates_parsed(timeline, original)
    dates = timeline["date"].reset_index(drop=True)
    if not dates.is_monotonic_increasing:
        bad = int((dates.diff() < pd.Timedelta(0)).idxmax())
        fail(f"`timeline` is not in date order: row {bad} ({dates[bad].date()}) comes after "
             f"{dates[bad - 1].date()}. Use `.sort_values('date')` and keep the result.")


@register("days_between")
def days_between(fn: Any, cases: Iterable[tuple]) -> None:
    """Check ``fn(start, end)`` against (start, end, expected days) cases."""
    require_answer(fn, "days_between")
    if not callable(fn):
        fail(f"`days_between` should be a function, but it is a {type(fn).__name__}.")
    for start, end, expected in cases:
        try:
            result = fn(start, end)
        except NotImplementedError:
            raise
        except Exception as exc:  # the student's error, explained
            fail(f"days_between({start!r}, {end!r}) raised {type(exc).__name__}: {exc}. "
                 "Both arguments are ISO date strings; convert them with `pd.Timestamp(...)` first.")
        got = number(result, f"days_between({start!r}, {end!r})")
        if got != expected:
            hint = " Count from start to end: the result is negative when end comes first." if got == -expected \
                else " Subtract the two Timestamps and take `.days`."
            fail(f"days_between({start!r}, {end!r}) returned {result!r}; expected {expected}.{hint}")


@register("us_dprk_meetings")
def us_dprk_meetings(meetings: Any, expected_dates: list, in_order: bool = False) -> None:
    """Check the rows of US-DPRK leaders' meetings, by their dates."""
    df = dataframe(meetings, "us_dprk_meetings", columns=("date", "category", "parties"))
    want = [pd.Timestamp(d) for d in expected_dates]
    got = list(pd.to_datetime(df["date"]))
    if len(got) != len(want):
        fail(f"`us_dprk_meetings` has {len(got)} rows; expected {len(want)}. Keep rows whose category is "
             "'leaders_meeting' AND whose parties include 'US' (combine both conditions with &).")
    if sorted(got) != sorted(want):
        fail("`us_dprk_meetings` holds other meetings than expected: found "
             f"{[d.date().isoformat() for d in sorted(got)]}. Check both filter conditions.")
    if in_order and got != want:
        fail("`us_dprk_meetings` has the right rows in the wrong order. Keep the timeline's date order.")


@register("meeting_gaps")
def meeting_gaps(gaps: Any, expected: list, first_only: bool = False) -> None:
    """Check the days between consecutive meetings (a list, array or Series; NaN first is fine).

    With ``first_only``, check only that the first gap is ``expected[0]``.
    """
    got = whole_days(gaps, "meeting_gaps")
    if first_only:
        if not got or round(got[0], 6) != float(expected[0]):
            fail(f"The first of `meeting_gaps` should be {expected[0]} days (Singapore to Hanoi), "
                 f"but `meeting_gaps` is {got}. Take the differences of consecutive dates in date order.")
        return
    if len(got) != len(expected):
        fail(f"`meeting_gaps` has {len(got)} gap(s); expected {len(expected)}, one between each pair of "
             "consecutive meetings. `.diff()` on the date column gives them (drop the first, empty one).")
    if [round(g, 6) for g in got] != [float(e) for e in expected]:
        fail(f"`meeting_gaps` is {got}; expected {list(expected)} days. Take the differences of "
             "consecutive dates in date order.")
