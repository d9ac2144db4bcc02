"""Checks for assignment 2, "The sanctions-relief dispute".

Expected values come from the hidden part of the test cells, not from here: this package is installed for
students, so it holds no answers. Called without them, a check looks at the form of the answer only (how many
rows, which years, in which order, whole numbers, percentages, a range), which is what the visible part of a
test cell shows (docs/grading-safety.md, "No key in what students see").
"""

from collections.abc import Iterable
from numbers import Number
from typing import Any

import numpy as np
import pandas as pd

from . import register
from .expect import (
    by_year,
    code,
    dataframe,
    fail,
    missing,
    missing_word,
    number,
    plain_label,
    plot_form,
    plot_with_values,
    require_answer,
    require_year_labels,
    shown,
    shown_labels,
    shown_pair,
    values,
)
from .general import in_range, number_check


def _in_year_order(labels: list, name: str, why: str) -> None:
    if labels != sorted(labels):
        fail(
            f"{code(name)} has its years in the order {shown_labels(labels)}; sort it by year with .sort_index(), "
            f"because {why}"
        )


# An equality test between a date column and a date written as text matches no row inside .query on
# pandas 3 (in a boolean mask it works); the empty result then shows up as NaN or as an empty table.
QUERY_HINT = (
    "If you selected rows with .query and a date written as text, note that an equality test there "
    "(\"period_start == '2018-01-01'\") matches no row on pandas 3: use a boolean mask, "
    "df[df['period_start'] == '2018-01-01'], or write the date as @pd.Timestamp('2018-01-01') in the query."
)


@register("resolution_numbers", keys=("expected",))
def resolution_numbers(
    answer: Any,
    name: str,
    expected: Iterable[int] | None = None,
    columns: Iterable[str] = (),
    in_order: bool = False,
    advice: str = "",
    count: int | None = None,
) -> None:
    """Check which resolutions an answer holds: rows of ``resolutions`` or a list of numbers.

    With ``columns`` the answer must be a DataFrame keeping those columns; with ``in_order``
    the numbers must come in the expected order. Without ``expected``: whole numbers, each once, ``count`` of
    them if given, and with ``in_order`` rising (resolutions are numbered in order of adoption).
    """
    require_answer(answer, name)
    columns = list(columns)
    if isinstance(answer, pd.DataFrame):
        items = list(dataframe(answer, name, columns=("number", *columns))["number"])
        if not items:
            fail(f"{code(name)} has no rows: your filter matched nothing. {QUERY_HINT} {advice}".strip())
    elif columns:
        fail(f"{code(name)} should be a DataFrame (rows of `resolutions`), but it is a {type(answer).__name__}.")
    else:
        items = values(answer, name)
    got = []
    for item in items:
        n = number(item, f"an item of {code(name)}")
        if not n.is_integer():
            fail(f"{code(name)} holds {shown(n)}, which is not a resolution number.")
        got.append(int(n))
    if expected is None:
        _resolutions_form(got, name, count, in_order, advice)
        return
    want = [int(e) for e in expected]
    missing, extra = sorted(set(want) - set(got)), sorted(set(got) - set(want))
    if missing or extra:
        found = []
        if missing:
            found.append(f"lacks {shown_labels(missing)}")
        if extra:
            found.append(f"holds {shown_labels(extra)}, which should not be there")
        fail(f"{code(name)} {' and '.join(found)} (it holds {shown_labels(got) or 'nothing'}). {advice}".strip())
    if len(got) != len(want):
        fail(
            f"{code(name)} holds {len(got)} numbers but only {len(set(got))} different ones; "
            "each resolution should appear once."
        )
    if in_order and got != want:
        fail(
            f"{code(name)} holds the right resolutions in the order {shown_labels(got)}; "
            f"give them in order of adoption ({shown_labels(want)})."
        )


def _resolutions_form(got: list, name: str, count: int | None, in_order: bool, advice: str) -> None:
    if count is not None and len(got) != count:
        fail(f"{code(name)} holds {len(got)} resolution(s); expected {count}. {advice}".strip())
    if len(set(got)) != len(got):
        fail(
            f"{code(name)} holds {len(got)} numbers but only {len(set(got))} different ones; "
            "each resolution should appear once."
        )
    if in_order and got != sorted(got):
        fail(
            f"{code(name)} holds the resolutions in the order {shown_labels(got)}; give them in order of adoption "
            "(earliest first: resolutions are numbered in that order)."
        )


