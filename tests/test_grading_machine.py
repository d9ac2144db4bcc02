"""When the grading machine stumbles, no honest student loses points and the class is still graded.

Each fault is made for real and driven through the teacher's command, `course grade`: a second run of the
same assignment started beside the first, a run killed with SIGKILL, a gradebook held by another program,
a kernel that fails to start, a disk that fills up mid-class, and a course directory that holds its own copy of
the `course` package. See docs/grading-safety.md, "The grading machine".
"""

import contextlib
import csv
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from nbgrader.api import MissingEntry

from course.grading.report import MACHINE_REASON, machine_problem
from course.teacher.classroom import Classroom, read_journal
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


def wait_for(condition, seconds: float, what: str, every: float = 0.1) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {seconds} s for {what}")
        time.sleep(every)


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


def own_kernel_folders(pids) -> list:
    """The kernels' private folders of these processes (quicker than kernel_folders: no walk of /proc)."""
    return [f for p in pids for f in Path(tempfile.gettempdir()).glob(f"course-kernel-{p}-*")]


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
        templates = [pid for pid, cmd in descendants(first.pid) if b"course.grading.warm" in cmd]
        pids = family(first.pid)  # the run and its workers, as they were when killed
        # a worker has no kernel between two students: kill the run the moment one of its kernels is running
        wait_for(lambda: own_kernel_folders(pids), 60, "a kernel of the first run, again", every=0.005)
    finally:
        first.send_signal(signal.SIGKILL)  # a teacher's terminal closed mid-class, a kernel running
        first.wait(30)
    # its grading workers die with it (and their kernels with them): nothing goes on grading behind the next run
    wait_for(lambda: not [pid for pid in pids if alive(pid)], 30, "workers gone")
    assert templates, "the workers fork their kernels from warm templates"
    wait_for(lambda: not [pid for pid in templates if alive(pid)], 30, "the warm-kernel templates gone")
    # read after the kill: a kernel that finished its student just before it cleaned up after itself
    left = own_kernel_folders(pids)
    assert left, "the killed run leaves the folders of the kernels it was running"

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
    # the command to run next, as the teacher called this one (the console may wrap the line)
    resume = f"--work {course / 'work'} --no-sandbox grade summit_outcome --resume"
    assert resume in "".join(out.split("\n")) or resume in " ".join(out.split()), out

    kept = os.stat(course / "work" / "autograded" / "partial" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").st_mtime_ns
    env["FLAKY_NEVER"] = ""  # the machine is well again
    again = course_grade(course, "--resume", env=env, options=["--no-sandbox"])
    out, _ = again.communicate(timeout=300)
    assert again.returncode == 0, out
    assert_everyone_graded_as_a_clean_run(course)
    assert os.stat(course / "work" / "autograded" / "partial" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").st_mtime_ns == kept


NO_PANDAS_KERNEL = '''
"""A kernel of a grading environment that lacks a package the notebook needs (pandas)."""
import sys
sys.modules["pandas"] = None  # import pandas raises ModuleNotFoundError
from ipykernel import kernelapp
kernelapp.launch_new_instance()
'''


def test_a_grading_environment_without_a_package_records_no_score(course, tmp_path):
    """The notebook's own set-up cell fails before any of the student's code runs: the machine's fault. Every
    student is "not graded", their earlier grades stay as they were, and `--resume` on a sound machine grades
    them. (Without the sandbox: the kernel is the test's own, chosen by JUPYTER_PATH.)"""
    first = course_grade(course, options=["--no-sandbox"])
    out, _ = first.communicate(timeout=300)
    assert first.returncode == 0, out
    with Classroom(course, course / "work").gradebook() as gb:
        before = {s: gb.find_submission(ASSIGNMENT, s).score for s in STUDENTS}

    script = tmp_path / "no_pandas_kernel.py"
    script.write_text(NO_PANDAS_KERNEL)
    spec = tmp_path / "share" / "kernels" / "python3" / "kernel.json"
    spec.parent.mkdir(parents=True)
    argv = [sys.executable, str(script), "-f", "{connection_file}"]
    spec.write_text(json.dumps({"argv": argv, "display_name": "Python 3 (no pandas)", "language": "python"}))
    broken = course_grade(course, env=dict(os.environ, JUPYTER_PATH=str(tmp_path / "share")), options=["--no-sandbox"])
    out, _ = broken.communicate(timeout=300)
    assert broken.returncode == 75, out
    rows = status_rows(course)
    for student in STUDENTS:
        assert rows[student]["status"] == "not graded" and rows[student]["score"] == "", rows[student]
        assert "set-up failed before the student's code ran" in rows[student]["reason"], rows[student]
        assert "ModuleNotFoundError" in rows[student]["reason"], rows[student]
    with Classroom(course, course / "work").gradebook() as gb:
        assert {s: gb.find_submission(ASSIGNMENT, s).score for s in STUDENTS} == before

    again = course_grade(course, "--resume", options=["--no-sandbox"])
    out, _ = again.communicate(timeout=300)
    assert again.returncode == 0, out
    assert_everyone_graded_as_a_clean_run(course)


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


def test_a_course_directory_with_its_own_course_package_is_graded_with_the_installed_one(course):
    """A section cloned from the module's repository holds its own course/ and an nbgrader_config.py that puts its
    folder first on sys.path; the teacher runs `course grade` there, two students at a time. The workers and
    their kernels must use the package of the environment that runs `course`: the sandbox hides the course
    directory, so its copy could not even be imported by the kernels."""
    from course.paths import PACKAGE, PROJECT

    shutil.copy(PROJECT / "nbgrader_config.py", course / "nbgrader_config.py")
    shutil.copytree(PACKAGE, course / "course", ignore=shutil.ignore_patterns("__pycache__"))
    try:
        run = subprocess.run(
            [COURSE, "--work", str(course / "work"), "grade", ASSIGNMENT, "--jobs", "2"],
            cwd=course,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert run.returncode == 0, run.stdout + run.stderr
        assert_everyone_graded_as_a_clean_run(course)
    finally:
        shutil.rmtree(course / "course")
        (course / "nbgrader_config.py").unlink()


def test_a_disk_that_fills_up_mid_class_stops_the_run_and_costs_no_one_a_point(tmp_path):
    """The work folder's disk (a 32 MB file system of its own) fills up while the class is graded, as when another
    program writes a large file: the run stops at once with one line, records no zero, and after space is freed
    `--resume` gives every student a clean run's total."""
    root = tmp_path / "course"
    (root / "work").mkdir(parents=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=32m", "tmpfs", str(root / "work")])
    if mounted.returncode != 0:
        pytest.skip("needs permission to mount a small file system (root, as `make test` runs in CI)")
    filler = root / "work" / "filler"
    try:
        _, room = released_course(tmp_path, ASSIGNMENT, timeout=15)
        students = ["full_marks", "partial", "raises"]
        answers = solutions(root / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
        recipes = load_recipes(ASSIGNMENT, root / "sample_class")
        for student in students:
            submit_as(room, ASSIGNMENT, student, recipes[student], answers)
        journal = root / "work" / "grading" / f"{ASSIGNMENT}.jsonl"

        run = course_grade(root, "--jobs", "1")
        wait_for(lambda: len(read_journal(journal)) >= 1, 180, "the first student to be graded")
        with open(filler, "wb") as fh:  # everything that is left
            with contextlib.suppress(OSError):
                while True:
                    fh.write(b"\0" * (1 << 20))
                    fh.flush()
        out, _ = run.communicate(timeout=300)
        assert run.returncode == 75, out
        line = " ".join(out.split())
        assert "Grading stopped: the disk is full" in line and "nothing was recorded for the others" in line, out
        assert f"--work {root / 'work'} grade {ASSIGNMENT} --resume" in line, out
        assert "Traceback" not in out, out
        graded = read_journal(journal)
        assert len(graded) < len(students), "the run stopped before the end of the class"
        # each a clean run's result, or "not graded" (no score): never a zero for the machine's fault
        statuses = {s: e["outcome"]["status"] for s, e in graded.items()}
        assert all(st in (recipes[s]["expect"]["status"], "not graded") for s, st in statuses.items()), graded
        assert "not graded" in statuses.values(), graded
        with room.gradebook() as gb:
            for student in students:
                if statuses.get(student) != recipes[student]["expect"]["status"]:
                    with pytest.raises(MissingEntry):  # what they had before: nothing
                        gb.find_submission(ASSIGNMENT, student)

        filler.unlink()  # space is freed
        again = course_grade(root, "--resume")
        out, _ = again.communicate(timeout=300)
        assert again.returncode == 0, out
        rows = status_rows(root)
        with room.gradebook() as gb:
            for student in students:
                expect = recipes[student]["expect"]
                assert (rows[student]["status"], float(rows[student]["score"])) == (expect["status"], expect["score"])
                assert gb.find_submission(ASSIGNMENT, student).score == expect["score"], student
    finally:
        filler.unlink(missing_ok=True)
        subprocess.run(["umount", "--lazy", str(root / "work")])
