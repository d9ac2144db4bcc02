"""The grading side's bookkeeping for machine faults, on a real gradebook and a tiny assignment, without kernels:
nbgrader's real reason is found in its log, a failure is the student's only when it can be traced to their file,
a student whose grading did not finish gets back exactly what the gradebook held, a new work folder's gradebook is
given the assignment, and the next command to run repeats the teacher's options. The same paths driven through
`course grade` with real faults: tests/test_grading_machine.py and tests/test_resume.py."""

import argparse
import json
import shlex
import shutil

import pytest
from nbgrader.api import MissingEntry

from course.grading import undo
from course.grading.report import DISK_FULL, machine_problem, submission_problem
from course.teacher.classroom import Classroom, _last_error
from course.teacher.cli import course_command
from tests.test_own_assignment import OWN, plain_assignment

#: What nbgrader 0.9.6 logs when a step fails (abridged from real runs): the reason is in the middle.
NO_NOTEBOOKS = """[AutogradeApp | WARNING] Skipping unknown notebook: /w/submitted/ada/squares/squares.ipynb
[AutogradeApp | ERROR] No notebooks found, did you forget to run 'nbgrader generate_assignment'?
[AutogradeApp | ERROR] There was an error processing assignment: /w/submitted/ada/squares
[AutogradeApp | ERROR] Traceback (most recent call last):
      File "nbgrader/converters/autograde.py", line 154, in init_assignment
        raise NbGraderException(msg)
    nbgrader.converters.base.NbGraderException: No notebooks found, did you forget to run 'nbgrader \
generate_assignment'?
[AutogradeApp | ERROR] Please see the the above traceback for details on the specific errors on the above failures.
Traceback (most recent call last):
  File "nbgrader/converters/base.py", line 468, in convert_notebooks
nbgrader.converters.base.NbGraderException: Please see the the above traceback for details on the specific errors."""
SUBMISSIONS = """[GenerateAssignmentApp | ERROR] Cannot modify existing assignment 'squares' because there are \
submissions associated with it
[GenerateAssignmentApp | ERROR] Please see the the above traceback for details on the specific errors."""
EDITED = """[AutogradeApp | ERROR] Traceback (most recent call last):
    nbformat.validator.ValidationError: nbgrader cell does not have a grade_id: pass
[AutogradeApp | ERROR] Please see the the above traceback for details on the specific errors."""


@pytest.mark.parametrize(
    "log,reason",
    [
        (NO_NOTEBOOKS, "No notebooks found, did you forget to run 'nbgrader generate_assignment'?"),
        (SUBMISSIONS, "Cannot modify existing assignment 'squares' because there are submissions associated with it"),
        (EDITED, "ValidationError: nbgrader cell does not have a grade_id: pass"),
    ],
)
def test_the_teacher_is_told_nbgraders_real_reason(log, reason):
    assert _last_error({"success": False, "log": log}) == reason


@pytest.mark.parametrize(
    "log,students,machine",
    [
        (EDITED, True, None),
        ("SchemaTooOldError: Outdated schema version: 0 (expected 3)", True, None),
        (NO_NOTEBOOKS, False, None),  # nbgrader's bookkeeping: not the student's doing
        ("OSError: [Errno 28] No space left on device: '/w/autograded'", False, DISK_FULL),
        ("sqlite3.OperationalError: database or disk is full", False, DISK_FULL),
        ("ModuleNotFoundError: No module named 'pandas'", False, None),
    ],
)
def test_a_failure_is_the_students_only_when_their_file_caused_it(log, students, machine):
    assert submission_problem(log) is students
    assert machine_problem(log) == machine


@pytest.fixture
def room(tmp_path):
    """A course with the tiny plain assignment and a new, empty work folder."""
    root = tmp_path / "course"
    plain_assignment(root)
    (root / "release" / OWN).mkdir(parents=True)  # as a clone has it: the student version is committed
    return Classroom(root, tmp_path / "new-term", sandbox=False)


@pytest.fixture(scope="module")
def known_gradebook(tmp_path_factory):
    """A gradebook that knows the tiny assignment, made once (entering it runs nbgrader's generate_assignment)."""
    base = tmp_path_factory.mktemp("known")
    plain_assignment(base / "course")
    room = Classroom(base / "course", base / "work", sandbox=False)
    room.register(OWN)
    return base / "work" / "gradebook.db"


@pytest.fixture
def registered(room, known_gradebook):
    """``room`` with a gradebook that knows the assignment."""
    shutil.copy(known_gradebook, room.work / "gradebook.db")
    return room


