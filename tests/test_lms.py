"""LMS downloads and class lists (course/grading/lms.py, course/teacher/roster.py, course/grading/intake.py): each
LMS's own layout is taken in under the course's student ids through the roster, desktop junk is skipped, and an
archive with nothing usable says so. The archives follow each LMS's documented download (docs/running-a-class.md)."""

import zipfile

import pytest

from course.grading.intake import intake_archive
from course.grading.lms import Key, folder_name, match, read_layout
from course.teacher.cli import main
from course.teacher.roster import RosterError, read_roster

ASSIGNMENT = "summit_outcome"
NOTEBOOK = f"{ASSIGNMENT}.ipynb"
EXPECTED = {NOTEBOOK, "quiz_answers.json"}
NB = b'{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'

#: What each LMS's "download all submissions" holds for two students (Carol Jones, Dave Lee) and the junk a Mac adds.
DOWNLOADS = {
    "moodle": {
        f"Carol Jones_123456_assignsubmission_file_/{NOTEBOOK}": NB,
        "Carol Jones_123456_assignsubmission_file_/quiz_answers.json": b"{}",
        f"Dave Lee_123457_assignsubmission_file_/{NOTEBOOK}": NB,
        "__MACOSX/Dave Lee_123457_assignsubmission_file_/._summit_outcome.ipynb": b"junk",
        "Dave Lee_123457_assignsubmission_file_/.DS_Store": b"junk",
    },
    "canvas": {
        f"jonescarol_12345_67890_{NOTEBOOK}": NB,
        "jonescarol_12345_67890_quiz_answers.json": b"{}",
        "leedave_LATE_12346_67891_summit_outcome-1.ipynb": NB,  # late, and resubmitted: Canvas adds "-1"
        "Thumbs.db": b"junk",
    },
    "blackboard": {
        f"Summit Outcome_cjones_attempt_2019-03-01-10-00-00_{NOTEBOOK}": NB,
        "Summit Outcome_cjones_attempt_2019-03-01-10-00-00.txt": b"Name: Carol Jones\nreceipt",
        f"Summit Outcome_dlee_attempt_2019-03-02-09-30-00_{NOTEBOOK}": NB,
        "Summit Outcome_dlee_attempt_2019-03-02-09-30-00.txt": b"receipt",
    },
}
ROSTER = (
    "id,first_name,last_name,email,lms_user_id\n"
    "cjones,Carol,Jones,cj@example.edu,12345\n"
    "dlee,Dave,Lee,dl@example.edu,\n"
)


