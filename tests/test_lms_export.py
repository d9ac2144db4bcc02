"""Grades back into the LMS (course/teacher/lms_export.py) and the class list they rely on (course/teacher/roster.py),
through `course roster` and `course export` on nbgrader's real gradebook (SQLite), without kernels: an export works
at any point of the term with a column only for the assignments that have grades; Canvas gets its own column
headers and each student's ID, SIS User ID, SIS Login ID and Section back; Moodle its own identifiers; a roster row
that cannot be taken is named with the reason, and a roster that gives no student is an error; students not on
the roster are named and left out. The formats follow what Canvas's and Moodle's importers read
(docs/running-a-class.md, "Grades into the LMS")."""

import csv
import json
import shutil

import pytest

from course.teacher.classroom import Classroom
from course.teacher.cli import main
from course.teacher.roster import not_on_roster, not_on_roster_note
from tests.conftest import copy_course

#: Canvas's gradebook export (Grades > Export) as Canvas writes it: the Points Possible row, the row marking
#: manually posted assignments, a total column, a custom column and Canvas's Test Student.
CANVAS = (
    "Student,ID,SIS User ID,SIS Login ID,Section,Notes,Summit Outcome (1184301),Sanctions Relief (1184302),"
    "Current Score,Final Score\n"
    "    Points Possible,,,,,,24,30,(read only),(read only)\n"
    ",,,,,,Manual Posting,,,\n"
    '"Jones, Carol",12345,A001,cjones,Section 1,,,,,\n'
    '"Lee, Dave",12346,A002,dlee,Section 2,,,,,\n'
    '"Student, Test",99999,,b3f1c0de,Section 1,,,,,\n'
)
#: Moodle's participants with their usernames, and a grade column as Moodle's grade export heads it.
MOODLE = (
    "First name,Last name,Username,ID number,Email address,Assignment: Summit Outcome (Real)\n"
    "Carol,Jones,cjones,S-1,cj@example.edu,\n"
    "Dave,Lee,dlee,S-2,dl@example.edu,\n"
)
NBGRADER = "id,first_name,last_name,email,lms_user_id\ncjones,Carol,Jones,cj@example.edu,12345\n"


@pytest.fixture(scope="module")
def blank(tmp_path_factory):
    """A course and a work folder whose gradebook exists (nbgrader's migrations take seconds: done once)."""
    base = tmp_path_factory.mktemp("blank")
    root = copy_course(base / "course")
    with Classroom(root, base / "work").gradebook():
        pass
    return root, base / "work"


@pytest.fixture
def course(blank, tmp_path):
    """(run `course ...`, the work folder, a Classroom): the course shared, the work folder this test's own."""
    root, work = blank
    shutil.copytree(work, tmp_path / "work")

    def run(*words):
        return main(["--course", str(root), "--work", str(tmp_path / "work"), *words])

    return run, tmp_path / "work", Classroom(root, tmp_path / "work")


def grade(room, assignment: str, scores: dict, maximum: float) -> None:
    """Record scores in the gradebook as autograde does: an assignment with a notebook and a graded cell, and each
    student's submission with its grade."""
    with room.gradebook() as gb:
        gb.update_or_create_assignment(assignment)
        if not gb.find_assignment(assignment).notebooks:
            gb.add_notebook(assignment, assignment)
            gb.add_grade_cell("answer", assignment, assignment, max_score=maximum, cell_type="code")
        for student, score in scores.items():
            gb.update_or_create_student(student)
            gb.add_submission(assignment, student)
            gb.find_grade("answer", assignment, assignment, student).auto_score = score
        gb.db.commit()


def roster(run, tmp_path, text: str, *options) -> int:
    (tmp_path / "roster.csv").write_text(text, encoding="utf-8")
    return run("roster", str(tmp_path / "roster.csv"), *options)


def said(capsys) -> str:
    """What the command printed, its lines as wrapped to the terminal joined again."""
    return " ".join(capsys.readouterr().out.split())


def rows(path) -> list:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


@pytest.mark.parametrize("lms", ["canvas", "moodle"])
def test_an_export_with_only_the_first_assignment_graded_has_just_its_column(course, capsys, lms):
    run, work, room = course
    grade(room, "summit_outcome", {"cjones": 15, "dlee": 0}, 24)
    assert run("export", "--lms", lms) == 0
    table = rows(work / f"grades-{lms}.csv")
    assert table[0][-1] == "summit_outcome" and "sanctions_relief" not in table[0], table[0]
    scores = {r[3] if lms == "canvas" else r[2]: r[-1] for r in table[1:] if "Points Possible" not in r[0]}
    assert scores == {"cjones": "15", "dlee": "0"}  # a zero earned is a zero


def test_an_export_before_anything_is_graded_says_so(course, capsys):
    run, work, room = course
    with room.gradebook() as gb:  # generated into the gradebook, given out to nobody
        for assignment in ("summit_outcome", "sanctions_relief", "middle_powers"):
            gb.update_or_create_assignment(assignment)
    room.release("sanctions_relief")
    assert run("export", "--lms", "canvas") == 1
    out = said(capsys)
    assert "Nothing written: no assignment has grades" in out and "sanctions_relief given out" in out
    assert not (work / "grades-canvas.csv").exists()


