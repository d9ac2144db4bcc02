"""Checks for assignment 3, "Middle-power diplomacy".

Expected values come from the test cells (visible or hidden), not from here: this package is
installed for students, so it holds no answers.
"""
from typing import Any, Iterable

import pandas as pd

from . import register
from .expect import called, fail, number, require_answer, texts


def _listed(names: Iterable[str]) -> str:
    return ", ".join(repr(n) for n in names) or "nothing"


@register("venue_names")
def venue_names(answer: Any, name: str, expected: Iterable[str], columns: Iterable[str] = (),
                first: Iterable[str] = (), in_order: bool = False, advice: str = "") -> None:
    """Check which venues an answer holds, by their ``name``: rows of ``venues`` or a list of names.

    With ``columns`` the answer must be a DataFrame keeping those columns; with ``first`` it must
    begin with those names, in that order; with ``in_order`` the whole order must match.
    """
    require_answer(answer, name)
    columns = list(columns)
    if columns and not isinstance(answer, pd.DataFrame):
        fail(f"`{name}` should be a DataFrame (rows of `venues`), but it is a {type(answer).__name__}.")
    lacking = [c for c in columns if c not in answer.columns] if columns else []
    if lacking:
        fail(f"`{name}` lacks the column(s) {lacking}. Keep every column of `venues`: filter rows, do not select "
             "columns.")
    got, want = texts(answer, name, "name"), list(expected)
    missing, extra = [n for n in want if n not in got], [n for n in got if n not in want]
    if missing or extra:
        found = ([f"lacks {_listed(missing)}"] if missing else []) + \
                ([f"holds {_listed(extra)}, which should not be there"] if extra else [])
        fail(f"`{name}` {' and '.join(found)}. {advice}".strip())
    if len(got) != len(want):
        fail(f"`{name}` holds {len(got)} names but only {len(set(got))} different ones; each venue should appear once.")
    first = list(first)
    if first and got[:len(first)] != first:
        fail(f"`{name}` begins with {_listed(got[:len(first)])}; it should begin with {_listed(first)}. "
             f"{advice}".strip())
    if in_order and got != want:
        wrong = next(i for i, (g, w) in enumerate(zip(got, want)) if g != w)
        fail(f"`{name}` has the right venues, but place {wrong + 1} holds {got[wrong]!r} where {want[wrong]!r} "
             f"belongs. {advice}".strip())


def _shown_row(row: Any) -> str:
    items = row.items() if hasattr(row, "items") else []
    return "{" + ", ".join(f"{k!r}: {v!r}" for k, v in items) + "}"


@register("score_function")
def score_function(fn: Any, cases: Iterable[tuple], tolerance: float = 1e-9) -> None:
    """Check ``score(row, weights)`` against (row, weights, expected) cases: the weighted mean of
    the weighted criteria, and 0.0 when every weight is 0."""
    for row, weights, expected in cases:
        total = sum(weights.values())
        advice = ("When every weight is 0 there is nothing to divide by: return 0.0." if total == 0 else
                  "Loop over `weights.items()` (not over the row, which also holds text) and use row[criterion].")
        result = called(fn, "score", (row, dict(weights)), advice=advice)
        call = f"score({_shown_row(row)}, {weights!r})"
        if result is None:
            fail(f"{call} returned None. End the function with `return` and the score.")
        got = number(result, call)
        if abs(got - expected) <= tolerance:
            continue
        weighted_sum = sum(w * row[c] for c, w in weights.items())
        if total == 0:
            hint = "When every weight is 0, return 0.0."
        elif abs(got - weighted_sum) <= tolerance:
            hint = "That is the weighted sum: divide it by the total of the weights."
        elif abs(got - weighted_sum / len(weights)) <= tolerance:
            hint = "Divide by the total of the weights, not by the number of criteria."
        else:
            hint = "Multiply each criterion by its weight, add them up, and divide by the total weight."
        fail(f"{call} returned {got:g}; expected {expected:g}. {hint}")
