"""Checks any assignment can use: one number, a number rounded as the prompt allows, counts per label.

Without their expected values (``accept``, ``exact``, ``expected``) they check the form of the answer only: a
number, within a range, rounded no further than allowed; counts, by the labels the prompt names. That is what a
visible test shows; the values are checked by the hidden tests (docs/grading-safety.md, "No key in what students
see"), and no message of the form checks shows an expected value.
"""

from collections.abc import Iterable
from typing import Any

from . import register
from .expect import code, counts, fail, number, shown, shown_labels, shown_pair


def range_words(low: float | None, high: float | None) -> str:
    """A range as a message says it: "from 1 to 12", "of at least 1", "of at most 0", or "" for none."""
    if low is not None and high is not None:
        return f"from {shown(low)} to {shown(high)}"
    if low is not None:
        return f"of at least {shown(low)}"
    return "" if high is None else f"of at most {shown(high)}"


def in_range(
    value: float, name: str, low: float | None, high: float | None, kind: str, advice: str = "", whole: bool = False
) -> None:
    """Fail unless ``low <= value <= high`` (either bound may be None) and, with ``whole``, ``value`` is a whole
    number, saying the range, never a key."""
    if (low is None or value >= low) and (high is None or value <= high) and (not whole or value.is_integer()):
        return
    where = range_words(low, high)
    fail(f"{code(name)} is {shown(value)}; it should be {kind}{' ' + where if where else ''}. {advice}".strip())


@register("number", keys=("accept",))
def number_check(
    answer: Any, name: str, accept: Iterable[float] | None = None, tolerance: float = 0.0, advice: str = ""
) -> None:
    """Check one number against the accepted values, within a tolerance; without ``accept``, that it is one
    number (not a time span, a Series of several, text or NaN)."""
    value = number(answer, name)
    if accept is None:
        return
    accept = list(accept)
    if not any(abs(value - a) <= tolerance for a in accept):
        nearest = min(accept, key=lambda a: abs(value - a))  # shown with the digits that tell them apart
        found = shown_pair(value, nearest)[0]
        expected = " or ".join(shown_pair(value, a)[1] for a in accept)
        within = f" (within {shown(tolerance)})" if tolerance else ""
        fail(f"{code(name)} is {found}; expected {expected}{within}. {advice}".strip())


@register("counts", keys=("expected",))
def counts_check(
    answer: Any, name: str, expected: dict | None = None, labels: Iterable | None = None, advice: str = ""
) -> None:
    """Check counts per label (Series, dict or two-column DataFrame; order and dtype are free).

    Without ``expected``: whole counts of at least 1, one for each of ``labels`` (those the prompt names) and
    no other.
    """
    got = counts(answer, name)
    if expected is None:
        if labels is not None:
            want = [str(label) for label in labels]
            lacking, extra = [w for w in want if w not in got], [g for g in got if g not in want]
            if lacking or extra:
                found = ([f"has no count for {shown_labels(lacking)}"] if lacking else []) + (
                    [f"counts {shown_labels(extra)}, which should not be there"] if extra else []
                )
                each = f"it should count each of {shown_labels(want)}"
                fail(f"{code(name)} {' and '.join(found)}; {each}. {advice}".strip())
        odd = [(label, n) for label, n in got.items() if n < 0 or not float(n).is_integer()]
        if odd:
            label, n = odd[0]
            fail(f"{code(name)} holds {shown(n)} for {shown(label)}; a count is a whole number. {advice}".strip())
        return
    want = {str(k): float(v) for k, v in expected.items()}
    if got != want:
        fail(f"{code(name)} counts {shown(got)}; expected {shown(want)}. {advice}".strip())


@register("rounded_number", keys=("exact", "near_misses"))
def rounded_number(
    answer: Any,
    name: str,
    exact: float | None = None,
    min_decimals: int = 2,
    near_misses: Iterable[tuple] = (),
    advice: str = "",
    low: float | None = None,
    high: float | None = None,
) -> None:
    """Check a number left unrounded or rounded to ``min_decimals`` decimal places or more, and nothing coarser.

    ``near_misses`` are (value a typical wrong method gives, what went wrong), recognised in the same forms.
    Without ``exact``: a number between ``low`` and ``high`` (if given) that is not rounded to fewer than
    ``min_decimals`` places. (A right answer rounded to ``min_decimals`` places must then not end in 0, as 8.50
    would: it reads as 8.5. The fairness cases of each notebook hold its rounded answers.)
    """
    got = number(answer, name)
    if exact is None:
        in_range(got, name, low, high, "a number", advice)
        if abs(got - round(got, min_decimals - 1)) < 1e-9:
            fewer = "a whole number" if min_decimals == 1 else f"fewer than {min_decimals} decimal places"
            fail(
                f"{code(name)} is {shown(got)}: that is rounded to {fewer}, which loses too much. Keep at least "
                f"{min_decimals} decimal place(s), or do not round. {advice}".rstrip()
            )
        return

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
