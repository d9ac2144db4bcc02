"""A teacher's own nbgrader assignment, written the plain way (bare ``assert`` tests, hidden tests between
nbgrader's markers, no ``check()``), dropped into source/, is released and graded by the course's own
commands like the module's assignments (CONTRIBUTING.md, "Recipe: a new assignment")."""

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from course.teacher.classroom import Classroom
from course.teacher.sample import fill_in, solutions, submit_as

OWN = "squares"


def _cell(make, source, **nbgrader):
    cell = make(source)
    if nbgrader:
        cell.metadata["nbgrader"] = {
            "schema_version": 3,
            "solution": False,
            "grade": False,
            "locked": False,
            "task": False,
            **nbgrader,
        }
    return cell


def plain_assignment(root: Path) -> None:
    """As nbgrader's own example problem set is written: a function to write, a test cell of asserts."""
    nb = new_notebook(
        cells=[
            _cell(
                new_markdown_cell,
                "# Squares\nWrite `squares(n)`: the squares of 1 to n, in a list.",
                grade_id="intro",
                locked=True,
            ),
            _cell(
                new_code_cell,
                "def squares(n):\n    ### BEGIN SOLUTION\n    return [i * i for i in range(1, n + 1)]"
                "\n    ### END SOLUTION",
                grade_id="squares",
                solution=True,
            ),
            _cell(
                new_code_cell,
                '"""Check that squares returns the right answer."""\nassert squares(1) == [1]\n'
                "assert squares(3) == [1, 4, 9]\n### BEGIN HIDDEN TESTS\nassert squares(10)[-1] == 100\n"
                "### END HIDDEN TESTS",
                grade_id="correct_squares",
                grade=True,
                locked=True,
                points=2,
            ),
            _cell(
                new_code_cell,
                '"""Check that squares(0) is empty."""\nassert squares(0) == []',
                grade_id="squares_zero",
                grade=True,
                locked=True,
                points=1,
            ),
        ],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    )
    folder = root / "source" / OWN
    folder.mkdir(parents=True)
    nbformat.write(nb, folder / f"{OWN}.ipynb")


def test_a_plain_nbgrader_assignment_is_released_and_graded_by_the_course_commands(tmp_path):
    root = tmp_path / "course"
    plain_assignment(root)
    course = str(Path(sys.executable).parent / "course")
    work = str(root / "work")
    released = subprocess.run(
        [course, "--work", work, "generate", OWN, "--root", str(root)], capture_output=True, text=True
    )
    assert released.returncode == 0, released.stdout + released.stderr
    assert "BEGIN SOLUTION" not in (root / "release" / OWN / f"{OWN}.ipynb").read_text()

    room = Classroom(root, root / "work")
    room.release(OWN)
    answers = solutions(root / "source" / OWN / f"{OWN}.ipynb")
    submit_as(room, OWN, "right", {"answers": {"*": "solution"}}, answers)
    # Passes the visible asserts only: the hidden one (squares(10)) fails.
    submit_as(room, OWN, "visible_only", {"answers": {"squares": "def squares(n):\n    return [1, 4, 9][:n]"}}, answers)
    submit_as(room, OWN, "blank", {"answers": {}}, answers)

    graded = subprocess.run(
        [course, "--work", work, "grade", OWN, "--jobs", "1", "--root", str(root)], capture_output=True, text=True
    )
    assert graded.returncode == 0, graded.stdout + graded.stderr
    with open(root / "work" / f"status-{OWN}.csv", encoding="utf-8") as fh:
        rows = {r["student"]: r for r in csv.DictReader(fh)}
    assert {s: (r["status"], float(r["score"]), float(r["max_score"])) for s, r in rows.items()} == {
        "right": ("graded", 3.0, 3.0),
        "visible_only": ("graded", 1.0, 3.0),
        "blank": ("graded", 0.0, 3.0),
    }


def test_nbgraders_own_example_problem_set_is_graded_by_classroom_autograde(tmp_path):
    """nbgrader's documented example (ps1: two notebooks, a picture, a written answer), dropped into source/."""
    import nbgrader

    example = Path(nbgrader.__file__).parent / "docs" / "source" / "user_guide" / "source" / "ps1"
    root = tmp_path / "course"
    shutil.copytree(example, root / "source" / "ps1")
    room = Classroom(root, root / "work")
    room.generate("ps1")
    room.release("ps1")
    notebooks = sorted(p.name for p in example.glob("*.ipynb"))
    for student, answered in (("right", True), ("blank", False)):
        home = root / "work" / "students" / student
        folder = room.student_fetch("ps1", student, home)
        for name in notebooks if answered else []:
            fill_in(folder / name, {"answers": {"*": "solution"}}, solutions(root / "source" / "ps1" / name))
        room.student_submit("ps1", student, home)
    outcomes = {o.student: o for o in room.autograde("ps1", room.collect("ps1"))}
    automatic = sum(  # the points of its test cells (the rest, written answers, are the teacher's to grade)
        c.metadata["nbgrader"]["points"]
        for name in notebooks
        for c in nbformat.read(example / name, as_version=4).cells
        if c.metadata.get("nbgrader", {}).get("grade") and not c.metadata["nbgrader"].get("solution")
    )
    right, blank = outcomes["right"], outcomes["blank"]
    assert (right.status, right.score) == ("graded", automatic), right.summary()
    assert right.needs_manual  # the written answers wait for the teacher
    assert (blank.status, blank.score) == ("graded", 0), blank.summary()
    assert "answer(s) left blank" in blank.summary()