@register("values_by_year", keys=("expected",))
def values_by_year(
    answer: Any,
    name: str,
    expected: dict | None = None,
    tolerance: float = 0.0,
    subset: bool = False,
    in_order: str = "",
    advice: str = "",
    years: Iterable[int] | None = None,
    whole: bool = False,
    low: float | None = None,
    rising: bool = False,
    percent: bool = False,
) -> None:
    """Check one number per year (Series, dict or two-column DataFrame; order and dtype are free).

    Missing values (NaN, or ``<NA>`` in an Int64 or Float64 Series) are ignored. With ``subset`` only the
    expected years are checked. With ``in_order`` (the reason, for the message) the answer must be a Series
    (or one-column DataFrame) indexed by year in ascending order, because a later question adds it up or plots
    it row by row.

    Without ``expected``, the form only: the ``years`` (all of them, or with ``subset`` at least those), and
    with ``whole`` whole numbers, with ``low`` none below it, with ``rising`` none below the year before (a
    running total), with ``percent`` not all fractions (for a question whose values pass 1 in size).
    """
    if expected is None:
        got, _ = by_year(answer, name, {int(y): 0 for y in years or ()}, subset=subset or years is None, advice=advice)
        _yearly_form(got, name, whole, low, rising, percent, advice)
    else:
        got, want = by_year(answer, name, expected, subset, advice)
        wrong = [y for y in want if abs(got[y] - want[y]) > tolerance]
        if wrong:
            if all(want[y] and abs(got[y] * 100 - want[y]) <= max(tolerance, 1e-9) for y in wrong):
                fail(
                    f"{code(name)} looks like fractions ({shown_labels(got[y] for y in wrong)}); "
                    "the question asks for percentages: multiply by 100."
                )
            y = wrong[0]
            found, wanted = shown_pair(got[y], want[y])
            within = f" (within {tolerance:g})" if tolerance else ""
            fail(f"{code(name)} is {found} for {y}; expected {wanted}{within}. {advice}".strip())
    if in_order:
        if isinstance(answer, pd.DataFrame) and answer.shape[1] == 2:
            fail(
                f"{code(name)} is a table with the years in a column; make them the index, for example "
                f"with .set_index({str(answer.columns[0])!r}), because {in_order}"
            )
        if not isinstance(answer, (pd.Series, pd.DataFrame)):
            fail(
                f"{code(name)} is a {type(answer).__name__}; make it a pandas Series indexed by year, because "
                f"{in_order}"
            )
        _in_year_order([plain_label(y) for y in answer.index], name, in_order)


def _yearly_form(got: dict, name: str, whole: bool, low: float | None, rising: bool, percent: bool, advice: str):
    """The form checks of ``values_by_year`` without expected values: no message names a value it expects."""
    if any(not isinstance(y, int) for y in got):
        require_year_labels(list(got), name)
    if whole:
        odd = [y for y in got if not float(got[y]).is_integer()]
        if odd:
            fail(f"{code(name)} is {shown(got[odd[0]])} for {odd[0]}; it should hold whole numbers. {advice}".strip())
    if low is not None:
        below = [y for y in got if got[y] < low]
        if below:
            y = below[0]
            least = f"each value should be at least {shown(low)}"
            fail(f"{code(name)} is {shown(got[y])} for {y}; {least}. {advice}".strip())
    if rising:
        ordered = sorted(got)
        fell = [(a, b) for a, b in zip(ordered, ordered[1:]) if got[b] < got[a]]
        if fell:
            a, b = fell[0]
            fail(
                f"{code(name)} falls from {shown(got[a])} in {a} to {shown(got[b])} in {b}: a running total never "
                f"falls. {advice}".strip()
            )
    if percent and got and all(abs(v) < 1 for v in got.values()):
        fail(
            f"{code(name)} looks like fractions ({shown_labels(got.values())}); the question asks for "
            "percentages: multiply by 100."
        )