def zipped(path, files: dict):
    with zipfile.ZipFile(path, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    return path


def roster(tmp_path, text=ROSTER):
    (tmp_path / "roster.csv").write_text(text, encoding="utf-8")
    return read_roster(tmp_path / "roster.csv")


@pytest.mark.parametrize("lms", sorted(DOWNLOADS))
def test_each_lms_download_is_taken_in_under_the_rosters_ids(tmp_path, lms):
    archive = zipped(tmp_path / f"{lms}.zip", DOWNLOADS[lms])
    assert read_layout(list(DOWNLOADS[lms]), ASSIGNMENT) == lms
    results = {
        r.student: r for r in intake_archive(archive, ASSIGNMENT, tmp_path / "submitted", EXPECTED, roster(tmp_path))
    }
    assert sorted(results) == ["cjones", "dlee"], results
    assert all(r.in_roster and not r.refused for r in results.values()), results
    assert sorted(results["cjones"].files) == (sorted(EXPECTED) if lms != "blackboard" else [NOTEBOOK])
    assert results["dlee"].files == [NOTEBOOK]  # Canvas's "-1" taken off; no junk, no receipt
    assert sorted(p.name for p in (tmp_path / "submitted" / "dlee" / ASSIGNMENT).iterdir()) == [
        NOTEBOOK,
        "timestamp.txt",
    ]
    if lms == "blackboard":  # the attempt's time, from the name
        assert results["dlee"].timestamp == "2019-03-02 09:30:00.000000 UTC"


def test_students_not_in_the_roster_get_ids_made_from_the_lms_names(tmp_path):
    archive = zipped(tmp_path / "moodle.zip", DOWNLOADS["moodle"])
    results = {r.student: r for r in intake_archive(archive, ASSIGNMENT, tmp_path / "submitted", EXPECTED, [])}
    assert sorted(results) == ["carol.jones", "dave.lee"]
    assert not any(r.in_roster for r in results.values())
    assert results["carol.jones"].lms == Key("moodle", "123456", "Carol Jones")
    assert folder_name(results["carol.jones"].lms) == "Carol Jones_123456_assignsubmission_file_"  # for its feedback


def test_the_roster_matches_canvas_names_moodle_names_and_blackboard_logins(tmp_path):
    students = roster(tmp_path)
    assert match(Key("canvas", "99999", "leedave"), students) == ("dlee", True)  # by name, lastfirst
    assert match(Key("canvas", "12345", "someone"), students) == ("cjones", True)  # by LMS id
    assert match(Key("moodle", "1", "Dave Lee"), students) == ("dlee", True)
    assert match(Key("blackboard", "cjones"), students) == ("cjones", True)
    assert match(Key("folders", "bad name!"), students) == (None, False)


def test_rosters_as_canvas_and_moodle_export_them_are_read(tmp_path):
    canvas = (
        "Student,ID,SIS User ID,SIS Login ID,Section\n"
        "    Points Possible,,,,\n"
        '"Jones, Carol",12345,A001,cjones,Sec 1\n'
        '"Lee, Dave",12346,A002,dlee,Sec 1\n'
    )
    assert [(s.id, s.first_name, s.last_name, s.lms_user_id) for s in roster(tmp_path, canvas)] == [
        ("cjones", "Carol", "Jones", "12345"),
        ("dlee", "Dave", "Lee", "12346"),
    ]
    moodle = "First name,Last name,Username,Email address\nCarol,Jones,cjones,cj@example.edu\n"
    assert [(s.id, s.email) for s in roster(tmp_path, moodle)] == [("cjones", "cj@example.edu")]


@pytest.mark.parametrize(
    "text, words",
    [
        ("name,mail\nCarol,cj@example.edu\n", "no column of student ids"),
        ("id,first_name\ncj,Carol\ncj,Carla\n", "appears twice"),
        ("id,first_name\nbad id!,Carol\n", "not a plain student id"),
        ("id,first_name\n", "has no students"),
    ],
)
def test_a_roster_that_cannot_be_read_says_why(tmp_path, text, words):
    with pytest.raises(RosterError, match=words):
        roster(tmp_path, text)


def test_an_archive_with_nothing_usable_exits_non_zero_and_says_so(tmp_path, capsys):
    from tests.conftest import copy_course

    root = copy_course(tmp_path / "course")
    archive = zipped(tmp_path / "junk.zip", {"__MACOSX/._x": b"j", ".DS_Store": b"j", "readme.txt": b"hello"})
    code = main(["--work", str(tmp_path / "work"), "intake", ASSIGNMENT, str(archive), "--root", str(root)])
    out = capsys.readouterr().out
    assert code == 1 and "Nothing usable was taken in from junk.zip" in out
    assert "__MACOSX" not in out and ".DS_Store" not in out  # skipped, not even listed


def test_the_roster_command_imports_the_class_into_the_gradebook(tmp_path, capsys):
    from course.teacher.classroom import Classroom
    from tests.conftest import copy_course

    root = copy_course(tmp_path / "course")
    (tmp_path / "roster.csv").write_text(ROSTER, encoding="utf-8")
    work = ["--work", str(tmp_path / "work")]
    assert main([*work, "roster", str(tmp_path / "roster.csv"), "--root", str(root)]) == 0
    assert "2 student(s) added" in capsys.readouterr().out
    with Classroom(root, tmp_path / "work").gradebook() as gb:
        assert {(s.id, s.lms_user_id) for s in gb.students} == {("cjones", "12345"), ("dlee", None)}
    assert main([*work, "roster", str(tmp_path / "nope.csv"), "--root", str(root)]) == 1


def test_a_later_file_without_a_notebook_keeps_the_gradable_submission(tmp_path):
    """A student who uploads a Word file after their notebook: Moodle's next download holds only the Word file,
    which must not take the place of the notebook already taken in (and graded)."""
    from course.grading.intake import read_refusals, write_refusals

    submitted, record = tmp_path / "submitted", tmp_path / "intake.json"
    first = intake_archive(zipped(tmp_path / "first.zip", DOWNLOADS["moodle"]), ASSIGNMENT, submitted, EXPECTED)
    write_refusals(first, record)
    carol = submitted / "carol.jones" / ASSIGNMENT
    before = {p.name: p.read_bytes() for p in carol.iterdir()}
    later = {
        "Carol Jones_123456_assignsubmission_file_/essay.docx": b"word",
        "Eve Ng_123458_assignsubmission_file_/essay.docx": b"word",
    }
    results = {
        r.student: r for r in intake_archive(zipped(tmp_path / "later.zip", later), ASSIGNMENT, submitted, EXPECTED)
    }
    write_refusals(list(results.values()), record)
    assert {p.name: p.read_bytes() for p in carol.iterdir()} == before  # notebook, answers and time untouched
    assert results["carol.jones"].kept_earlier and not results["carol.jones"].replaced
    assert read_refusals(record)["carol.jones"]["submitted"] == first[0].timestamp
    # a student with no earlier submission: taken, and said to hold no notebook
    assert results["eve.ng"].no_notebook and not results["eve.ng"].kept_earlier
    assert (submitted / "eve.ng" / ASSIGNMENT / "essay.docx").is_file()


@pytest.mark.parametrize("student", ["Carol Jones_123456_assignsubmission_file_", "cjones"])
def test_a_notebook_one_folder_down_is_taken_one_folder_up(tmp_path, student):
    """A student's folder zipped whole (Moodle's download, or folders per student): taken as if it were not."""
    files = {
        f"{student}/{ASSIGNMENT}/": b"",
        f"{student}/{ASSIGNMENT}/{NOTEBOOK}": NB,
        f"{student}/{ASSIGNMENT}/quiz_answers.json": b"{}",
        f"{student}/{ASSIGNMENT}/__MACOSX/._x": b"junk",
    }
    [result] = intake_archive(zipped(tmp_path / "nested.zip", files), ASSIGNMENT, tmp_path / "submitted", EXPECTED)
    folder = tmp_path / "submitted" / result.student / ASSIGNMENT
    assert sorted(p.name for p in folder.iterdir()) == sorted([*EXPECTED, "timestamp.txt"])
    assert result.flattened == ASSIGNMENT and sorted(result.files) == sorted(EXPECTED)


def test_the_intake_table_says_what_was_kept_flattened_and_who_is_not_on_the_roster(tmp_path, capsys, monkeypatch):
    from tests.conftest import copy_course

    monkeypatch.setenv("COLUMNS", "400")  # the table's cells on one line each
    root = copy_course(tmp_path / "course")
    (tmp_path / "roster.csv").write_text("Username,First name,Last name\ncjones,Carol,Jones\n", encoding="utf-8")
    run = ["--course", str(root), "--work", str(tmp_path / "work")]
    assert main([*run, "roster", str(tmp_path / "roster.csv")]) == 0
    carol, dave = "Carol Jones_123456_assignsubmission_file_", "Dave Lee_123457_assignsubmission_file_"
    first = {f"{carol}/{ASSIGNMENT}/{NOTEBOOK}": NB, f"{dave}/{NOTEBOOK}": NB}
    assert main([*run, "intake", ASSIGNMENT, str(zipped(tmp_path / "first.zip", first))]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert f"taken out of its folder {ASSIGNMENT}/" in out
    assert "(dave.lee). They are not on the class list imported from roster.csv" in out
    assert main([*run, "intake", ASSIGNMENT, str(zipped(tmp_path / "later.zip", {f"{carol}/essay.docx": b"w"}))]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert f"essay.docx: not taken, no notebook of {ASSIGNMENT} in it; the earlier submission is kept" in out
    assert "Nothing new was taken in from later.zip" in out
    assert (tmp_path / "work" / "submitted" / "cjones" / ASSIGNMENT / NOTEBOOK).is_file()
