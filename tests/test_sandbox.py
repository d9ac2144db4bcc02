"""Grading a teacher can trust: hostile submissions, graded through the real pipeline (Classroom, nbgrader,
kernels in the bubblewrap sandbox), get no undeserved points and a clear status, change nothing outside their
own folder, and do not stop the rest of the class from being graded.

Each file in tests/hostile/ is one student: the full-marks solution of summit_outcome with a few hostile lines
at the top of the first answer cell, what those lines try, and the status, reason and score grading must give.
All of them are graded in the corpus tests' shared class, with an honest student (tests/corpus.py).
"""

import hashlib
import json
import os
import socket
import string
import sys
import tempfile
from pathlib import Path

import pytest

from course.grading.report import STATUSES
from course.grading.sandbox import DEFAULT_LIMITS, SANDBOX_ENV, bwrap_command, check_sandbox
from course.teacher.classroom import Classroom, StepFailed
from course.teacher.sample import fill_in, load_recipes, record_quiz, solutions
from tests.conftest import copy_course
from tests.corpus import ASSIGNMENT, HONEST, NOTEBOOK
from tests.corpus import LIMITS as TEST_LIMITS

FIRST_ANSWER = "timeline_answer"
HOSTILE = Path(__file__).parent / "hostile"
CASES = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(HOSTILE.glob("*.json"))}


def listed(value) -> list:
    """An expectation that may allow several values (a list) or one."""
    return value if isinstance(value, list) else [value]


def digest(folder: Path) -> dict:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def submit_cases(corpus) -> None:
    """Each case: the hostile lines at the top of the full-marks first answer (tests/corpus.py). The network
    case tries this listener on the grader's loopback."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.setblocking(False)
    places = {
        "source_notebook": corpus.source,
        "other_submission": corpus.submitted(HONEST) / NOTEBOOK,
        "gradebook": corpus.work / "gradebook.db",
        "port": listener.getsockname()[1],
    }
    corpus.extra["sandbox"] = {"listener": listener, "places": places}
    for student, case in CASES.items():
        hostile = string.Template("\n".join(case["code"])).substitute(places)
        first = hostile + "\n" + corpus.answers[FIRST_ANSWER]
        corpus.submit(student, dict(corpus.answers, **{FIRST_ANSWER: first}))


def after_collect(corpus) -> None:
    """What no submission may change, taken just before grading."""
    corpus.extra["sandbox"]["before"] = {
        "source": digest(corpus.root / "source"),
        "submitted": digest(corpus.work / "submitted"),
        "private": private_folders(),
    }


@pytest.fixture(scope="module")
def graded(corpus):
    mine = corpus.extra["sandbox"]
    listener = mine["listener"]
    try:
        connection = listener.accept()
    except BlockingIOError:
        connection = None
    listener.close()
    return {
        "root": corpus.root,
        "room": corpus.room,
        "outcomes": corpus.outcomes,
        "before": mine["before"],
        "connection": connection,
        "seconds": corpus.seconds,
        "full": corpus.full,
        "workers": corpus.room.workers,
    }


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_hostile_submission_gets_its_status_and_no_undeserved_points(graded, case):
    expect, outcome = CASES[case]["expect"], graded["outcomes"][case]
    statuses, reasons = listed(expect["status"]), listed(expect["reason"])
    assert outcome.status in STATUSES
    assert outcome.status in statuses and outcome.score == expect["score"], outcome.summary()
    assert any(reason in outcome.summary() for reason in reasons), outcome.summary()
    if outcome.status != "graded":
        assert FIRST_ANSWER in outcome.reason  # the teacher is told which cell did it


def test_the_honest_student_graded_in_the_same_run_gets_full_marks(graded):
    honest = graded["outcomes"][HONEST]
    assert (honest.status, honest.score) == ("graded", graded["full"])
    assert all(o.score <= graded["full"] for o in graded["outcomes"].values())


def test_nothing_outside_a_students_own_folder_changed(graded):
    root = graded["root"]
    assert digest(root / "source") == graded["before"]["source"]
    assert digest(root / "work" / "submitted") == graded["before"]["submitted"]
    assert graded["connection"] is None  # the sandbox has no network, not even the grader's loopback
    with graded["room"].gradebook() as gb:  # still a database, with every student in it
        assert {s.id for s in gb.students} >= set(CASES) | {HONEST}


def test_no_link_to_hidden_files_is_left_for_feedback_to_copy(graded):
    folder = graded["root"] / "work" / "autograded" / "symlink_leak" / ASSIGNMENT
    assert folder.is_dir() and not any(p.is_symlink() for p in folder.rglob("*"))


def test_huge_outputs_and_files_are_cut(graded):
    autograded = graded["root"] / "work" / "autograded"
    assert (autograded / "huge_output" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").stat().st_size < 5_000_000
    huge = autograded / "huge_file" / ASSIGNMENT / "huge.bin"
    assert not huge.exists() or huge.stat().st_size <= TEST_LIMITS["file_size_limit"]


def private_folders(pids=()) -> set:
    """The kernels' private folders this process's grading made, or its grading workers' (``pids``): other grading
    may run beside it."""
    mine = tuple(f"course-kernel-{pid}-" for pid in (os.getpid(), *pids))
    return {p for p in os.listdir(tempfile.gettempdir()) if p.startswith(mine)}


def descendants(pid: int) -> list:
    """Processes started, directly or not, by ``pid`` (this test run's own), as (pid, command line)."""
    children = {}
    for entry in Path("/proc").iterdir():
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry.name))
        except (ValueError, OSError, IndexError):
            continue
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            try:
                found.append((child, (Path("/proc") / str(child) / "cmdline").read_bytes().replace(b"\0", b" ")))
            except OSError:
                continue
            todo.append(child)
    return found


