"""Checks for assignment 1, "The summit outcome".

Expected values come from the hidden part of the test cells, not from here: this package is installed for
students, so it holds no answers. Called without them, a check looks at the form of the answer only (whole days,
their sign, the number of rows or gaps), which is what the visible part of a test cell shows
(docs/grading-safety.md, "No key in what students see").
"""

import datetime
from collections.abc import Iterable
from typing import Any

import pandas as pd

from . import register
from .expect import code, dataframe, fail, number, require_answer, shown, whole_days


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


@register("timeline_dates_parsed", keys=())
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


@register("timeline_sorted", keys=())
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


def _sign(x: float) -> int:
    return (x > 0) - (x < 0)


def _days_form(got: float, result: Any, start: str, end: str) -> None:
    """Fail unless ``got`` is a whole number of days whose sign follows the order of the two dates: positive when
    ``end`` is later, negative when it is earlier, 0 on the same day (as the prompt says). No value is named."""
    call = f"days_between({start!r}, {end!r})"
    if not got.is_integer():
        fail(f"{call} returned {shown(result)}; it should return a whole number of days: take `.days` of the span.")
    want = _sign((pd.Timestamp(end) - pd.Timestamp(start)).days)
    if _sign(got) == want:
        return
    if want == 0:
        fail(f"{call} returned {shown(result)}; the same day gives 0.")
    order = "after" if want > 0 else "before"
    sign = "positive" if want > 0 else "negative"
    fail(
        f"{call} returned {shown(result)}, but {end!r} comes {order} {start!r}, so the result should be {sign}. "
        "Count from start to end (end minus start), without abs()."
    )


@register("days_between", keys=("cases",))
def days_between(fn: Any, cases: Iterable[tuple]) -> None:
    """Check ``fn(start, end)`` against (start, end, expected days) cases.

    A case whose expected days are ``...`` checks the form only: a whole number of days whose sign follows the
    order of the dates (the visible test; the number itself is the hidden test's).
    """
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
        if expected is ...:
            _days_form(got, result, start, end)
            continue
        if got != expected:
            hint = (
                " Count from start to end: the result is negative when end comes first."
                if got == -expected
                else " Subtract the two Timestamps and take `.days`."
            )
            fail(f"days_between({start!r}, {end!r}) returned {result!r}; expected {expected}.{hint}")


@register("us_dprk_meetings", keys=("expected_dates",))
def us_dprk_meetings(
    meetings: Any,
    expected_dates: list | None = None,
    in_order: bool = False,
    columns: Iterable[str] = (),
    rows: int | None = None,
) -> None:
    """Check the rows of US-DPRK leaders' meetings, by their dates; with ``columns`` (the timeline's, as the
    prompt says to keep all of them), that none was dropped. Without ``expected_dates``: the columns, every row
    meeting the prompt's two conditions, and ``rows`` rows (as many as the prompt says to expect)."""
    df = dataframe(meetings, "us_dprk_meetings", columns=("date", "category", "parties", *columns))
    if expected_dates is None:
        stray = df[(df["category"].astype(str) != "leaders_meeting") | ~df["parties"].astype(str).str.contains("US")]
        if len(stray):
            row = stray.iloc[0]
            what = repr(row["event"]) if "event" in df.columns else f"row {row.name!r}"
            fail(
                f"`us_dprk_meetings` holds {what} (category {row['category']!r}, parties "
                f"{row['parties']!r}). Keep only rows whose category is 'leaders_meeting' AND whose parties include "
                "'US' (combine both conditions with &)."
            )
        if rows is not None and len(df) != rows:
            fail(
                f"`us_dprk_meetings` has {len(df)} rows; expected {rows}. Keep rows whose category is "
                "'leaders_meeting' AND whose parties include 'US' (combine both conditions with &)."
            )
        return
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


@register("meeting_gaps", keys=("expected",))
def meeting_gaps(gaps: Any, expected: list | None = None, first_only: bool = False, count: int | None = None) -> None:
    """Check the days between consecutive meetings (a list, array or Series; NaN first is fine).

    With ``first_only``, check only that the first gap is ``expected[0]``. Without ``expected``: whole numbers
    of days, each positive (consecutive meetings in date order), ``count`` of them if given.
    """
    got = whole_days(gaps, "meeting_gaps")
    if expected is None:
        if count is not None and len(got) != count:
            fail(
                f"`meeting_gaps` has {len(got)} gap(s); expected {count}, one between each pair of consecutive "
                "meetings. `.diff()` on the date column gives them (drop the first, empty one)."
            )
        odd = [g for g in got if not round(g, 6).is_integer()]
        if odd:
            fail(f"`meeting_gaps` holds {shown(odd[0])}; each gap should be a whole number of days.")
        if any(g <= 0 for g in got):
            fail(
                f"`meeting_gaps` is {shown(got)}: a gap between consecutive meetings in date order is positive. "
                "Take the differences of consecutive dates in date order (.diff(), not .diff(-1))."
            )
        return
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


@register("day_count", keys=("expected", "other_convention"))
def day_count(
    answer: Any, name: str, expected: int | None = None, other_convention: int | None = None, advice: str = ""
) -> None:
    """Check a whole number of days counted under one date convention.

    One day too many is what counting both ends gives, and also, for the local count, what the other
    convention gives: the message names both causes so that neither wrong method passes unexplained.
    Without ``expected``: a whole number of days, 0 or more.
    """
    got = number(answer, name)
    if expected is None:
        if got < 0 or not got.is_integer():
            fail(
                f"`{name}` is {_shown(got)}; it should be a whole number of days, 0 or more: count from the "
                f"earlier date to the later one. {advice}".rstrip()
            )
        return
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


@register("one_day_apart", keys=())
def one_day_apart(answer: Any, names: Iterable[str], advice: str = "") -> None:
    """Check two counts of days, given as a pair, of which the second is one day more than the first: the same
    interval counted from a start dated a day earlier. The relation the prompt states, not the counts."""
    first_name, second_name = list(names)
    if not isinstance(answer, (list, tuple)) or len(answer) != 2:
        fail(f"Give {code(first_name)} and {code(second_name)} as a pair.")
    first, second = number(answer[0], first_name), number(answer[1], second_name)
    if second == first + 1:
        return
    found = f"{code(first_name)} is {_shown(first)} and {code(second_name)} is {_shown(second)}"
    if first == second + 1:
        longer = f"{code(second_name)} should be the one that is a day longer"
        fail(f"{found}: the wrong way round, {longer}. {advice}".rstrip())
    fail(f"{found}; {code(second_name)} should be exactly one day more than {code(first_name)}. {advice}".rstrip())
