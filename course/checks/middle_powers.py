"""Checks for assignment 3, "Middle-power diplomacy".

Expected values come from the hidden part of the test cells, not from here: this package is installed for
students, so it holds no answers. Called without them, a check looks at the form of the answer only (how many
venues, which comes first, which years, in what units), which is what the visible part of a test cell shows
(docs/grading-safety.md, "No key in what students see").

Numbers a prompt lets students round are checked with ``decimals``: the fewest decimals a rounded
answer may keep. The tolerance is then half a unit in that place, so every answer the prompt allows
passes and nothing coarser does.
"""

import math
from collections.abc import Iterable
from numbers import Number
from typing import Any

import numpy as np
import pandas as pd

from . import register
from .expect import (
    by_year,
    code,
    described,
    fail,
    missing,
    missing_word,
    plot_form,
    plot_with_values,
    require_answer,
    shown,
    shown_pair,
    texts,
)
from .general import range_words


def _listed(names: Iterable[str]) -> str:
    return ", ".join(shown(n) for n in names) or "nothing"


def _tolerance(decimals: int) -> float:
    """Half a unit in the last place a rounded answer keeps (plus float noise): 2 decimals -> 0.005."""
    return 0.5 * 10**-decimals + 1e-9


def _within(decimals: int) -> str:
    return f"rounded to {decimals} decimal{'s' if decimals != 1 else ''} or not at all"


@register("venue_names", keys=("expected",))
def venue_names(
    answer: Any,
    name: str,
    expected: Iterable[str] | None = None,
    columns: Iterable[str] = (),
    first: Iterable[str] = (),
    in_order: bool = False,
    advice: str = "",
    count: int | None = None,
) -> None:
    """Check which venues an answer holds, by their ``name``: rows of ``venues`` or a list of names.

    With ``columns`` the answer must be a DataFrame keeping those columns; with ``first`` it must
    begin with those names, in that order; with ``in_order`` the whole order must match. Without
    ``expected``: names, each once, ``count`` of them if given (and ``first``, a name the prompt gives).
    """
    require_answer(answer, name)
    columns = list(columns)
    if columns and not isinstance(answer, pd.DataFrame):
        fail(f"{code(name)} should be a DataFrame (rows of `venues`), but it is {described(answer)}.")
    lacking = [c for c in columns if c not in answer.columns] if columns else []
    if lacking:
        fail(
            f"{code(name)} lacks the column(s) {lacking}. Keep every column of `venues`: filter rows, do not select "
            "columns."
        )
    got = texts(answer, name, "name")
    if expected is None:
        if count is not None and len(got) != count:
            fail(f"{code(name)} holds {len(got)} venue(s); expected {count}. {advice}".strip())
        want = list(dict.fromkeys(got))  # the names themselves are the hidden test's
    else:
        want = list(expected)
    missing, extra = [n for n in want if n not in got], [n for n in got if n not in want]
    if missing or extra:
        found = ([f"lacks {_listed(missing)}"] if missing else []) + (
            [f"holds {_listed(extra)}, which should not be there"] if extra else []
        )
        fail(f"{code(name)} {' and '.join(found)}. {advice}".strip())
    if len(got) != len(want):
        fail(
            f"{code(name)} holds {len(got)} names but only {len(set(got))} different ones; each venue should "
            "appear once."
        )
    first = list(first)
    if first and got[: len(first)] != first:
        fail(
            f"{code(name)} begins with {_listed(got[: len(first)])}; it should begin with {_listed(first)}. "
            f"{advice}".strip()
        )
    if in_order and got != want:
        wrong = next(i for i, (g, w) in enumerate(zip(got, want)) if g != w)
        fail(
            f"{code(name)} has the right venues, but place {wrong + 1} holds {shown(got[wrong])} where "
            f"{shown(want[wrong])} belongs. {advice}".strip()
        )


@register("yearly_numbers", keys=("expected",))
def yearly_numbers(
    answer: Any,
    name: str,
    expected: dict | None = None,
    decimals: int = 2,
    subset: bool = False,
    copied: dict | None = None,
    plottable: bool = False,
    advice: str = "",
    years: Iterable[int] | None = None,
    low: float | None = None,
    high: float | None = None,
) -> None:
    """Check one number per year against values the student computes, allowing rounding to ``decimals``.

    The answer may be a Series, a one- or two-column DataFrame, or (unless ``plottable``: the next
    question plots it with ``.plot``) a dict. Missing values (NaN, or ``<NA>`` in an Int64 or Float64 Series)
    are ignored, as in every check of numbers by year; with ``subset`` only the expected years are checked.
    ``copied`` holds published figures the prompt says not to copy: an answer that repeats them is told so,
    whatever the tolerance. Without ``expected``, the form only: the ``years`` (with ``subset``, at least those),
    every value between ``low`` and ``high`` (the units), and not the copied figures.
    """
    require_answer(answer, name)
    if plottable and not isinstance(answer, (pd.Series, pd.DataFrame)):
        fail(
            f"{code(name)} should be a pandas Series indexed by year, but it is {described(answer)}: the next "
            f"question plots it with {code(name + '.plot(...)')}. Keep the result of your pandas expression."
        )
    shape_only = expected is None
    if shape_only:
        expected = {int(y): 0 for y in years or ()}
        subset = subset or years is None
    got, want = by_year(answer, name, expected, subset, advice)
    repeated = [y for y in (copied or {}) if y in got and abs(got[y] - float(copied[y])) <= 1e-9]
    if copied and repeated == [y for y in copied if y in got] and repeated:
        figures = ", ".join(f"{y}: {shown(got[y])}" for y in repeated)
        fail(
            f"{code(name)} holds the published figures ({figures}). The question asks you to compute them from the "
            f"data instead. {advice}".strip()
        )
    if shape_only:
        outside = [y for y in got if (low is not None and got[y] < low) or (high is not None and got[y] > high)]
        if outside:
            y = outside[0]
            bounds = range_words(low, high)
            fail(f"{code(name)} is {shown(got[y])} for {y}; each value should be a number {bounds}. {advice}".strip())
        return
    tolerance = _tolerance(decimals)
    wrong = [y for y in want if abs(got[y] - want[y]) > tolerance]
    if not wrong:
        return
    if all(want[y] and abs(got[y] * 100 - want[y]) <= tolerance for y in wrong):
        fail(
            f"{code(name)} looks like fractions ({', '.join(shown(got[y]) for y in wrong)}); "
            "the question asks for percentages: multiply by 100."
        )
    y = wrong[0]
    coarser = [d for d in range(decimals) if abs(got[y] - round(want[y], d)) <= 1e-9]
    if coarser:
        fail(
            f"{code(name)} is {shown(got[y])} for {y}: that is rounded to {coarser[-1]} decimal"
            f"{'s' if coarser[-1] != 1 else ''}, which loses too much. Keep at least {decimals} decimals, or do "
            "not round."
        )
    g, w = shown_pair(got[y], want[y])
    fail(f"{code(name)} is {g} for {y}; expected {w} ({_within(decimals)}). {advice}".strip())


