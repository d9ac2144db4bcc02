"""The quiz widget: one question from a bank, in graded or practice mode.

Its front end (``widget.js``, loaded by anywidget from this package, nothing fetched at run time) is
built from native form controls, so it works by keyboard alone and reads well to screen readers: a
fieldset whose legend is the question, radio buttons sharing one name (arrow keys move the choice),
check boxes, a labelled number field with its unit, Move up/Move down buttons for ordering, and a
labelled drop-down per entry for matching. Every message is a live region, in words and symbols,
never colour alone.

Graded mode: every answer is recorded at once and confirmed; correctness is not shown (it appears in
the feedback after grading). Practice mode: answers are recorded too, and "Check" gives the verdict,
the feedback for each option and the explanation; "Show answer" shows the key.

A widget whose kernel has gone (restarted, shut down, or the notebook reopened) is only a picture of the
old one: the front end says so at once, shows the answer saved in ``quiz_answers.json`` and takes no
clicks until the cell is run again (docs/quiz-widget.md). For that it keeps ``saved``: what the record
holds for the question, as this kernel last wrote or read it.
"""

import weakref
from datetime import datetime
from importlib import resources

import anywidget
import traitlets

from .bank import credit_rule, find_question
from .marking import AnswerInvalid, describe, key_answer, mark, normalise
from .record import AnswerRecordError, read_answers, record_answer

__all__ = ["QuizQuestion", "question"]

_HERE = resources.files("course").joinpath("quiz")
_PUBLIC = ("id", "type", "prompt", "options", "items", "left", "right", "unit")
#: Every widget of a question shown by this kernel, so that an answer given in one is shown as saved in all.
_SHOWN: dict[str, weakref.WeakSet] = {}


class QuizQuestion(anywidget.AnyWidget):
    _esm = _HERE.joinpath("widget.js").read_text(encoding="utf-8")
    _css = _HERE.joinpath("widget.css").read_text(encoding="utf-8")

    spec = traitlets.Dict().tag(sync=True)  # the question, without any key
    mode = traitlets.Unicode("graded").tag(sync=True)
    answer = traitlets.Any(None, allow_none=True).tag(sync=True)
    status = traitlets.Unicode("").tag(sync=True)  # the saved / not saved line
    verdict = traitlets.Dict().tag(sync=True)  # practice: {"right": bool, "lines": [...]}
    # What quiz_answers.json holds for the question: {"answer": ..., "text": ...}; {} nothing; None unknown.
    saved = traitlets.Dict(None, allow_none=True).tag(sync=True)

    def __init__(self, quiz: str, qid: str):
        q = find_question(quiz, qid)
        spec = {k: q[k] for k in _PUBLIC if k in q}
        spec["rule"] = credit_rule(q)
        super().__init__(spec=spec, mode=q.get("mode", "graded"))
        self._quiz, self._qid, self._q = quiz, qid, q
        self._syncing = False
        self._restore()
        self.observe(self._on_answer, names="answer")
        self.on_msg(self._on_message)
        _SHOWN.setdefault(f"{quiz}/{qid}", weakref.WeakSet()).add(self)

    def _restore(self) -> None:
        try:
            saved = read_answers().get(f"{self._quiz}/{self._qid}")
        except AnswerRecordError as exc:
            self.status = f"\u26a0 Warning: {exc}"
            return
        self.saved = {}
        if not saved:
            self.status = (
                "Not answered yet." if self.mode == "graded" else "Not answered yet. Answer, then press Check."
            )
            return
        try:
            self.answer = normalise(self._q, saved.get("answer"))
        except AnswerInvalid:
            self.saved = None  # something is recorded, but not an answer this question can show
            self.status = "\u26a0 The saved answer does not fit this question any more: answer it again."
            return
        self.saved = {"answer": self.answer, "text": describe(self._q, self.answer)}
        self.status = (
            f"Saved earlier: {self._in_words(self.answer)}. "
            "Your answer is recorded; change it and the new one replaces it."
        )

    def _in_words(self, answer) -> str:
        """The saved answer as the status line says it. An order is not spelled out: the list above it is
        the order, and five long items read again at every move drown the one that moved."""
        return "the order shown above" if self._q["type"] == "ordering" else describe(self._q, answer)

    def _on_answer(self, change) -> None:
        if change["new"] is None or self._syncing:
            return
        try:
            answer = normalise(self._q, change["new"])
        except AnswerInvalid as exc:
            self.status = f"\u2718 Not saved: {exc}."
            return
        try:
            record_answer(self._quiz, self._qid, answer)
        except OSError as exc:
            self.status = f"\u2718 Not saved ({exc}). Check that the notebook's folder is writable."
            return
        status = f"Saved at {datetime.now().strftime('%H:%M:%S')}: {self._in_words(answer)}."
        for shown in list(_SHOWN.get(f"{self._quiz}/{self._qid}", ())):
            shown._show_saved(answer, status, given_here=shown is self)

    def _show_saved(self, answer, status: str, given_here: bool) -> None:
        """Show ``answer`` as the one recorded: given in this widget, or in another widget of the same
        question (then it is shown here too, not recorded again)."""
        self._syncing = True
        try:
            with self.hold_sync():
                if not given_here:
                    self.answer = answer
                self.saved = {"answer": answer, "text": describe(self._q, answer)}
                self.verdict = {}
                self.status = status
        finally:
            self._syncing = False

    def _on_message(self, _widget, content, _buffers) -> None:
        if self.mode != "practice" or not isinstance(content, dict):
            return  # graded questions never reveal anything in the notebook
        q = self._q
        if content.get("event") == "show_key":
            key = key_answer(q, q["key"])
            self.verdict = {"right": None, "lines": [f"The answer: {describe(q, key)}", f"Why: {q['explain']}"]}
        elif content.get("event") == "check":
            try:
                answer = normalise(q, self.answer)
            except AnswerInvalid as exc:
                self.verdict = {"right": False, "lines": [f"Answer first: {exc}."]}
                return
            result = mark(q, answer, q["key"], q["feedback"], q["explain"])
            head = (
                "\u2714 Right."
                if result.right
                else f"\u2718 Not right yet ({result.fraction:.0%} of the points)."
                if result.fraction
                else "\u2718 Not right."
            )
            self._wrong_tries = 0 if result.right else getattr(self, "_wrong_tries", 0) + 1
            lines = result.lines
            if not result.right and self._wrong_tries < 2:  # something left to try: the key only on request
                lines = [_without_key(line) for line in lines if not line.startswith(("Right answer:", "Why:"))]
                lines.append(TRY_AGAIN)
            self.verdict = {"right": result.right, "lines": [head] + lines}


#: Said under a first wrong try in practice mode, in place of the right answer.
TRY_AGAIN = "Try again, or press Show answer (a second wrong try shows it too)."


def _without_key(line: str) -> str:
    """A feedback line without the right answer it names (a matching's "...; right: X. why")."""
    return line.split("; right: ")[0] + "." if "; right: " in line else line


def question(quiz: str, qid: str) -> QuizQuestion:
    """Show question ``qid`` of the quiz bank ``quiz``; an answer given in it is saved at once."""
    return QuizQuestion(quiz, qid)
