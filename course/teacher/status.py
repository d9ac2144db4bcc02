"""Where every student of an assignment stands, in one table: submitted, late, extended, graded, feedback written,
returned (``course status``; docs/running-a-class.md)."""

import json
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

RETURNED = "returned.json"


def note_returned(work: Path, assignment: str, student: str, how: str) -> None:
    """Remember that ``student``'s feedback went back (``how``: the exchange, or a file to upload)."""
    path = Path(work) / RETURNED
    found = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    found.setdefault(assignment, {})[student] = {
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "how": how,
    }
    path.write_text(json.dumps(found, indent=1, sort_keys=True), encoding="utf-8")


def class_status(room, assignment: str) -> pd.DataFrame:
    """One row per student (the class list, and anyone who submitted): when they submitted, their due date (their
    own if extended), how late, their grade (after any late penalty), whether feedback is written and whether it
    went back."""
    from nbgrader.api import MissingEntry

    from .extensions import class_due, read_record

    grants = read_record(room.work).get(assignment, {})
    outcomes = _outcomes(room.work, assignment)
    path = Path(room.work) / RETURNED
    returned = json.loads(path.read_text(encoding="utf-8")).get(assignment, {}) if path.exists() else {}
    rows = []
    with room.gradebook() as gb:
        due = class_due(gb, assignment)
        students = {s.id for s in gb.students} | {p.parent.name for p in room.work.glob(f"submitted/*/{assignment}")}
        for student in sorted(students):
            stamp = _submitted_at(room.work / "submitted" / student / assignment / "timestamp.txt")
            own = datetime.fromisoformat(grants[student]["until"]) if student in grants else None
            mine = own or due
            try:
                submission = gb.find_submission(assignment, student)
            except MissingEntry:
                submission = None
            graded = (room.work / "autograded" / student / assignment).is_dir() and submission is not None
            rows.append(
                {
                    "student": student,
                    "submitted": stamp,
                    "due": mine,
                    "late": (stamp - mine) if stamp is not None and mine is not None and stamp > mine else None,
                    "extended": own,
                    "score": submission.score - (submission.late_submission_penalty or 0) if graded else None,
                    "late_penalty": (submission.late_submission_penalty or 0) if graded else None,
                    "max_score": submission.max_score if graded else None,
                    "written_to_grade": bool(submission.needs_manual_grade) if graded else None,
                    "outcome": outcomes.get(student, ""),
                    "feedback": any((room.work / "feedback" / student / assignment).glob("*.html")),
                    "returned": returned.get(student, {}).get("how"),
                }
            )
    return pd.DataFrame(rows)


def _outcomes(work: Path, assignment: str) -> dict:
    """{student: status} of the last grading run, as `course grade` (status-ASSIGNMENT.csv) or the demo (status.csv)
    wrote it: graded, flagged, error, timed out, failed, not graded."""
    import csv

    for path in (Path(work) / f"status-{assignment}.csv", Path(work) / "status.csv"):
        if path.exists():
            with open(path, newline="", encoding="utf-8") as fh:
                return {r["student"]: r["status"] for r in csv.DictReader(fh) if r.get("assignment") == assignment}
    return {}


def _submitted_at(path: Path) -> datetime | None:
    """The submission's time as nbgrader's collect (or course intake) wrote it, aware."""
    try:
        text = path.read_text(encoding="utf-8").strip()
    except OSError:
        return None
    try:
        when = pd.Timestamp(text).to_pydatetime()
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def in_words(span) -> str:
    """A span as a teacher reads it: "2 days 3 h", "45 min"."""
    seconds = int(span.total_seconds())
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    if days:
        return f"{days} day{'s' if days != 1 else ''}" + (f" {hours} h" if hours else "")
    return f"{hours} h {rest // 60} min" if hours else f"{max(1, rest // 60)} min"
