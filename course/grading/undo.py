"""A student's grades as they were before a run touched them, put back when the run does not finish them.

nbgrader's autograde writes a student's gradebook entries step by step: it creates the submission (every cell
then scores zero), then saves each cell's grade with a commit of its own, then the late penalty. A run that is
stopped in between (Ctrl+C, SIGTERM, a killed worker, a full disk, a gradebook that fails) would leave a zero or
a partial score that looks like a grade. So before nbgrader touches a student, what the gradebook holds for them
is written to ``work/grading/<assignment>.unfinished/<student>.json``; the file is removed once the student's
result is known. A student whose grading did not finish (the machine failed, or the run was stopped) gets back
exactly what they had: nothing, if they had no submission, or their earlier automatic grades, flags and comments.
The teacher's manual grades are never written here: autograde does not change them. Files left by a run that was
killed outright are put back by the next run before it grades anyone. See docs/grading-safety.md, "The grading
machine".
"""

import json
import os
from pathlib import Path

from nbgrader.api import MissingEntry

#: Bytes a grading run keeps on the work folder's disk while it runs, and frees when the disk fills up, so that
#: the students being graded can still be put back (the gradebook needs room for its journal to change anything).
RESERVE = 4 << 20


class Reserve:
    """Room kept on the disk for putting students back: a file of :data:`RESERVE` bytes, freed by :meth:`free`.
    OSError (a disk already full) if it cannot be made: then no one should be graded."""

    def __init__(self, work: Path, assignment: str):
        self.path = Path(work) / "grading" / f"{assignment}.reserve"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.posix_fallocate(fd, 0, RESERVE)  # blocks of its own, not a sparse file
        except OSError:
            os.close(fd)
            self.free()
            raise
        os.close(fd)

    def free(self) -> None:
        self.path.unlink(missing_ok=True)


def folder(work: Path, assignment: str) -> Path:
    return Path(work) / "grading" / f"{assignment}.unfinished"


def _state(gb, assignment: str, student: str) -> dict:
    """What autograde may change of the student's submission: per notebook its flag and late penalty, per cell
    the automatic score and whether it needs manual grading, per comment the automatic comment."""
    try:
        submission = gb.find_submission(assignment, student)
    except MissingEntry:
        return {"submitted": False}
    notebooks = {}
    for notebook in submission.notebooks:
        notebooks[notebook.name] = {
            "flagged": notebook.flagged,
            "late_submission_penalty": notebook.late_submission_penalty,
            "grades": {g.name: [g.auto_score, g.needs_manual_grade] for g in notebook.grades},
            "comments": {c.name: c.auto_comment for c in notebook.comments},
        }
    return {
        "submitted": True,
        "timestamp": submission.timestamp.isoformat() if submission.timestamp else None,
        "notebooks": notebooks,
    }


def remember(gb, work: Path, assignment: str, student: str) -> Path:
    """Write down the student's state before grading them; the file is on disk when this returns (OSError if it
    cannot be written: then the student must not be graded)."""
    path = folder(work, assignment) / f"{student}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    state = {"student": student, "assignment": assignment, **_state(gb, assignment, student)}
    partial = path.with_suffix(".part")
    with open(partial, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(state))
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(partial, path)
    return path


def finished(work: Path, assignment: str, student: str) -> None:
    """The student's result is known: their state is no longer needed."""
    (folder(work, assignment) / f"{student}.json").unlink(missing_ok=True)


def put_back(gb, state: dict) -> None:
    """Give the gradebook back the student's state from before grading."""
    from datetime import datetime

    assignment, student = state["assignment"], state["student"]
    try:
        submission = gb.find_submission(assignment, student)
    except MissingEntry:
        submission = None
    if not state.get("submitted"):
        if submission is not None:
            gb.remove_submission(assignment, student)
        return
    if submission is None:  # removed since by hand: nothing of ours to put back
        return
    submission.timestamp = datetime.fromisoformat(state["timestamp"]) if state.get("timestamp") else None
    for notebook in submission.notebooks:
        before = state["notebooks"].get(notebook.name)
        if before is None:
            continue
        notebook.flagged = before["flagged"]
        notebook.late_submission_penalty = before["late_submission_penalty"]
        for grade in notebook.grades:
            if grade.name in before["grades"]:
                grade.auto_score, grade.needs_manual_grade = before["grades"][grade.name]
        for comment in notebook.comments:
            if comment.name in before["comments"]:
                comment.auto_comment = before["comments"][comment.name]
    gb.db.commit()


def put_back_unfinished(gb, work: Path, assignment: str, students=None) -> list[str]:
    """Put back every student (or those of ``students``) whose grading did not finish; the students put back.
    A state that cannot be read (cut off while written) was written before nbgrader touched anything: dropped."""
    done = []
    for path in sorted(folder(work, assignment).glob("*.json")):
        if students is not None and path.stem not in students:
            continue
        try:
            state = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            path.unlink(missing_ok=True)
            continue
        put_back(gb, state)
        path.unlink(missing_ok=True)
        done.append(state["student"])
    for partial in folder(work, assignment).glob("*.part"):
        partial.unlink(missing_ok=True)
    return done