@register("plotted_numbers", keys=("y",))
def plotted_numbers(
    answer: Any,
    name: str,
    y: Iterable[float] | None = None,
    decimals: int = 2,
    advice: str = "",
    points: int | None = None,
) -> None:
    """Check that a plot shows one line or set of bars with the values ``y``, in order, allowing the
    rounding to ``decimals`` that the question which computed them allowed. Without ``y``, the form only:
    ``points`` values (see ``plot_form``)."""
    if y is None:
        plot_form(answer, name, points, advice=advice)
        return
    plot_with_values(answer, name, y, _tolerance(decimals), _within(decimals), advice)


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _shown_row(row: Any) -> str:
    """A test row as the student would recognise it: by the candidate's name and its ratings, or, for a
    plain dict, by its items. Never the Series' name, which is None for a row built by hand."""
    items = [(k, _plain(v)) for k, v in (row.items() if hasattr(row, "items") else [])]
    label = dict(items).get("candidate")
    ratings = {k: v for k, v in items if isinstance(v, Number) and not isinstance(v, bool)}
    if label is not None:
        return f"<row of {shown(label)}: " + ", ".join(f"{k}={shown(v)}" for k, v in ratings.items()) + ">"
    return shown(dict(items))


def _call_score(fn: Any, row: Any, weights: dict, call: str, advice: str) -> Any:
    """The student's ``score(row, weights)``; an error it raises becomes advice naming the call.
    ``NotImplementedError`` (an unanswered stub) propagates, so the test fails as unanswered."""
    require_answer(fn, "score")
    if not callable(fn):
        fail(f"`score` should be a function (defined with `def score(row, weights):`), but it is {described(fn)}.")
    try:
        return fn(row, dict(weights))
    except NotImplementedError:
        raise
    except Exception as exc:  # the student's error, explained
        fail(f"{call} raised {type(exc).__name__}: {exc}. {advice}".strip())


@register("score_function", keys=("cases",))
def score_function(fn: Any, cases: Iterable[tuple], tolerance: float = 1e-9) -> None:
    """Check ``score(row, weights)`` against (row, weights, expected) cases: the weighted mean of
    the weighted criteria, and 0.0 when every weight is 0."""
    for row, weights, expected in cases:
        total = sum(weights.values())
        advice = (
            "When every weight is 0 there is nothing to divide by: return 0.0."
            if total == 0
            else "Loop over weights.items() (not over the row, which also holds text) and use row[criterion]."
        )
        call = f"score({_shown_row(row)}, {shown(dict(weights))})"
        result = _call_score(fn, row, weights, call, advice)
        if result is None:
            fail(f"{call} returned None. End the function with `return` and the score.")
        if isinstance(result, (pd.Series, pd.DataFrame, np.ndarray, list, tuple)):
            if len(result) != 1:
                fail(
                    f"{call} returned {described(result)} of {len(result)} values; it should return one "
                    "number: add the weighted ratings up and divide."
                )
            result = result.iloc[0] if isinstance(result, (pd.Series, pd.DataFrame)) else list(result)[0]
        if missing(result):  # pd.NA or NaN: the same advice
            fail(f"{call} returned {missing_word(result)} (not a number). {advice}")
        if isinstance(result, (bool, np.bool_)) or not isinstance(result, (Number, np.number)):
            fail(f"{call} returned {shown(result)} ({described(result)}); it should return one number.")
        got = float(result)
        if math.isnan(got):
            fail(f"{call} returned NaN (not a number). {advice}")
        if abs(got - expected) <= tolerance:
            continue
        weighted_sum = sum(w * row[c] for c, w in weights.items())
        if total == 0:
            hint = "When every weight is 0, return 0.0."
        elif abs(got - weighted_sum) <= tolerance:
            hint = "That is the weighted sum: divide it by the total of the weights."
        elif abs(got - weighted_sum / len(weights)) <= tolerance:
            hint = "Divide by the total of the weights, not by the number of criteria."
        elif any(abs(got - round(expected, d)) <= tolerance for d in range(4)):
            hint = "That looks rounded: return the weighted mean as it is, without rounding."
        else:
            hint = "Multiply each criterion by its weight, add them up, and divide by the total weight."
        g, w = shown_pair(got, float(expected))
        fail(f"{call} returned {g}; expected {w}. {hint}")
