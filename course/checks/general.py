"""Checks any assignment can use: one number, a number rounded as the prompt allows, counts per label."""

from collections.abc import Iterable
from typing import Any

from . import register
from .expect import code, counts, fail, number, shown, shown_pair


@register("number")
def number_check(answer: Any, name: str, accept: Iterable[float], tolerance: float = 0.0, advice: str = "") -> None:
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


@register("rounded_number")
def rounded_number(
    answer: Any, name: str, exact: float, min_decimals: int = 2, near_misses: Iterable[tuple] = (), advice: str = ""
) -> None:
    """Check a number left unrounded or rounded to ``min_decimals`` decimal places or more, and nothing coarser.

    ``near_misses`` are (value a typical wrong method gives, what went wrong), recognised in the same forms.
    """
    got = number(answer, name)

    def is_form_of(value: float, fewest: int = min_decimals) -> bool:
        return abs(got - value) < 1e-9 or any(abs(got - round(value, d)) < 1e-9 for d in range(fewest, 16))

    if is_form_of(exact):
        return
    if is_form_of(exact, 0):  # the right value, rounded further than asked
        hint = f" That is rounded too far: keep at least {min_decimals} decimal place(s)."
    else:
        hint = next((f" {why}" for value, why in near_misses if is_form_of(value, 1)), "")
    exactly = str(int(got)) if got.is_integer() else repr(got)  # every digit: 8.574948665297741 is not 8.57
    fail(
        f"{code(name)} is {exactly}: that is neither the exact value nor the exact value rounded to "
        f"{min_decimals} decimal place(s) or more.{hint} {advice}".rstrip()
    )
