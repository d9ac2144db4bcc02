"""Checks any assignment can use: one number, counts per label."""
from typing import Any, Iterable

from . import register
from .expect import counts, fail, number


@register("number")
def number_check(answer: Any, name: str, accept: Iterable[float], tolerance: float = 0.0,
                 advice: str = "") -> None:
    """Check one number against the accepted values, within a tolerance."""
    value = number(answer, name)
    accept = list(accept)
    if not any(abs(value - a) <= tolerance for a in accept):
        shown = " or ".join(str(a) for a in accept)
        within = f" (within {tolerance})" if tolerance else ""
        fail(f"`{name}` is {value:g}; expected {shown}{within}. {advice}".strip())


@register("counts")
def counts_check(answer: Any, name: str, expected: dict, advice: str = "") -> None:
    """Check counts per label (Series, dict or two-column DataFrame; order and dtype are free)."""
    got = counts(answer, name)
    want = {str(k): float(v) for k, v in expected.items()}
    if got != want:
        fail(f"`{name}` counts {got}; expected {want}. {advice}".strip())


