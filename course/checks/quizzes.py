"""Checks of graded quiz answers, read from the answer record beside the notebook."""
from typing import Any

from ..quiz import AnswerRecordError, _question, read_answers
from . import register
from .expect import fail


def _recorded(ref: str) -> str:
    quiz, _, qid = ref.partition("/")
    _question(quiz, qid)  # a typo in a test cell is the instructor's error: raise ValueError
    try:
        answers = read_answers()
    except AnswerRecordError as exc:
        fail(f"Quiz question {qid!r}: {exc}")
    entry = answers.get(ref)
    if not isinstance(entry, dict) or not isinstance(entry.get("choice"), str):
        fail(f"Quiz question {qid!r} has no recorded answer. Click one option in the quiz above; "
             "you should see 'Saved'. An unanswered question scores zero.")
    return entry["choice"]


@register("quiz_answered")
def quiz_answered(ref: Any) -> None:
    """Check that the question "quiz/question" has a recorded answer."""
    _recorded(ref)


@register("quiz_choice")
def quiz_choice(ref: Any, key: str) -> None:
    """Check the recorded answer against the key (the key is passed from a hidden test)."""
    if _recorded(ref) != key:
        fail(f"Quiz question {ref.partition('/')[2]!r}: the recorded answer is not the right one.")
