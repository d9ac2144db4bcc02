"""Checks of graded quiz answers, read from the answer record beside the notebook."""
from typing import Any

from ..quiz import AnswerRecordError, _question, read_answers
from . import CheckFailed, register
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
def quiz_choice(ref: Any, key: str, explain: str = "") -> None:
    """Check the recorded answer against the key, and say in the feedback what was chosen, what was
    right and why. The key and explanation come from a hidden test, so they appear only after grading."""
    quiz, _, qid = ref.partition("/")
    options = {o["id"]: o["text"] for o in _question(quiz, qid)["options"]}
    if key not in options:
        raise ValueError(f"The key {key!r} of {ref} is not one of its options {sorted(options)}.")
    right = f"Right answer: {options[key]}" + (f"\nWhy: {explain}" if explain else "")
    try:
        choice = _recorded(ref)
    except CheckFailed as failure:
        fail(f"{failure}\n{right}")
    chosen = f"Your answer: {options.get(choice, repr(choice) + ' (not one of the options)')}"
    if choice != key:
        fail(f"Quiz question {qid!r}: the recorded answer is not the right one.\n{chosen}\n{right}")
    print(f"{chosen}\n{right}")
