"""The bundled sample class: build each student's submission from a recipe and submit it.

Recipes live in ``sample_class/<assignment>.json`` beside source/ (teacher-side data: they hold
right answers, so they are not part of the package students import).
"""

import json
from pathlib import Path

import nbformat

from ..paths import SAMPLE_CLASS
from ..quiz import record_answer

SOLUTION_MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")


def load_recipes(assignment: str, folder: Path = SAMPLE_CLASS) -> dict:
    """The students of the sample class for one assignment, with what grading must report."""
    path = Path(folder) / f"{assignment}.json"
    spec = json.loads(path.read_text(encoding="utf-8"))
    if spec.get("assignment") != assignment:
        raise ValueError(f"{path} describes {spec.get('assignment')!r}, not {assignment!r}.")
    return spec["students"]


def solutions(source_notebook: Path) -> dict:
    """The instructor's code of every answer cell, markers removed, by grade id."""
    nb = nbformat.read(source_notebook, as_version=4)
    found = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and cell.cell_type == "code":
            lines = [ln for ln in cell.source.splitlines() if ln.strip() not in SOLUTION_MARKERS]
            found[meta["grade_id"]] = "\n".join(lines)
    return found


def _write_answers(nb, written: dict) -> None:
    """Written answers (``{task grade id: text}``) in the cell below each written question, as a student types."""
    for index, cell in enumerate(nb.cells):
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in written and index + 1 < len(nb.cells):
            nb.cells[index + 1].source = written[grade_id]
    missing = set(written) - {c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells}
    if missing:
        raise ValueError(f"Recipe names written questions that do not exist: {sorted(missing)}")


def fill_in(notebook: Path, recipe: dict, answers_by_id: dict) -> None:
    """Write a recipe's answers into a fetched notebook, as a student would, and save it."""
    nb = nbformat.read(notebook, as_version=4)
    wanted = dict(recipe.get("answers", {}))
    everything = wanted.pop("*", None)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if not cell.metadata.get("nbgrader", {}).get("solution") or cell.cell_type != "code":
            continue
        choice = wanted.get(grade_id, everything)
        if choice is None:
            continue
        cell.source = answers_by_id[grade_id] if choice == "solution" else choice
    unknown = set(wanted) - set(answers_by_id)
    if unknown:
        raise ValueError(f"Recipe names answer cells that do not exist: {sorted(unknown)}")
    _write_answers(nb, recipe.get("written", {}))
    nbformat.write(nb, notebook)
    if recipe.get("damage") == "truncate":
        text = notebook.read_text(encoding="utf-8")
        notebook.write_text(text[: len(text) // 2], encoding="utf-8")  # as if the upload was cut off


def record_quiz(folder: Path, quiz: str, clicks: dict) -> None:
    """Record quiz answers exactly as the widget's click handler does."""
    for qid, choice in clicks.items():
        record_answer(quiz, qid, choice, folder=folder)


def submit_as(room, assignment: str, student: str, recipe: dict, answers_by_id: dict) -> Path:
    """Fetch the release as ``student``, answer it as the recipe says (cells and quiz), and submit it
    through nbgrader's exchange. ``room`` is a course.teacher.classroom.Classroom; returns the student's folder."""
    home = room.work / "students" / student
    folder = room.student_fetch(assignment, student, home)
    fill_in(folder / f"{assignment}.ipynb", recipe, answers_by_id)
    record_quiz(folder, assignment, recipe.get("quiz", {}))
    room.student_submit(assignment, student, home)
    return folder
