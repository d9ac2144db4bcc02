"""The answer record: ``quiz_answers.json`` beside the notebook (the kernel's working folder).

The widget's Python callback writes every answer here the moment it is given. nbgrader submits and
collects the file with the notebook, and autograde keeps it beside the re-executed notebook, where the
hidden tests read it: a fresh kernel replays no clicks, but the file is still there.
"""

import contextlib
import json
import os
import tempfile
from contextvars import ContextVar
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..paths import ANSWERS_FILE

__all__ = ["read_answers", "record_answer", "answers_from", "AnswerRecordError", "FORMAT"]

FORMAT = "hanoi-course-quiz-answers/2"
_OLD_FORMAT = "hanoi-course-quiz-answers/1"  # single choice only: {"choice": id}


class AnswerRecordError(ValueError):
    """The answers file exists but cannot be read as answers."""


#: The folder read_answers() reads when given none (the grader points it at a submission; else the cwd).
_FOLDER: ContextVar[Path | None] = ContextVar("quiz_answers_folder", default=None)


@contextlib.contextmanager
def answers_from(folder: Path):
    """Within the block, the quiz checks read the answer record of ``folder`` (the grader's view of a
    submission), not that of the working folder."""
    token = _FOLDER.set(Path(folder))
    try:
        yield
    finally:
        _FOLDER.reset(token)


def read_answers(folder: Path | None = None) -> dict:
    """The recorded answers, ``{"quiz/question": {"answer": ..., "saved_at": ...}}``; {} if none."""
    path = Path(folder or _FOLDER.get() or Path.cwd()) / ANSWERS_FILE
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise AnswerRecordError(
            f"{ANSWERS_FILE} is not valid JSON ({exc}). It was changed by hand or "
            "damaged; answer the quiz questions again to rewrite it."
        ) from None
    if (
        not isinstance(data, dict)
        or data.get("format") not in (FORMAT, _OLD_FORMAT)
        or not isinstance(data.get("answers"), dict)
    ):
        raise AnswerRecordError(
            f"{ANSWERS_FILE} is not a quiz answer record (format {FORMAT!r} expected). "
            "Answer the quiz questions again to rewrite it."
        )
    answers = data["answers"]
    if data["format"] == _OLD_FORMAT:
        answers = {
            ref: {"answer": e.get("choice"), "saved_at": e.get("saved_at")}
            for ref, e in answers.items()
            if isinstance(e, dict)
        }
    return answers


def record_answer(quiz: str, qid: str, answer: Any, folder: Path | None = None) -> None:
    """Save one answer (plain JSON data), replacing any earlier answer to the same question."""
    folder = Path(folder or Path.cwd())
    try:
        answers = read_answers(folder)
    except AnswerRecordError:
        answers = {}  # a damaged record is replaced rather than blocking every new answer
    answers[f"{quiz}/{qid}"] = {"answer": answer, "saved_at": datetime.now(timezone.utc).isoformat()}
    text = json.dumps({"format": FORMAT, "answers": answers}, indent=1, sort_keys=True)
    # Write then rename, so a crash never leaves half a file.
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".quiz_answers.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, folder / ANSWERS_FILE)
