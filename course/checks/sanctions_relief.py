"""Checks for assignment 2, "The sanctions-relief dispute".

Expected values come from the test cells (visible or hidden), not from here: this package is
installed for students, so it holds no answers.
"""
from numbers import Number
from typing import Any, Iterable, Optional

import numpy as np
import pandas as pd

from . import register
from .expect import by_label, dataframe, fail, number, plain_label, plotted_series, require_answer, values


def _shown(xs: Iterable) -> str:
    return ", ".join(f"{x:.4g}" if isinstance(x, float) else str(x) for x in xs)


@register("resolution_numbers")
def resolution_numbers(answer: Any, name: str, expected: Iterable[int], columns: Iterable[str] = (),
                       in_order: bool = False, advice: str = "") -> None:
    """Check which resolutions an answer holds: rows of ``resolutions`` or a list of numbers.

    With ``columns`` the answer must be a DataFrame keeping those columns; with ``in_order``
    the numbers must come in the expected order.
    """
    require_answer(answer, name)
    columns = list(columns)
    if isinstance(answer, pd.DataFrame):
        items = list(dataframe(answer, name, columns=("number", *columns))["number"])
    elif columns:
        fail(f"`{name}` should be a DataFrame (rows of `resolutions`), but it is a {type(answer).__name__}.")
    else:
        items = values(answer, name)
    got = []
    for item in items:
        n = number(item, f"an item of `{name}`")
        if not n.is_integer():
            fail(f"`{name}` holds {n:g}, which is not a resolution number.")
        got.append(int(n))
    want = [int(e) for e in expected]
    missing, extra = sorted(set(want) - set(got)), sorted(set(got) - set(want))
    if missing or extra:
        found = []
        if missing:
            found.append(f"lacks {_shown(missing)}")
        if extra:
            found.append(f"holds {_shown(extra)}, which should not be there")
        fail(f"`{name}` {' and '.join(found)} (it holds {_shown(got) or 'nothing'}). {advice}".strip())
    if len(got) != len(want):
        fail(f"`{name}` holds {len(got)} numbers but only {len(set(got))} different ones; "
             "each resolution should appear once.")
    if in_order and got != want:
        fail(f"`{name}` holds the right resolutions in the order {_shown(got)}; "
             f"give them in order of adoption ({_shown(want)}).")


@register("values_by_year")
def values_by_year(answer: Any, name: str, expected: dict, tolerance: float = 0.0, subset: bool = False,
                   advice: str = "") -> None:
    """Check one number per year (Series, dict or two-column DataFrame; order and dtype are free).

    Missing values (NaN) are ignored. With ``subset`` only the expected years are checked.
    """
    got = by_label(answer, name)
    want = {int(k): float(v) for k, v in expected.items()}
    missing = [y for y in want if y not in got]
    if missing:
        fail(f"`{name}` has no value for {_shown(missing)}; its labels are {_shown(list(got)) or 'none'}. "
             f"Index it by year (an integer). {advice}".strip())
    extra = [y for y in got if y not in want]
    if extra and not subset:
        fail(f"`{name}` has values for {_shown(extra)}, which should not be there; expected only "
             f"{_shown(list(want))}. {advice}".strip())
    wrong = [y for y in want if abs(got[y] - want[y]) > tolerance]
    if not wrong:
        return
    if all(want[y] and abs(got[y] * 100 - want[y]) <= max(tolerance, 1e-9) for y in wrong):
        fail(f"`{name}` looks like fractions ({_shown(got[y] for y in wrong)}); "
             "the question asks for percentages: multiply by 100.")
    y = wrong[0]
    within = f" (within {tolerance:g})" if tolerance else ""
    fail(f"`{name}` is {got[y]:.4g} for {y}; expected {want[y]:g}{within}. {advice}".strip())


