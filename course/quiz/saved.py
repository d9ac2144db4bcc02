"""A student's saved quiz answer in words, as the widget showed it (for Check my work and the feedback)."""

from pathlib import Path

from .bank import find_question
from .marking import AnswerInvalid, describe, normalise
from .record import AnswerRecordError, read_answers


def saved_answer(ref: str, folder: Path) -> str | None:
    """The answer saved in ``folder``'s quiz_answers.json for ``ref`` ("quiz/question") in words; None if none."""
    quiz, _, qid = ref.partition("/")
    try:
        entry = read_answers(folder).get(ref)
        if not isinstance(entry, dict) or entry.get("answer") is None:
            return None
        q = find_question(quiz, qid)
        return describe(q, normalise(q, entry["answer"]))
    except (AnswerRecordError, AnswerInvalid, ValueError) as exc:
        return f"(cannot be read: {exc})"
