"""Checks of quiz answers, read from the answer record beside the notebook.

A graded question's test cell holds, in its hidden part, ``check("quiz_graded", "quiz/question",
points=..., key=..., feedback=..., explain=...)``: the key's only home. The check prints the
student's answer, the right answer and why, and returns the points earned, which nbgrader reads as
partial credit; it raises (zero points) when nothing is earned.
"""

from typing import Any

from ..quiz import (
    AnswerInvalid,
    AnswerRecordError,
    check_key,
    describe,
    find_question,
    key_answer,
    mark,
    normalise,
    read_answers,
)
from . import CheckFailed, register
from .expect import fail


def _question(ref: Any) -> tuple[str, str, dict]:
    quiz, _, qid = str(ref).partition("/")
    return quiz, qid, find_question(quiz, qid)  # a typo in a test cell is the instructor's error: ValueError


def _recorded(ref: str) -> Any:
    _, _, q = _question(ref)
    try:
        answers = read_answers()
    except AnswerRecordError as exc:
        fail(f"This question's saved answers cannot be read: {exc}")
    entry = answers.get(ref)
    if not isinstance(entry, dict) or entry.get("answer") is None:
        fail(
            "This question has no recorded answer: answer it in the quiz above until you see "
            "'Saved'. An unanswered question scores zero."
        )
    try:
        return normalise(q, entry["answer"])
    except AnswerInvalid as exc:
        fail(
            f"The recorded answer {entry['answer']!r} cannot be read ({exc}); "
            "the answer file was edited by hand or damaged. Answer the question again."
        )


#: The start of a quiz question's verdict in the feedback (the cell's heading names the question).
MARKED = "Marked: "
#: What a saved answer to a graded quiz question is, to the student: marked only after submission (never "passed").
SAVED = "Answer saved: it is marked after you submit."


@register("quiz_answered", keys=(), says=SAVED)
def quiz_answered(ref: Any) -> None:
    """Check that the question "quiz/question" has a readable recorded answer."""
    _recorded(ref)


@register("quiz_graded", keys=("key", "feedback", "explain"))
def quiz_graded(ref: Any, points: float, key: Any, feedback: dict, explain: str = "") -> float:
    """Score the recorded answer against the key; print the feedback; return the points earned."""
    _, _, q = _question(ref)
    check_key(q, key, feedback, where=f"the hidden test of {ref}")
    try:
        answer = _recorded(ref)
    except CheckFailed as failure:
        shown = describe(q, key_answer(q, key))
        fail(f"{failure}\nRight answer: {shown}" + (f"\nWhy: {explain}" if explain else ""))
    result = mark(q, answer, key, feedback, explain)
    earned = round(points * result.fraction, 2)
    report = "\n".join(result.lines)
    if earned <= 0:
        fail(f"{MARKED}not right, 0 of {points:g} points.\n{report}")
    print(f"{MARKED}{earned:g} of {points:g} points.\n{report}")
    return earned
