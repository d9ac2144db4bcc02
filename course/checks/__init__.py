"""The one checking API every autograder test cell uses: ``check(name, answer, **expected)``.

A test cell calls ``check("timeline_sorted", timeline, original=events)``. The named check
raises ``CheckFailed`` (an ``AssertionError``, so nbgrader scores the cell zero) with a message
written for the student: what was expected, what was found, how to fix it. On success it prints
one line, so a student running the tests sees what passed.

Checks are plain functions registered by name in the modules below; how they run is decided
here alone. Under autograde each call also records the answer as plain data (an invisible output, see
course.export): the grader decides every test cell outside the student's kernel (course.grading.verdict).
"""

from collections.abc import Callable
from typing import Any

__all__ = ["check", "run_check", "CheckFailed", "registered", "key_arguments"]


class CheckFailed(AssertionError):
    """An answer did not pass a check; the message is for the student."""

    def _render_traceback_(self) -> list[str]:
        """What IPython shows for it: the student's line and the advice, not this package's frames
        (course.checks.display)."""
        from .display import advice_lines

        return advice_lines(self.__traceback__, self)


_REGISTRY: dict[str, Callable[..., None]] = {}
_KEYS: dict[str, tuple[str, ...] | None] = {}
_SAYS: dict[str, str] = {}


def register(name: str, keys: tuple[str, ...] | None = None, says: str = "") -> Callable:
    """Decorator: make a function available as ``check(name, ...)``.

    ``keys`` names the arguments that state the answer (expected or accepted values; for a function's
    ``cases``, the result each case ends with). They belong in the hidden part of a test cell: the visible part
    checks the form of the answer without them (docs/grading-safety.md, "No key in what students see").
    None, for a check that does not say, counts every argument as a key. ``says`` replaces the line a check that
    passes prints ("✔ name: passed") where "passed" would mislead (a quiz answer is saved, not marked).
    """

    def add(fn: Callable[..., None]) -> Callable[..., None]:
        if name in _REGISTRY:
            raise ValueError(f"Two checks are called {name!r}; rename one.")
        _REGISTRY[name] = fn
        _KEYS[name] = None if keys is None else tuple(keys)
        if says:
            _SAYS[name] = says
        return fn

    return add


def key_arguments(check_name: str) -> tuple[str, ...] | None:
    """The arguments of a check that state the answer (see ``register``); None: all of them."""
    return _KEYS.get(check_name)


def registered() -> list[str]:
    """Names of all checks, sorted."""
    return sorted(_REGISTRY)


def run_check(check_name: str, answer: Any, /, **expected: Any) -> Any:
    """Run the check ``check_name`` on ``answer``: print one line if it passes, raise ``CheckFailed`` with
    advice if not, and return what the check returns (the points earned, for partial credit)."""
    try:
        fn = _REGISTRY[check_name]
    except KeyError:
        raise ValueError(f"There is no check called {check_name!r}. Known checks: {', '.join(registered())}.") from None
    try:
        result = fn(answer, **expected)
    except CheckFailed as failure:
        # Re-raised without its chain, the student's traceback is their cell, one line here, and the advice.
        raise CheckFailed(str(failure)) from None
    if result is None:
        print(_SAYS.get(check_name) or f"\u2714 {check_name}: passed")
    return result


def check(check_name: str, answer: Any, /, **expected: Any) -> Any:
    """Run the check ``check_name`` on ``answer``; raise ``CheckFailed`` with advice if it fails.

    A check that scores partial credit returns the points earned (and prints its own report): as the
    last expression of a test cell, nbgrader reads that number as the cell's score.
    """
    try:
        return run_check(check_name, answer, **expected)
    finally:
        # Under autograde, the answer as plain data: the grader decides again outside the kernel
        # (course.grading.verdict).
        from ..export import emit

        emit(check_name, answer, expected)


def _register_all() -> None:
    """Import every module of this package: importing a module registers its checks (a new assignment's
    module needs no entry anywhere)."""
    import importlib
    import pkgutil

    for found in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{found.name}")


_register_all()