@register("caps_with_dates")
def caps_with_dates(answer: Any, rows: int, columns: Iterable[str], adopted: Optional[dict] = None,
                    name: str = "caps_with_dates") -> None:
    """Check a join of the caps with the resolutions that set them: every cap kept once, the
    resolution's columns added, and (with ``adopted``) each cap carrying its resolution's date."""
    require_answer(answer, name)
    if not isinstance(answer, pd.DataFrame):
        fail(f"`{name}` should be a DataFrame (the result of a merge), but it is a {type(answer).__name__}.")
    lacking = [c for c in columns if c not in answer.columns]
    if lacking:
        fail(f"`{name}` lacks the column(s) {lacking}; it has {list(answer.columns)}. Merge `caps` with "
             "`resolutions` so that the columns of both are kept.")
    key = next((k for k in ("resolution", "number") if k in answer.columns), None)
    if key is None:
        fail(f"`{name}` has neither a 'resolution' nor a 'number' column, so no row says which resolution "
             "set the cap. Keep the key columns when you merge.")
    if len(answer) > rows:
        fail(f"`{name}` has {len(answer)} rows, but `caps` has {rows}. Keep one row per cap: resolutions "
             "that set no cap should not appear (merge with how='left' or how='inner', not 'outer' or 'right').")
    if len(answer) < rows:
        fail(f"`{name}` has {len(answer)} rows, but `caps` has {rows}: some caps were lost. Match caps' "
             "'resolution' with resolutions' 'number' (left_on=..., right_on=...) and keep every cap.")
    for resolution, date in (adopted or {}).items():
        mine = answer[answer[key] == int(resolution)]
        if mine.empty:
            fail(f"`{name}` has no row for Resolution {resolution}. Keep every row of `caps`.")
        dates = pd.to_datetime(mine["adopted"], errors="coerce")
        if not (dates == pd.Timestamp(date)).all():
            shown = sorted({"missing" if pd.isna(d) else d.date().isoformat() for d in dates})
            fail(f"In `{name}` the caps of Resolution {resolution} carry the adoption date(s) {shown}; "
                 f"expected {date}. Match caps' 'resolution' with resolutions' 'number'.")


@register("wide_by_year")
def wide_by_year(answer: Any, name: str, expected: dict, years: Optional[Iterable[int]] = None,
                 tolerance: float = 1e-6, advice: str = "") -> None:
    """Check a wide table with one row per year and one column per indicator.

    The year may be the index or a column named 'year'; column order is free. ``expected`` is
    {column: {year: value}}; with ``years`` the table must have exactly those rows.
    """
    require_answer(answer, name)
    if isinstance(answer, pd.Series):
        fail(f"`{name}` is a Series; it should be a DataFrame with one column per indicator. "
             "Pivot the long table with .pivot(index='year', columns='indicator', values='value').")
    if not isinstance(answer, pd.DataFrame):
        fail(f"`{name}` should be a DataFrame, but it is a {type(answer).__name__}.")
    df = answer
    if isinstance(df.columns, pd.MultiIndex):
        if "value" not in df.columns.get_level_values(0):
            fail(f"`{name}` has columns on several levels. Pivot with values='value'.")
        df = df["value"]
    if {"indicator", "value"} <= set(df.columns):
        fail(f"`{name}` is still long: it has 'indicator' and 'value' columns. Reshape it so each indicator "
             "becomes a column: .pivot(index='year', columns='indicator', values='value').")
    if "year" in df.columns:
        df = df.set_index("year")
    labels = [plain_label(y) for y in df.index]
    if len(set(labels)) != len(labels):
        fail(f"`{name}` has some years more than once ({_shown(labels)}); it should have one row per year.")
    df = df.set_axis(labels, axis=0)
    if years is not None and set(labels) != {int(y) for y in years}:
        fail(f"`{name}` has rows for {_shown(labels)}; expected one row for each of "
             f"{_shown(sorted(int(y) for y in years))}. {advice}".strip())
    lacking = [c for c in expected if c not in df.columns]
    if lacking:
        fail(f"`{name}` has no column(s) {lacking}; its columns are {list(df.columns)}. "
             "Use the indicator names as columns.")
    for column, by_year in expected.items():
        for year, want in by_year.items():
            year = int(year)
            if year not in df.index:
                fail(f"`{name}` has no row for {year}. {advice}".strip())
            got = df.at[year, column]
            if not isinstance(got, (Number, np.number)):
                fail(f"`{name}` holds {got!r} for {column!r} in {year}; it should hold numbers. Pivot the "
                     "'value' column.")
            if pd.isna(got) or abs(float(got) - float(want)) > tolerance:
                shown = "nothing (NaN)" if pd.isna(got) else f"{float(got):.4g}"
                fail(f"`{name}` has {shown} for {column!r} in {year}; expected {want:g}. {advice}".strip())


@register("plot_shows")
def plot_shows(answer: Any, name: str, y: Iterable[float], tolerance: float = 1e-6, advice: str = "") -> None:
    """Check that a plot shows one line (or set of bars) with the expected values, in order."""
    found = plotted_series(answer, name)
    want = [float(v) for v in y]
    if not found:
        fail(f"`{name}` shows no line or bars. Plot the data and keep what the plotting call returns, "
             f"for example `{name} = data.plot(...)`. {advice}".strip())
    for series in found:
        if len(series) == len(want) and all(abs(g - w) <= tolerance for g, w in zip(series, want)):
            return
    shown = "; ".join(f"[{_shown(s[:8])}{', ...' if len(s) > 8 else ''}]" for s in found[:3])
    fail(f"No line or set of bars in `{name}` shows the values [{_shown(want)}] in that order; "
         f"it shows {shown}. {advice}".strip())