def test_canvas_grades_go_back_under_canvass_columns_and_ids(course, capsys, tmp_path):
    run, work, room = course
    assert roster(run, tmp_path, CANVAS) == 0
    out = said(capsys)
    assert "2 student(s) added" in out and "row 6: 'Student, Test' is Canvas's Test Student" in out
    assert "summit_outcome: graded into the column 'Summit Outcome (1184301)'" in out
    kept = json.loads((work / "roster.json").read_text())
    assert kept["lms"] == "canvas" and kept["students"]["dlee"]["Section"] == "Section 2"
    grade(room, "summit_outcome", {"cjones": 15, "dlee": 20.5}, 24)
    room.release("sanctions_relief")  # given out, not graded yet: no column
    assert run("export", "--lms", "canvas") == 0
    out = said(capsys)
    assert rows(work / "grades-canvas.csv") == [
        ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Summit Outcome (1184301)"],
        ["    Points Possible", "", "", "", "", "24"],
        ["Jones, Carol", "12345", "A001", "cjones", "Section 1", "15"],
        ["Lee, Dave", "12346", "A002", "dlee", "Section 2", "20.5"],
    ]
    assert "Left out, nothing graded yet: sanctions_relief" in out


def test_an_assignment_with_no_canvas_column_is_named_not_silently_created(course, capsys, tmp_path):
    run, work, room = course
    roster(run, tmp_path, CANVAS)
    assert "No column of roster.csv for middle_powers" in said(capsys)
    grade(room, "middle_powers", {"cjones": 20}, 29)
    assert run("export", "--lms", "canvas") == 0
    out = said(capsys)
    assert rows(work / "grades-canvas.csv")[0][-1] == "middle_powers"
    assert "No column of the Canvas gradebook export imported with `course roster` matches middle_powers" in out
    assert run("export", "--lms", "canvas", "--column", "middle_powers=Middle Powers (1184303)") == 0
    assert rows(work / "grades-canvas.csv")[0][-1] == "Middle Powers (1184303)"
    assert "No column" not in said(capsys)


def test_an_empty_sis_login_id_column_is_an_error_naming_the_rows(course, capsys, tmp_path):
    run, work, room = course
    no_logins = CANVAS.replace(",cjones,", ",,").replace(",dlee,", ",,")
    assert roster(run, tmp_path, no_logins) == 1
    out = said(capsys)
    assert "gave no students: the 'SIS Login ID' column is empty in every row (4, 5)" in out
    assert "--id-column ID" in out
    with room.gradebook() as gb:
        assert not gb.students
    assert not (work / "roster.json").exists()
    # one login missing: that row is named, the others are taken
    assert roster(run, tmp_path, CANVAS.replace(",dlee,", ",,")) == 0
    assert "row 5: the 'SIS Login ID' cell is empty (Lee, Dave)" in said(capsys)
    # Canvas's own user number as the student id: Canvas finds them by it
    assert roster(run, tmp_path, no_logins, "--id-column", "ID") == 0
    grade(room, "summit_outcome", {"12346": 20}, 24)
    assert run("export", "--lms", "canvas") == 0
    assert rows(work / "grades-canvas.csv")[2] == ["Lee, Dave", "12346", "A002", "", "Section 2", "20"]


@pytest.mark.parametrize("lms", ["canvas", "moodle"])
def test_students_not_on_the_roster_are_named_and_left_out(course, capsys, tmp_path, lms):
    run, work, room = course
    assert not_on_roster(work, ["stranger"]) == []  # no roster imported: nothing to compare with
    roster(run, tmp_path, NBGRADER)
    grade(room, "summit_outcome", {"cjones": 15, "stranger": 10}, 24)
    assert not_on_roster(work, ["cjones", "stranger"]) == ["stranger"]
    assert "stranger" in not_on_roster_note(work, ["cjones", "stranger"]) and not not_on_roster_note(work, ["cjones"])
    capsys.readouterr()
    assert run("export", "--lms", lms) == 0
    out = said(capsys)
    assert "Left out, not on the class list imported from roster.csv: stranger" in out
    assert not [r for r in rows(work / f"grades-{lms}.csv") if "stranger" in r]
    assert run("export") == 0  # nbgrader's own CSV keeps them, and names them
    assert "not on the class list imported from roster.csv: stranger" in said(capsys)


def test_moodle_grades_use_moodles_identifiers_and_its_grade_column(course, capsys, tmp_path):
    run, work, room = course
    assert roster(run, tmp_path, MOODLE) == 0
    grade(room, "summit_outcome", {"cjones": 15, "dlee": 12}, 24)
    grade(room, "sanctions_relief", {"cjones": 26}, 30)
    assert run("export", "--lms", "moodle") == 0
    out = said(capsys)
    assert rows(work / "grades-moodle.csv") == [
        ["First name", "Last name", "Username", "ID number", "Email address"]
        + ["Assignment: Summit Outcome (Real)", "sanctions_relief"],
        ["Carol", "Jones", "cjones", "S-1", "cj@example.edu", "15", "26"],
        ["Dave", "Lee", "dlee", "S-2", "dl@example.edu", "12", ""],
    ]
    assert "Empty cell for sanctions_relief (no submission; not a zero): dlee" in out
    assert "Moodle's import sets an empty cell to no grade" in out and "--assignment sanctions_relief" in out
    # one assignment at a time: only the students graded in it
    assert run("export", "--lms", "moodle", "--assignment", "sanctions_relief") == 0
    assert [r[2] for r in rows(work / "grades-moodle.csv")[1:]] == ["cjones"]