def test_no_sandboxed_process_or_private_folder_outlives_grading(graded):
    """Only what this run started is looked at: other grading may run on the same machine."""
    assert [cmd for _, cmd in descendants(os.getpid()) if b"course-kernel-" in cmd] == []
    assert graded["workers"], "the corpus is graded by parallel workers"
    assert private_folders(graded["workers"]) - graded["before"]["private"] == set()


def test_the_whole_corpus_grades_without_a_hung_kernel(graded):
    """A hang guard, not a benchmark (bench/ measures speed): about 3 s a student on 2 busy cores."""
    per_student = graded["seconds"] / len(graded["outcomes"])
    assert per_student < 15, f"{graded['seconds']:.0f} s for {len(graded['outcomes'])} students"


def test_a_missing_bubblewrap_stops_grading_with_a_clear_message(tmp_path, monkeypatch):
    root = copy_course(tmp_path / "course")
    monkeypatch.setenv("PATH", str(Path(sys.executable).parent))  # no /usr/bin: no bwrap
    check_sandbox.cache_clear()
    try:
        with pytest.raises(StepFailed) as failed:
            Classroom(root, root / "work").autograde(ASSIGNMENT, ["anyone"])
    finally:
        check_sandbox.cache_clear()
    message = str(failed.value)
    assert "bubblewrap" in message and f"{SANDBOX_ENV}=off" in message and "--no-sandbox" in message


def test_a_bubblewrap_that_cannot_create_namespaces_stops_grading(tmp_path, monkeypatch):
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "bwrap").write_text("#!/bin/sh\necho 'bwrap: No permissions to create new namespace' >&2\nexit 1\n")
    (fake / "bwrap").chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake}{os.pathsep}{os.environ['PATH']}")
    check_sandbox.cache_clear()
    try:
        with pytest.raises(StepFailed, match="No permissions to create new namespace"):
            Classroom(tmp_path / "course", tmp_path / "work").check_sandbox()
    finally:
        check_sandbox.cache_clear()


def test_the_teacher_can_opt_out_explicitly(tmp_path, monkeypatch):
    """COURSE_SANDBOX=off grades without bubblewrap (here: with no bwrap on PATH at all)."""
    root = copy_course(tmp_path / "course")
    monkeypatch.setenv(SANDBOX_ENV, "off")
    room = Classroom(root, root / "work")
    assert room.sandbox is False
    room.generate(ASSIGNMENT)
    room.release(ASSIGNMENT)
    recipe = load_recipes(ASSIGNMENT, root / "sample_class")["full_marks"]
    folder = room.student_fetch(ASSIGNMENT, HONEST, tmp_path / "home")
    fill_in(folder / NOTEBOOK, {"answers": {"*": "solution"}}, solutions(root / "source" / ASSIGNMENT / NOTEBOOK))
    record_quiz(folder, ASSIGNMENT, recipe["quiz"])
    room.student_submit(ASSIGNMENT, HONEST, tmp_path / "home")
    monkeypatch.setenv("PATH", str(Path(sys.executable).parent))
    [outcome] = room.autograde(ASSIGNMENT, room.collect(ASSIGNMENT))
    assert (outcome.status, outcome.score) == ("graded", recipe["expect"]["score"])


def test_the_sandbox_hides_the_course_and_work_folders_and_writes_only_the_students(tmp_path):
    root, work = tmp_path / "course", tmp_path / "course" / "work"
    folder = work / "autograded" / "ada" / ASSIGNMENT
    folder.mkdir(parents=True)
    (folder / f"{ASSIGNMENT}.ipynb").write_text("{}")
    cmd = bwrap_command(["python"], folder, tmp_path / "private", [root, work], DEFAULT_LIMITS)
    pairs = list(zip(cmd, cmd[1:]))
    assert ("--ro-bind", "/") in pairs and ("--unshare-net", "--unshare-uts") in pairs
    assert ("--bind", str(folder)) in pairs and ("--chdir", str(folder)) in pairs
    assert (str(tmp_path / "private" / "empty"), str(folder / f"{ASSIGNMENT}.ipynb")) in pairs  # hidden tests
    writable = [b for a, b in pairs if a == "--bind"]
    assert writable == [str(folder), str(tmp_path / "private")]
    assert "--die-with-parent" in cmd and "--new-session" in cmd and any(a.startswith("--as=") for a in cmd)
