"""Widget quizzes whose answers count toward the grade.

A click is recorded by the widget's Python callback in ``quiz_answers.json`` beside the
notebook (the kernel's working folder). nbgrader submits and collects that file with the
notebook and autograde copies it beside the re-executed notebook, where the hidden tests read
it: a fresh kernel replays no clicks, but the file is still there. The keys are not in this
package or in release/: they are only in the hidden tests of source/.
"""
import json
import os
import tempfile
from datetime import datetime, timezone
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Optional

import ipywidgets as widgets
from jsonschema import Draft202012Validator

from .paths import ANSWERS_FILE

__all__ = ["question", "load_bank", "read_answers", "record_answer", "AnswerRecordError"]

FORMAT = "hanoi-course-quiz-answers/1"


class AnswerRecordError(ValueError):
    """The answers file exists but cannot be read as answers."""


@lru_cache(maxsize=None)
def load_bank(quiz: str) -> dict:
    """The question bank of a quiz, validated against ``quizbank/schema.json``."""
    folder = resources.files("course").joinpath("quizbank")
    schema = json.loads(folder.joinpath("schema.json").read_text(encoding="utf-8"))
    try:
        bank = json.loads(folder.joinpath(f"{quiz}.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(f"There is no quiz bank called {quiz!r} in course/quizbank/.") from None
    errors = list(Draft202012Validator(schema).iter_errors(bank))
    if errors:
        raise ValueError(f"Quiz bank {quiz}.json is invalid at {list(errors[0].path)}: {errors[0].message}")
    return bank


def _question(quiz: str, qid: str) -> dict:
    for q in load_bank(quiz)["questions"]:
        if q["id"] == qid:
            return q
    raise ValueError(f"Quiz {quiz!r} has no question {qid!r}.")


def read_answers(folder: Optional[Path] = None) -> dict:
    """The recorded answers, ``{"quiz/question": {"choice": ..., "saved_at": ...}}``; {} if none."""
    path = Path(folder or Path.cwd()) / ANSWERS_FILE
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise AnswerRecordError(f"{ANSWERS_FILE} is not valid JSON ({exc}). It was changed by hand or "
                                "damaged; answer the quiz questions again to rewrite it.") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("answers"), dict):
        raise AnswerRecordError(f"{ANSWERS_FILE} is not a quiz answer record (format {FORMAT!r} expected). "
                                "Answer the quiz questions again to rewrite it.")
    return data["answers"]


def record_answer(quiz: str, qid: str, choice: str, folder: Optional[Path] = None) -> None:
    """Save one answer, replacing any earlier answer to the same question."""
    folder = Path(folder or Path.cwd())
    try:
        answers = read_answers(folder)
    except AnswerRecordError:
        answers = {}  # a damaged record is replaced rather than blocking every new answer
    answers[f"{quiz}/{qid}"] = {"choice": choice, "saved_at": datetime.now(timezone.utc).isoformat()}
    text = json.dumps({"format": FORMAT, "answers": answers}, indent=1, sort_keys=True)
    # Write then rename, so a crash never leaves half a file.
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".quiz_answers.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, folder / ANSWERS_FILE)


def question(quiz: str, qid: str) -> widgets.VBox:
    """A graded multiple-choice question: click an option and it is saved at once.

    Correctness is not shown here; it appears in the feedback after grading.
    """
    q = _question(quiz, qid)
    labels = [(opt["text"], opt["id"]) for opt in q["options"]]
    choices = widgets.RadioButtons(options=labels, value=None, layout=widgets.Layout(width="max-content"),
                                   tooltip=q["prompt"])
    status = widgets.HTML()
    try:
        saved = read_answers().get(f"{quiz}/{qid}")
    except AnswerRecordError as exc:
        saved, status.value = None, f"<b>Warning:</b> {exc}"
    if saved and saved.get("choice") in dict((v, k) for k, v in labels):
        choices.value = saved["choice"]
        status.value = "Saved earlier: your answer is recorded. Choose another option to change it."

    def on_change(change):
        if change["new"] is None:
            return
        try:
            record_answer(quiz, qid, change["new"])
        except OSError as exc:
            status.value = f"<b>Not saved</b> ({exc}). Check that the notebook's folder is writable."
            return
        status.value = (f"<b>Saved</b> at {datetime.now().strftime('%H:%M:%S')}: "
                        f"&ldquo;{dict((v, k) for k, v in labels)[change['new']]}&rdquo;.")

    choices.observe(on_change, names="value")
    prompt = widgets.HTML(f"<p><b>{q['prompt']}</b></p>")
    return widgets.VBox([prompt, choices, status])
