"""Checks any assignment can use: one number, counts per label."""
from typing import Any, Iterable

from . import register
from .expect import code, counts, fail, number, shown, shown_pair


@register("number")
def number_check(answer: Any, name: str, accept: Iterable[float], tolerance: float = 0.0,
                 advice: str = "") -> None:
    """Check one number against the accepted values, within a tolerance."""
    value = number(answer, name)
    accept = list(accept)
    if not any(abs(value - a) <= tolerance for a in accept):
        nearest = min(accept, key=lambda a: abs(value - a))  # shown with the digits that tell them apart
        found = shown_pair(value, nearest)[0]
        expected = " or ".join(shown_pair(value, a)[1] for a in accept)
        within = f" (within {shown(tolerance)})" if tolerance else ""
        fail(f"{code(name)} is {found}; expected {expected}{within}. {advice}".strip())


@register("counts")
def counts_check(answer: Any, name: str, expected: dict, advice: str = "") -> None:
    """Check counts per label (Series, dict or two-column DataFrame; order and dtype are free)."""
    got = counts(answer, name)
    want = {str(k): float(v) for k, v in expected.items()}
    if got != want:
        fail(f"{code(name)} counts {shown(got)}; expected {shown(want)}. {advice}".strip())


