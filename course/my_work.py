"""Check my work: before submitting, a fresh copy of the saved notebook is run from top to bottom, errors and all,
and every question is listed with what is left to do.

"Restart Kernel and Run All Cells" stops at the first failing test, so a student with one wrong answer sees nothing
below it, quizzes included. This runs a copy in a temporary folder (the student's notebook and ``quiz_answers.json``
are only read), goes on past every error, and reports each question: a code answer still blank, a visible check
failing (with its advice), a quiz answer saved or not (in words), a written answer written or not, and one line
saying what is left. See docs/student-guide.md. nbclient is imported only when the student runs it, so
``from course import ...`` stays light.
"""

import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from .checks.display import WIDTH, in_lines
from .due import due_date, due_in_words
from .labels import ANSWER, QUIZ, QUIZ_REF, TEST, WRITTEN, kind_of_cell, nbgrader_meta, questions_of
from .quiz.saved import saved_answer

__all__ = ["check_my_work", "Report"]

#: The line nbgrader puts where a code answer goes.
STUB = "raise NotImplementedError()"
#: The placeholder of a written answer in the released notebooks ("*Write your answer here (150-250 words).*").
WRITTEN_PLACEHOLDER = re.compile(r"^\s*\*Write your [^*]* here[^*]*\*\s*$")
#: Seconds a cell may run in the copy (a loop that never ends is stopped, and said to be).
CELL_TIMEOUT = 60
#: The call in the notebook's own "Check my work" cell, left out of the copy that is run.
CALL = "check_my_work("


@dataclass
class Item:
    """One question's state: ``status`` is "ok" (visible checks pass), "saved" (a quiz or written answer is in),
    "blank", "failing" or "unanswered" (a quiz with no saved answer)."""

    label: str
    status: str
    detail: str = ""


@dataclass
class Report:
    notebook: Path
    items: list = field(default_factory=list)

    def left(self) -> dict:
        """{status: [labels]} of what is left to do."""
        found: dict = {}
        for item in self.items:
            if item.status in ("blank", "failing", "unanswered"):
                found.setdefault(item.status, [])
                if item.label not in found[item.status]:
                    found[item.status].append(item.label)
        return found

    def summary(self) -> str:
        left = self.left()
        words = {
            "blank": ("answer still blank", "answers still blank"),
            "failing": ("check failing", "checks failing"),
            "unanswered": ("quiz question with no saved answer", "quiz questions with no saved answer"),
        }
        parts = [
            f"{len(left[status])} {words[status][len(left[status]) > 1]}: "
            + ", ".join(label.removeprefix("Question ") for label in left[status])
            for status in words  # blank first: a failing check may only follow from a blank answer
            if status in left
        ]
        if not parts:
            return "Nothing left to do: every answer is in, every visible check passes and every quiz answer is saved."
        return "Left to do: " + "; ".join(parts) + "."

    def text(self) -> str:
        width = max((len(i.label) for i in self.items), default=0)
        marks = {"ok": "\u2714", "saved": "\u2022", "blank": "\u2026", "failing": "\u2718", "unanswered": "\u2026"}
        lines = []
        for item in self.items:
            wrapped = in_lines(item.detail, max(WIDTH - width - 5, 40), indent="  ")  # between words: display.WIDTH
            detail = "\n".join(
                (" " * (width + 5) if n else "") + line for n, line in enumerate(wrapped.splitlines() or [""])
            )
            lines.append(f"{marks[item.status]}  {item.label:<{width}}  {detail}".rstrip())
        return "\n".join([*lines, "", in_lines(self.summary(), indent="  ")])


def check_my_work(notebook: str | os.PathLike | None = None) -> None:
    """Run a fresh copy of this notebook, as last saved, and list every question with what is left to do (printed:
    the cell shows no return value; :func:`run_copy` gives the report itself).

    Run it from the notebook's last cell after saving (Ctrl+S). ``notebook`` names the file when the course
    cannot tell which notebook is open (outside JupyterLab and Notebook 7)."""
    path = _this_notebook(notebook)
    if path is None:
        if notebook is None and not os.environ.get("JPY_SESSION_NAME"):
            # Run by nbgrader (autograde, Validate) or nbconvert, not by the student: nothing to do.
            print("Check my work runs when you run this cell yourself in JupyterLab.")
        else:
            print(
                "Could not tell which notebook to check: give its name, for example "
                "check_my_work('summit_outcome.ipynb')."
            )
        return None
    saved = time.strftime("%H:%M", time.localtime(path.stat().st_mtime))
    due, extended = due_date(path.parent)
    if due is not None:
        print(in_lines(due_in_words(due, extended)) + "\n")
    print(
        in_lines(
            f"Checking {path.name} as saved at {saved}: a fresh copy runs from top to bottom (a few seconds); "
            "your notebook and your quiz answers are not changed. Save first (Ctrl+S) if you changed anything since."
        )
        + "\n",
        flush=True,
    )
    print(run_copy(path).text())