@register("caps_with_dates", keys=("adopted",))
def caps_with_dates(
    answer: Any, rows: int, columns: Iterable[str], adopted: dict | None = None, name: str = "caps_with_dates"
) -> None:
    """Check a join of the caps with the resolutions that set them: every cap kept once, the
    resolution's columns added, and (with ``adopted``) each cap carrying its resolution's date."""
    require_answer(answer, name)
    if not isinstance(answer, pd.DataFrame):
        fail(f"{code(name)} should be a DataFrame (the result of a merge), but it is a {type(answer).__name__}.")
    have = set(answer.columns)
    # a column both tables have (source) comes out of a merge of the whole tables as source_x and source_y
    lacking = [c for c in columns if c not in have and not {f"{c}_x", f"{c}_y"} <= have]
    if lacking:
        fail(
            f"{code(name)} lacks the column(s) {lacking}; it has {list(answer.columns)}. Merge `caps` with "
            "`resolutions` so that the columns of both are kept: every column of `caps`, and the resolutions' "
            "number, adopted and disputed_five."
        )
    key = next((k for k in ("resolution", "number") if k in answer.columns), None)
    if key is None:
        fail(
            f"{code(name)} has neither a 'resolution' nor a 'number' column, so no row says which resolution "
            "set the cap. Keep the key columns when you merge."
        )
    if len(answer) > rows:
        fail(
            f"{code(name)} has {len(answer)} rows, but `caps` has {rows}. Keep one row per cap: resolutions "
            "that set no cap should not appear (merge with how='left' or how='inner', not 'outer' or 'right')."
        )
    if len(answer) < rows:
        fail(
            f"{code(name)} has {len(answer)} rows, but `caps` has {rows}: some caps were lost. Match caps' "
            "'resolution' with resolutions' 'number' (left_on=..., right_on=...) and keep every cap."
        )
    for resolution, date in (adopted or {}).items():
        mine = answer[answer[key] == int(resolution)]
        if mine.empty:
            fail(f"{code(name)} has no row for Resolution {resolution}. Keep every row of `caps`.")
        dates = pd.to_datetime(mine["adopted"], errors="coerce")
        if not (dates == pd.Timestamp(date)).all():
            found = sorted({"missing" if pd.isna(d) else d.date().isoformat() for d in dates})
            fail(
                f"In {code(name)} the caps of Resolution {resolution} carry the adoption date(s) {found}; "
                f"expected {date}. Match caps' 'resolution' with resolutions' 'number'."
            )


