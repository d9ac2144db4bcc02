"""When the grading machine stumbles, no honest student loses points and the class is still graded.

Each fault is made for real and driven through the teacher's command, `course grade`: a second run of the
same assignment started beside the first, a run killed with SIGKILL, a gradebook held by another program,
and a kernel that fails to start. See docs/grading-safety.md, "The grading machine".
"""

import csv
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from course.grading.report import MACHINE_REASON, machine_problem
from course.teacher.classroom import read_journal
from course.teacher.sample import load_recipes, solutions, submit_as
from tests.conftest import released_course
from tests.test_sandbox import descendants

ASSIGNMENT = "summit_outcome"
STUDENTS = ["full_marks", "partial"]
COURSE = str(Path(sys.executable).parent / "course")


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A released course with two submissions; each test grades it afresh."""
    root, room = released_course(tmp_path_factory.mktemp("machine"), ASSIGNMENT, timeout=15)
    answers = solutions(root / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    recipes = load_recipes(ASSIGNMENT, root / "sample_class")
    for student in STUDENTS:
        submit_as(room, ASSIGNMENT, student, recipes[student], answers)
    return root


def course_grade(root: Path, *extra: str, env=None, options=()) -> subprocess.Popen:
    return subprocess.Popen(
        [COURSE, "--work", str(root / "work"), *options, "grade", ASSIGNMENT, "--root", str(root), *extra],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_for(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {seconds} s for {what}")
        time.sleep(0.1)


def status_rows(root: Path) -> dict:
    with open(root / "work" / f"status-{ASSIGNMENT}.csv", encoding="utf-8") as fh:
        return {row["student"]: row for row in csv.DictReader(fh)}


def assert_everyone_graded_as_a_clean_run(root: Path) -> None:
    recipes = load_recipes(ASSIGNMENT, root / "sample_class")
    rows = status_rows(root)
    for student in STUDENTS:
        expect = recipes[student]["expect"]
        assert (rows[student]["status"], float(rows[student]["score"])) == (expect["status"], expect["score"]), rows[
            student
        ]


def family(pid: int) -> set:
    """A process and its descendants (a grading run and its workers)."""
    return {pid} | {child for child, _ in descendants(pid)}


def kernel_folders(pid: int) -> list:
    """The kernels' private folders of a grading run (its own or its workers')."""
    return [f for p in family(pid) for f in Path(tempfile.gettempdir()).glob(f"course-kernel-{p}-*")]


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False


def test_a_second_run_is_refused_at_once_and_a_killed_run_blocks_nothing(course):
    lock = course / "work" / "grading" / f"{ASSIGNMENT}.lock"
    first = course_grade(course)
    try:
        wait_for(lambda: lock.exists() and lock.read_text().strip(), 120, "the first run to hold the assignment")
        holder = json.loads(lock.read_text())
        started = time.monotonic()
        second = course_grade(course)
        out, _ = second.communicate(timeout=60)
        assert second.returncode == 1, out
        assert time.monotonic() - started < 30, "refused at once, not after waiting"
        assert "already being graded" in out and f"process {first.pid}" in out and holder["since"] in out, out
        assert first.poll() is None, "the refused run must not disturb the one that holds the assignment"
        wait_for(lambda: kernel_folders(first.pid), 120, "the first run to start a kernel")
        left = kernel_folders(first.pid)
        templates = [pid for pid, cmd in descendants(first.pid) if b"course.grading.warm" in cmd]
    finally:
        first.send_signal(signal.SIGKILL)  # a teacher's terminal closed mid-class, a kernel running
        first.wait(30)
    # its grading workers die with it (and their kernels with them): nothing goes on grading behind the next run
    wait_for(lambda: not [pid for pid in {int(f.name.split("-")[2]) for f in left} if alive(pid)], 30, "workers gone")
    assert templates, "the workers fork their kernels from warm templates"
    wait_for(lambda: not [pid for pid in templates if alive(pid)], 30, "the warm-kernel templates gone")
    assert all(f.exists() for f in left), "the killed run leaves its kernel's folder"

    third = course_grade(course, "--resume")
    out, _ = third.communicate(timeout=300)
    assert third.returncode == 0, out
    assert_everyone_graded_as_a_clean_run(course)
    # the killed run could not remove its kernel's private folder; the next run did
    assert not any(f.exists() for f in left)


def test_a_gradebook_held_by_another_program_is_waited_for(course):
    """Another reader (a formgrader page, an export, a SQLite browser) holds the gradebook for longer than
    SQLite waits by default (5 s) while the class is being graded."""
    journal = course / "work" / "grading" / f"{ASSIGNMENT}.jsonl"
    journal.unlink(missing_ok=True)
    run = course_grade(course)
    try:
        wait_for(lambda: len(read_journal(journal)) >= 1, 180, "the first student to be graded")
        holder = sqlite3.connect(course / "work" / "gradebook.db", isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        time.sleep(8)
        holder.execute("ROLLBACK")
        holder.close()
        out, _ = run.communicate(timeout=300)
    finally:
        run.kill()
    assert run.returncode == 0, out
    assert_everyone_graded_as_a_clean_run(course)


FLAKY_KERNEL = '''
"""A kernel that fails to start: always for the students in $FLAKY_NEVER, the first time for the others."""
import os, pathlib, sys
student = pathlib.Path.cwd().parent.name
mark = pathlib.Path(os.environ["FLAKY_STATE"]) / student
if student in os.environ.get("FLAKY_NEVER", "").split(",") or not mark.exists():
    mark.touch()
    sys.exit(1)
os.execv(sys.executable, [sys.executable, "-m", "ipykernel_launcher", *sys.argv[1:]])
'''


def test_a_kernel_that_does_not_start_costs_no_student_a_point(course, tmp_path):
    """A kernel that dies before replying to the grader, as on a loaded machine. Without the sandbox: the
    kernel's own start-up is what fails here (the sandbox hides the test's folders from it)."""
    script = tmp_path / "flaky_kernel.py"
    script.write_text(FLAKY_KERNEL)
    spec = tmp_path / "share" / "kernels" / "python3" / "kernel.json"
    spec.parent.mkdir(parents=True)
    spec.write_text(
        json.dumps(
            {
                "argv": [sys.executable, str(script), "-f", "{connection_file}"],
                "display_name": "Python 3 (flaky)",
                "language": "python",
            }
        )
    )
    (tmp_path / "state").mkdir()
    env = dict(
        os.environ, JUPYTER_PATH=str(tmp_path / "share"), FLAKY_STATE=str(tmp_path / "state"), FLAKY_NEVER="full_marks"
    )

    run = course_grade(course, env=env, options=["--no-sandbox"])
    out, _ = run.communicate(timeout=300)
    assert run.returncode == 75, out
    rows = status_rows(course)
    assert rows["full_marks"]["status"] == "not graded" and rows["full_marks"]["score"] == "", rows
    assert rows["full_marks"]["reason"].startswith(MACHINE_REASON), rows
    assert "did not start" in rows["full_marks"]["reason"] or "died" in rows["full_marks"]["reason"], rows
    expect = load_recipes(ASSIGNMENT, course / "sample_class")["partial"]["expect"]
    assert (rows["partial"]["status"], float(rows["partial"]["score"])) == (expect["status"], expect["score"])
    assert "course grade summit_outcome --resume" in " ".join(out.split()), out  # the console wraps lines

    kept = os.stat(course / "work" / "autograded" / "partial" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").st_mtime_ns
    env["FLAKY_NEVER"] = ""  # the machine is well again
    again = course_grade(course, "--resume", env=env, options=["--no-sandbox"])
    out, _ = again.communicate(timeout=300)
    assert again.returncode == 0, out
    assert_everyone_graded_as_a_clean_run(course)
    assert os.stat(course / "work" / "autograded" / "partial" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").st_mtime_ns == kept


@pytest.mark.parametrize(
    "log,problem",
    [
        ("sqlalchemy.exc.OperationalError: (sqlite3.OperationalError) database is locked", "gradebook was busy"),
        (
            "course.grading.report.GradingMachineError: the kernel did not start (RuntimeError: x), 3 times",
            "the kernel did not",
        ),
        ("OSError: [Errno 28] No space left on device", "disk is full"),
        ("AssertionError: `timeline` is not sorted", None),
        ("NbGraderException: duplicate grade id", None),
    ],
)
def test_machine_problems_are_told_from_the_submissions_own(log, problem):
    found = machine_problem(f"[AutogradeApp | ERROR] There was an error\nTraceback ...\n{log}\n")
    assert (found is None) if problem is None else (problem in found), found
