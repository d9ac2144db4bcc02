"""Checks for assignment 1, "The summit outcome".

Expected values come from the test cells (visible or hidden), not from here: this package is
installed for students, so it holds no answers.
"""

import datetime
from collections.abc import Iterable
from typing import Any

import pandas as pd

from . import register
from .expect import dataframe, fail, number, require_answer, whole_days


def _day(stamp: Any) -> str:
    """A date for a message: ISO text, or 'no date (NaT)' for a missing one."""
    return "no date (NaT)" if pd.isna(stamp) else stamp.date().isoformat()


def _shown(value: float) -> str:
    """A number for a message: whole numbers as integers, others with every digit (8.575 is not 8.54)."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _calendar_days(column: pd.Series) -> pd.Series:
    """Dates as time-zone-free days: a student who parsed with ``utc=True`` keeps the same calendar days."""
    dates = pd.to_datetime(column)
    if dates.dt.tz is not None:
        dates = dates.dt.tz_localize(None)
    return dates.dt.normalize()


def _same_events(answer: pd.DataFrame, original: pd.DataFrame, name: str) -> None:
    if len(answer) != len(original):
        fail(
            f"`{name}` has {len(answer)} rows but the timeline has {len(original)}. "
            "Sort the rows; do not drop or add any."
        )
    if sorted(answer["event"]) != sorted(original["event"]):
        fail(f"`{name}` does not hold the same events as the timeline. Sort the rows; do not change them.")


def _each_event_keeps_its_date(df: pd.DataFrame, original: pd.DataFrame) -> None:
    """Fail unless every event carries the date the file gives it (events are unique in the file)."""
    want = dict(zip(original["event"], _calendar_days(pd.to_datetime(original["date"], format="%Y-%m-%d"))))
    got = list(_calendar_days(df["date"]))
    wrong = [(event, g, want[event]) for event, g in zip(df["event"], got) if not g == want[event]]
    if not wrong:
        return
    event, g, w = wrong[0]
    example = f"{event!r} is dated {_day(g)} in `timeline` but {_day(w)} in the file"
    if all(pd.notna(g) and (g.year, g.month, g.day) == (w.year, w.day, w.month) for _, g, w in wrong):
        fail(
            f"{len(wrong)} event(s) have day and month swapped: {example}. The file's dates are written "
            "year-month-day; convert them with `pd.to_datetime(...)` and no format or dayfirst option."
        )
    if sorted(got) == sorted(want.values()):
        fail(
            f"{len(wrong)} event(s) carry another event's date: {example}. Every date is there, but on the wrong "
            "rows, as when the date column is sorted on its own, apart from its rows. Sort the whole table "
            '(`timeline.sort_values("date")`) so that each event keeps its date.'
        )
    fail(
        f"{len(wrong)} event(s) have a date that differs from the file: {example}. Convert the column with "
        "`pd.to_datetime(...)` and change nothing else."
    )


@register("timeline_dates_parsed")
def timeline_dates_parsed(timeline: Any, original: pd.DataFrame, exact: bool = False) -> None:
    """Check that the date column holds real dates, and every row and column of the file is kept.

    With ``exact``, also check that each event kept its own date (no day/month swap, no dates sorted apart).
    """
    df = dataframe(timeline, "timeline", columns=tuple(original.columns))
    if not pd.api.types.is_datetime64_any_dtype(df["date"]):
        first = df["date"].iloc[0] if len(df) else None
        if isinstance(first, str):
            fail(
                f"`timeline['date']` has type {df['date'].dtype}: it holds text such as {first!r}, so pandas cannot "
                "sort or subtract it as dates. Convert it with `pd.to_datetime(...)` and assign the result back "
                "to the column."
            )
        if isinstance(first, datetime.date):
            fail(
                f"`timeline['date']` holds Python dates such as {first!r} (type {df['date'].dtype}), which pandas "
                "cannot subtract as a column; that is what `.dt.date` gives. Keep the result of "
                "`pd.to_datetime(...)` itself."
            )
        fail(
            f"`timeline['date']` has type {df['date'].dtype} and holds values such as {first!r} "
            f"({type(first).__name__}), not dates. Convert the text column of `events` with `pd.to_datetime(...)`."
        )
    _same_events(df, original, "timeline")
    if exact:
        _each_event_keeps_its_date(df, original)


@register("timeline_sorted")
def timeline_sorted(timeline: Any, original: pd.DataFrame) -> None:
    """Check that the rows run from the earliest event to the latest, each event keeping its own date.

    A date column sorted on its own and pasted back is in order, but every event is then mis-dated:
    the rows must be sorted, not the column.
    """
    timeline_dates_parsed(timeline, original)
    _each_event_keeps_its_date(timeline, original)
    dates = list(_calendar_days(timeline["date"]))
    events = list(timeline["event"])
    for i in range(1, len(dates)):
        if dates[i] < dates[i - 1]:
            fail(
                f"`timeline` is not in date order: {events[i]!r} ({_day(dates[i])}) comes right after "
                f'{events[i - 1]!r} ({_day(dates[i - 1])}). Sort the rows with `.sort_values("date")` '
                "and keep the result."
            )


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
            fail(
                f"days_between({start!r}, {end!r}) raised {type(exc).__name__}: {exc}. "
                "Both arguments are ISO date strings; convert them with `pd.Timestamp(...)` first."
            )
        got = number(result, f"days_between({start!r}, {end!r})")
        if got != expected:
            hint = (
                " Count from start to end: the result is negative when end comes first."
                if got == -expected
                else " Subtract the two Timestamps and take `.days`."
            )
            fail(f"days_between({start!r}, {end!r}) returned {result!r}; expected {expected}.{hint}")


@register("us_dprk_meetings")
def us_dprk_meetings(meetings: Any, expected_dates: list, in_order: bool = False, columns: Iterable[str] = ()) -> None:
    """Check the rows of US-DPRK leaders' meetings, by their dates; with ``columns`` (the timeline's, as the
    prompt says to keep all of them), that none was dropped."""
    df = dataframe(meetings, "us_dprk_meetings", columns=("date", "category", "parties", *columns))
    want = [pd.Timestamp(d) for d in expected_dates]
    got = list(_calendar_days(df["date"]))
    if len(got) != len(want):
        fail(
            f"`us_dprk_meetings` has {len(got)} rows; expected {len(want)}. Keep rows whose category is "
            "'leaders_meeting' AND whose parties include 'US' (combine both conditions with &)."
        )
    if sorted(got) != sorted(want):
        fail(
            "`us_dprk_meetings` holds other meetings than expected: found "
            f"{[_day(d) for d in sorted(got)]}. Check both filter conditions."
        )
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
            fail(
                f"The first of `meeting_gaps` should be {expected[0]} days (Singapore to Hanoi), "
                f"but `meeting_gaps` is {got}. Take the differences of consecutive dates in date order."
            )
        return
    if len(got) != len(expected):
        fail(
            f"`meeting_gaps` has {len(got)} gap(s); expected {len(expected)}, one between each pair of "
            "consecutive meetings. `.diff()` on the date column gives them (drop the first, empty one)."
        )
    if [round(g, 6) for g in got] != [float(e) for e in expected]:
        fail(
            f"`meeting_gaps` is {got}; expected {list(expected)} days. Take the differences of "
            "consecutive dates in date order."
        )


@register("day_count")
def day_count(answer: Any, name: str, expected: int, other_convention: int, advice: str = "") -> None:
    """Check a whole number of days counted under one date convention.

    One day too many is what counting both ends gives, and also, for the local count, what the other
    convention gives: the message names both causes so that neither wrong method passes unexplained.
    """
    got = number(answer, name)
    if got == expected:
        return
    hints = []
    if got == other_convention:
        hints.append(
            f"{_shown(got)} is the count under the other date convention: check which date of the launch "
            "this count asks for."
        )
    if got == expected + 1:
        hints.append(
            "One day too many is also what adding 1 for the first day gives: subtracting two dates already "
            "counts the days from one to the other."
        )
    hint = "".join(" " + h for h in hints)
    fail(f"`{name}` is {_shown(got)}; expected {expected}.{hint} {advice}".rstrip())