@register("wide_by_year", keys=("expected",))
def wide_by_year(
    answer: Any,
    name: str,
    expected: dict | None = None,
    columns: Iterable[str] | None = None,
    years: Iterable[int] | None = None,
    tolerance: float = 1e-6,
    advice: str = "",
) -> None:
    """Check a wide table with one row per year (the index, ascending) and one column per indicator.

    The later questions select a column by its indicator name, compare each row with the one above
    it and look rows up by year, so the form is part of the answer: flat columns, the year as the
    index in ascending order. Column order is free. ``expected`` is {column: {year: value}}; with
    ``columns`` the table must have exactly those columns (a column from another series is refused);
    with ``years`` exactly those rows. Without ``expected``, the form only.
    """
    expected = expected or {}
    require_answer(answer, name)
    if isinstance(answer, pd.Series):
        fail(
            f"{code(name)} is a Series; it should be a DataFrame with one column per indicator. "
            "Pivot the long table with .pivot(index='year', columns='indicator', values='value')."
        )
    if not isinstance(answer, pd.DataFrame):
        fail(f"{code(name)} should be a DataFrame, but it is a {type(answer).__name__}.")
    df = answer
    if isinstance(df.columns, pd.MultiIndex):
        fail(
            f"{code(name)} has columns on {df.columns.nlevels} levels, such as {df.columns[0]!r}, so "
            f"{name}['exports'] would not find a column. Pivot with values='value', which gives one "
            "column per indicator name."
        )
    if {"indicator", "value"} <= set(df.columns):
        fail(
            f"{code(name)} is still long: it has 'indicator' and 'value' columns. Reshape it so each indicator "
            "becomes a column: .pivot(index='year', columns='indicator', values='value')."
        )
    if "year" in df.columns:
        fail(
            f"{code(name)} has the years in a column called 'year'; make them the index (leave out "
            ".reset_index(), or add .set_index('year')), so that rows can be found by year, as in "
            f"{name}.loc[2018, 'exports']."
        )
    labels = [plain_label(y) for y in df.index]
    require_year_labels(labels, name, what="row labels")
    if len(set(labels)) != len(labels):
        fail(f"{code(name)} has some years more than once ({shown_labels(labels)}); it should have one row per year.")
    df = df.set_axis(labels, axis=0)
    if years is not None and set(labels) != {int(y) for y in years}:
        fail(
            f"{code(name)} has rows for {shown_labels(labels)}; expected one row for each of "
            f"{shown_labels(sorted(int(y) for y in years))}. {advice}".strip()
        )
    lacking = list(dict.fromkeys(c for c in (columns or expected) if c not in df.columns))
    if lacking:
        fail(
            f"{code(name)} has no column(s) {lacking}; its columns are {list(df.columns)}. "
            "Use the indicator names as columns."
        )
    if columns is not None:
        extra = [c for c in df.columns if c not in set(columns)]
        if extra:
            fail(
                f"{code(name)} has column(s) {extra}, which this series does not report: they come from other "
                f"series. Keep only this series' rows before you pivot; values from different series must "
                f"never share a table. {advice}".strip()
            )
    for column, yearly in expected.items():
        for year, want in yearly.items():
            year = int(year)
            if year not in df.index:
                fail(f"{code(name)} has no row for {year}. {advice}".strip())
            got = df.at[year, column]
            gap = missing(got)  # NaN, or <NA> in a Float64 column: the same message
            if not gap and not isinstance(got, (Number, np.number)):
                fail(
                    f"{code(name)} holds {got!r} for {column!r} in {year}; it should hold numbers. Pivot the "
                    "'value' column."
                )
            if gap or abs(float(got) - float(want)) > tolerance:
                found, wanted = shown_pair(float("nan") if gap else float(got), float(want))
                if gap:
                    found = "nothing (NaN)"
                fail(f"{code(name)} has {found} for {column!r} in {year}; expected {wanted}. {advice}".strip())
    _in_year_order(
        labels,
        name,
        "the next questions compare each year with the row above it (.pct_change()) and plot the rows in order.",
    )


@register("plot_shows", keys=("y",))
def plot_shows(
    answer: Any,
    name: str,
    y: Iterable[float] | None = None,
    tolerance: float = 1e-6,
    advice: str = "",
    points: int | None = None,
    rising: bool = False,
) -> None:
    """Check that a plot shows one line (or set of bars) with the expected values, in order. Without ``y``, the
    form only: ``points`` values, and with ``rising`` never falling (see ``plot_form``)."""
    if y is None:
        plot_form(answer, name, points, rising, advice)
        return
    plot_with_values(answer, name, y, tolerance, advice=advice)


@register("number_from_rows", keys=("accept",))
def number_from_rows(
    answer: Any,
    name: str,
    accept: Iterable[float] | None = None,
    tolerance: float = 0.0,
    advice: str = "",
    low: float | None = None,
    high: float | None = None,
) -> None:
    """Check one number computed from rows the student selected; a NaN or empty result (no row matched)
    is explained before the value is compared. Without ``accept``: a number between ``low`` and ``high``."""
    require_answer(answer, name)
    empty = isinstance(answer, (pd.Series, pd.DataFrame, np.ndarray, list, tuple)) and len(answer) == 0
    if empty or missing(answer):  # NaN or <NA>: no row matched
        what = "empty" if empty else f"{missing_word(answer)} (not a number)"
        fail(f"{code(name)} is {what}: the rows it was computed from were not found. {QUERY_HINT}")
    if accept is None:
        in_range(number(answer, name), name, low, high, "a number", advice)
        return
    number_check(answer, name=name, accept=accept, tolerance=tolerance, advice=advice)


@register("number_between", keys=())
def number_between(
    answer: Any, name: str, low: float | None = None, high: float | None = None, whole: bool = False, advice: str = ""
) -> None:
    """Check that one number lies between ``low`` and ``high`` (either may be left open) and, with ``whole``,
    is a whole number: a visible test that says what kind of number is wanted without giving the value away."""
    kind = "a whole number" if whole else "a number"
    in_range(number(answer, name), name, low, high, kind, advice, whole=whole)