def _this_notebook(given) -> Path | None:
    if given is not None:
        path = Path(given)
        return path if path.is_file() else None
    session = os.environ.get("JPY_SESSION_NAME")
    if not session:
        return None
    for candidate in (Path(session), Path.cwd() / Path(session).name):
        if candidate.suffix == ".ipynb" and candidate.is_file():
            return candidate.resolve()
    mine = sorted(Path.cwd().glob("*.ipynb"))  # renamed since the kernel started: the folder's one notebook
    return mine[0] if len(mine) == 1 else None


def run_copy(path: Path) -> Report:
    """Run a copy of the notebook at ``path`` in a temporary folder with the files beside it; the report."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    nb.cells = [c for c in nb.cells if not (c.cell_type == "code" and CALL in c.source)]
    env = {k: v for k, v in os.environ.items() if k != "JPY_SESSION_NAME"}
    with tempfile.TemporaryDirectory(prefix="check-my-work-") as folder:
        for item in path.parent.iterdir():
            if item.is_file() and item.suffix != ".ipynb":
                shutil.copy2(item, folder)
        client = NotebookClient(
            nb,
            timeout=CELL_TIMEOUT,
            allow_errors=True,
            interrupt_on_timeout=True,
            kernel_name="python3",
            resources={"metadata": {"path": folder}},
        )
        client.execute(env=env, stderr=subprocess.DEVNULL)  # the kernel's own log lines are not the student's
    return report_of(nb, path)


def _error(cell) -> tuple[str, str] | None:
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            return out.get("ename", ""), out.get("evalue", "")
    return None


def _written(cells: list, index: int) -> bool:
    """Whether the student wrote in the markdown cells after a written question (up to the next heading)."""
    for cell in cells[index + 1 :]:
        if cell.cell_type != "markdown" or nbgrader_meta(cell) or cell.source.lstrip().startswith("#"):
            return False
        if cell.source.strip() and not WRITTEN_PLACEHOLDER.match(cell.source):
            return True
    return False


def report_of(nb, path: Path) -> Report:
    """The report on an executed notebook whose quiz answers are beside ``path``."""
    items: list = []
    stopped: set = set()  # questions whose answer is blank or raised: their tests' errors follow from that
    index_of = {id(c): n for n, c in enumerate(nb.cells)}
    for cell, question in questions_of(nb.cells):
        kind = kind_of_cell(cell)
        label = f"Question {question}" if question else nbgrader_meta(cell).get("grade_id", "")
        error = _error(cell)
        if kind == ANSWER and STUB in cell.source:
            stopped.add(label)
            items.append(Item(label, "blank", f"replace `{STUB}` with your answer"))
        elif kind == ANSWER and error:
            stopped.add(label)
            items.append(Item(label, "failing", f"your code stops with {error[0]}: {error[1]}".rstrip(": ")))
        elif kind == TEST and error and label not in stopped:
            advice = error[1] if error[0] == "CheckFailed" else f"{error[0]}: {error[1]}"
            items.append(Item(label, "failing", advice.strip()))
        elif kind == TEST and not error:
            items.append(Item(label, "ok", "visible checks pass"))
        elif kind == QUIZ:
            for ref in dict.fromkeys(QUIZ_REF.findall(cell.source)):
                answer = saved_answer(ref, Path(path).parent)
                if answer is None:
                    items.append(Item(label, "unanswered", "no saved quiz answer: answer it and wait for 'Saved'"))
                else:
                    items.append(Item(label, "saved", f"answer saved, marked after you submit: {answer}"))
        elif kind == WRITTEN:
            if _written(nb.cells, index_of[id(cell)]):
                items.append(Item(label, "saved", "written answer (your teacher reads it)"))
            else:
                items.append(Item(label, "blank", "write your answer in the cell below the question"))
    # one line per question and state: "visible checks pass" only where nothing else is said
    troubled = {i.label for i in items if i.status != "ok"}
    kept: list = []
    for item in items:
        if (item.status == "ok" and item.label in troubled) or item in kept:
            continue
        kept.append(item)
    return Report(Path(path), kept)