def test_a_new_work_folder_is_given_the_assignment_and_release_is_untouched(room):
    room.register(OWN)
    with room.gradebook() as gb:
        cells = sorted(c.name for c in gb.find_notebook(OWN, OWN).grade_cells)
    assert cells == ["correct_squares", "squares_zero"]
    assert not list((room.root / "release" / OWN).iterdir()), "the scratch copy went elsewhere"


def test_a_gradebook_spoiled_by_grading_before_the_assignment_was_known_is_mended(room):
    """What an earlier version left: the assignment and empty submissions, no notebooks; nbgrader then refuses
    to enter the notebooks ("there are submissions")."""
    with room.gradebook() as gb:
        gb.add_assignment(OWN)
        gb.add_student("ada")
        gb.add_submission(OWN, "ada")
    room.register(OWN)
    with room.gradebook() as gb:
        assert [n.name for n in gb.find_assignment(OWN).notebooks] == [OWN]
        with pytest.raises(MissingEntry):
            gb.find_submission(OWN, "ada")


def _scores(gb, student):
    sub = gb.find_submission(OWN, student)
    nb = sub.notebooks[0]
    return (
        {g.name: (g.auto_score, g.needs_manual_grade) for g in nb.grades},
        {c.name: c.auto_comment for c in nb.comments},
        nb.flagged,
    )


def test_a_student_whose_grading_did_not_finish_gets_back_what_they_had(registered):
    with registered.gradebook() as gb:
        gb.add_student("ada")
        gb.add_submission(OWN, "ada")
        for grade in gb.find_submission(OWN, "ada").notebooks[0].grades:
            grade.auto_score = 2 if grade.name == "correct_squares" else 1
        gb.db.commit()
        before = _scores(gb, "ada")
        undo.remember(gb, registered.work, OWN, "ada")
        undo.remember(gb, registered.work, OWN, "bo")  # never graded before
        # what a grading stopped half-way writes: some cells at zero, a flag, a new submission for bo
        gb.find_submission(OWN, "ada").notebooks[0].grades[0].auto_score = 0
        gb.find_submission(OWN, "ada").notebooks[0].flagged = True
        gb.add_student("bo")
        gb.add_submission(OWN, "bo")
        gb.db.commit()
        assert sorted(undo.put_back_unfinished(gb, registered.work, OWN)) == ["ada", "bo"]
        assert _scores(gb, "ada") == before
        with pytest.raises(MissingEntry):
            gb.find_submission(OWN, "bo")
    assert not list(undo.folder(registered.work, OWN).iterdir())


def test_a_finished_student_is_not_put_back_and_a_cut_off_record_is_dropped(registered):
    with registered.gradebook() as gb:
        undo.remember(gb, registered.work, OWN, "ada")
        gb.add_student("ada")
        gb.add_submission(OWN, "ada")
        undo.finished(registered.work, OWN, "ada")
        (undo.folder(registered.work, OWN) / "bo.json").write_text('{"student": "bo", "assig')  # killed while writing
        assert undo.put_back_unfinished(gb, registered.work, OWN) == []
        assert gb.find_submission(OWN, "ada")
    assert not list(undo.folder(registered.work, OWN).iterdir())


def test_the_reserve_holds_real_blocks_and_is_freed(room):
    reserve = undo.Reserve(room.work, OWN)
    assert reserve.path.stat().st_blocks * 512 >= undo.RESERVE
    reserve.free()
    assert not reserve.path.exists()


@pytest.mark.parametrize(
    "given,words",
    [
        ({}, ["course", "grade", OWN, "--resume"]),
        (
            {"course_given": "/srv/section b", "work_given": "term2", "no_sandbox": True},
            ["course", "--course", "/srv/section b", "--work", "term2", "--no-sandbox", "grade", OWN, "--resume"],
        ),
    ],
)
def test_the_next_command_repeats_the_teachers_own_options(given, words):
    args = argparse.Namespace(**{"course_given": None, "work_given": None, "no_sandbox": False, **given})
    assert shlex.split(course_command(args, "grade", OWN, "--resume")) == words


def test_a_records_file_is_plain_json_naming_the_student(registered):
    with registered.gradebook() as gb:
        path = undo.remember(gb, registered.work, OWN, "ada")
    assert json.loads(path.read_text()) == {"student": "ada", "assignment": OWN, "submitted": False}


def test_no_feedback_is_written_for_a_student_whose_grading_did_not_finish(registered):
    """Their entries in the gradebook are not theirs yet: the next run puts them back, then grades them."""
    with registered.gradebook() as gb:
        gb.add_student("ada")
        undo.remember(gb, registered.work, OWN, "ada")
        gb.add_submission(OWN, "ada")  # what a run stopped half-way leaves
    [result] = registered.feedback(OWN)
    assert result.files is None and "grading did not finish" in result.note and "--resume" in result.note
