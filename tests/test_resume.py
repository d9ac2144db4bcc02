"""A grading run that is interrupted can be resumed: nothing graded is lost or graded twice, no zero or partial
score is left in the gradebook on the way, and the gradebook ends as a full run leaves it. Driven through the
teacher's command line, interrupted with Ctrl+C (SIGINT) as a teacher would, or with SIGTERM as systemd, a job
scheduler or Kubernetes stops a process."""

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from nbgrader.api import MissingEntry

from course.teacher.classroom import Classroom, read_journal
from course.teacher.sample import load_recipes, solutions, submit_as
from tests.conftest import released_course

ASSIGNMENT = "summit_outcome"
STUDENTS = ["blank", "full_marks", "partial", "raises"]


def course_grade(root: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [
            str(Path(sys.executable).parent / "course"),
            "--work",
            str(root / "work"),
            "grade",
            ASSIGNMENT,
            "--root",
            str(root),
            *extra,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def processes_working_in(folder: Path) -> list[str]:
    """Processes whose working folder is inside ``folder`` (a grading kernel works in its student's folder)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and os.readlink(entry / "cwd").startswith(str(folder)):
                found.append(entry.name)
        except OSError:
            continue
    return found


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_an_interrupted_grading_run_resumes_without_regrading_or_losing_anyone(tmp_path, stop):
    root, room = released_course(tmp_path, ASSIGNMENT, timeout=15)
    answers = solutions(root / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    recipes = load_recipes(ASSIGNMENT, root / "sample_class")
    for student in STUDENTS:
        submit_as(room, ASSIGNMENT, student, recipes[student], answers)
    journal = root / "work" / "grading" / f"{ASSIGNMENT}.jsonl"

    first = course_grade(root)
    deadline = time.monotonic() + 180
    while not (journal.exists() and len(read_journal(journal)) >= 1) and time.monotonic() < deadline:
        time.sleep(0.2)
    first.send_signal(stop)  # while the next students are being graded
    out, _ = first.communicate(timeout=120)
    assert first.returncode == 128 + stop, out
    assert "--resume" in out and "Grading stopped" in out
    if stop == signal.SIGTERM:
        assert "by SIGTERM" in out
    # every worker stopped, and its kernel with it: nothing of this run goes on grading in the class's folders
    time.sleep(2)
    assert not processes_working_in(root / "work"), "a kernel of the interrupted run is still running"
    graded_first = list(read_journal(journal))
    assert 1 <= len(graded_first) < len(STUDENTS), graded_first
    with room.gradebook() as gb:
        # those being graded when it stopped have what they had before (nothing), or, if their grading had
        # just finished, their whole grade: never a zero or a part of it
        for student in set(STUDENTS) - set(graded_first):
            try:
                score = gb.find_submission(ASSIGNMENT, student).score
            except MissingEntry:
                continue
            assert score == recipes[student]["expect"]["score"], (student, score)
    assert not list((root / "work" / "grading" / f"{ASSIGNMENT}.unfinished").glob("*.json"))
    stamps = {
        s: os.stat(root / "work" / "autograded" / s / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").st_mtime_ns
        for s in graded_first
    }

    second = course_grade(root, "--resume")
    out, _ = second.communicate(timeout=300)
    assert second.returncode == 0, out
    lines = journal.read_text(encoding="utf-8").splitlines()
    assert sorted(read_journal(journal)) == sorted(STUDENTS) and len(lines) == len(STUDENTS)  # nobody twice
    for student in graded_first:  # kept, not graded again
        path = root / "work" / "autograded" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
        assert os.stat(path).st_mtime_ns == stamps[student], student
    rows = {r["student"]: r for r in csv.DictReader(open(root / "work" / f"status-{ASSIGNMENT}.csv", encoding="utf-8"))}
    with Classroom(root, root / "work").gradebook() as gb:
        for student in STUDENTS:
            expected = recipes[student]["expect"]
            assert (rows[student]["status"], float(rows[student]["score"])) == (expected["status"], expected["score"])
            assert gb.find_submission(ASSIGNMENT, student).score == expected["score"], student
