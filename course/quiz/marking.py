"""Scoring a quiz answer against its key, and saying why, for every kind of question (each kind's rules are in
course.quiz.kinds).

Pure functions on plain data (the question from the bank, the recorded answer, the key), so the
same verdict can be reached inside a kernel or in a separate clean process.
"""

from dataclasses import dataclass, field
from typing import Any

from .kinds import RIGHT, WRONG, AnswerInvalid, kind_of  # noqa: F401 - RIGHT, WRONG, AnswerInvalid re-exported

__all__ = ["AnswerInvalid", "Mark", "normalise", "describe", "mark", "key_answer", "responses"]


@dataclass
class Mark:
    fraction: float  # 0..1 of the question's points
    lines: list = field(default_factory=list)

    @property
    def right(self) -> bool:
        return self.fraction >= 1


def normalise(q: dict, raw: Any) -> Any:
    """The answer in its recorded shape; AnswerInvalid says what is wrong with it."""
    return kind_of(q).normalise(q, raw)


def describe(q: dict, answer: Any) -> str:
    """An answer in words, as the student saw it."""
    return kind_of(q).describe(q, answer)


def key_answer(q: dict, key: Any) -> Any:
    """The answer a key stands for (a numeric key also holds its margin)."""
    return kind_of(q).key_answer(q, key)


def responses(q: dict, answer: Any, key: Any) -> list[tuple[str, bool, bool]]:
    """Every response the question allows, in words, with whether ``answer`` (normalised; None for no answer) makes
    it and whether the key does: ``[(response, made, right)]``."""
    return kind_of(q).responses(q, answer, key)


def mark(q: dict, answer: Any, key: Any, feedback: dict, explain: str = "") -> Mark:
    """Score ``answer`` (already normalised) and write the feedback lines a student reads."""
    kind = kind_of(q)
    fraction, lines = kind.mark(q, answer, key, feedback)
    if kind.partial_credit:
        lines.append(kind.credit_rule(q))
    return Mark(round(fraction, 4), lines + ([f"Why: {explain}"] if explain else []))
