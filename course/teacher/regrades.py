"""Regrade requests, the teacher's side (docs/running-a-class.md, "Regrade requests").

Students send requests from their notebook (course.regrade) into the exchange's ``regrades/`` folder, where anyone
may leave a file and no one but the teacher may list (as nbgrader's inbound). ``course regrades`` takes them into
``regrades.json`` in the work folder and lists those waiting, each with the question's points and where the
formgrader shows the answer beside its rubric; ``course regrades --decide N --points P --comment ...`` writes the new
points into the gradebook (the question's cells' manual scores, nbgrader's own override) and keeps who decided,
when, and the points before and after. The decision reaches the student in their feedback (course.grading.feedback),
and only theirs.
"""

import json
import os
import pwd
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pandas as pd

from ..grading.feedback import REGRADES as RECORD

#: Days after the feedback went back during which a request counts as in time (later ones are listed as late);
#: nbgrader_config.py may say otherwise: ``c.RegradeRequests.window_days = 14``.
WINDOW_DAYS = 7


class RegradeRefused(ValueError):
    """A decision that cannot be recorded; the message says why."""


def dropbox(room) -> Path:
    """The exchange's folder of requests: the teacher lists it, students may only leave files in it (0733)."""
    from .extensions import exchange_folder

    folder = exchange_folder(room) / "regrades"
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o733)
    return folder


def read_record(work: Path) -> list:
    path = Path(work) / RECORD
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else []


def _write(work: Path, found: list) -> None:
    path = Path(work) / RECORD
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(found, indent=1), encoding="utf-8")
    os.replace(tmp, path)


def collect(room) -> list:
    """Take every request left in the exchange into the record (each numbered), and return the record. A file that
    is not a request, or whose account is not the student it names, is kept aside with the reason."""
    found = read_record(room.work)
    returned = _returned(room.work)
    days = float(room.config.RegradeRequests.get("window_days", WINDOW_DAYS))
    for path in sorted(dropbox(room).glob("*.json")):
        entry = {"number": len(found) + 1, "file": path.name, "received": _now(), "status": "waiting"}
        try:
            request = json.loads(path.read_text(encoding="utf-8"))
            entry.update({k: str(request[k]) for k in ("student", "assignment", "question", "why", "sent")})
        except (OSError, ValueError, KeyError, TypeError) as exc:
            entry.update(status="unreadable", note=f"not a regrade request: {exc}")
        owner = _owner(path)
        if entry["status"] == "waiting" and owner and owner not in (entry["student"], _owner_of_process()):
            entry.update(status="refused", note=f"sent by the account {owner}, not by {entry['student']}")
        back = returned.get(entry.get("assignment"), {}).get(entry.get("student"))
        if entry["status"] == "waiting":
            if not back:
                entry["note"] = "sent before any feedback was returned to this student"
            elif datetime.fromisoformat(entry["sent"]) > datetime.fromisoformat(back["when"]) + timedelta(days=days):
                entry["note"] = f"sent more than {days:g} days after the feedback went back"
        found.append(entry)
        _write(room.work, found)
        path.unlink()
    return found


def waiting(room, assignment: str | None = None) -> pd.DataFrame:
    """The requests not yet decided, with the question's points now."""
    rows = []
    record = collect(room)
    with room.gradebook() as gb:
        for entry in record:
            if entry["status"] != "waiting" or (assignment and entry.get("assignment") != assignment):
                continue
            points, most = question_points(room, gb, entry["assignment"], entry["student"], entry["question"])
            rows.append({**entry, "points": points, "max_points": most, "formgrader": _formgrader(room, gb, entry)})
    return pd.DataFrame(rows)


def _formgrader(room, gb, entry: dict) -> str:
    """Where the formgrader shows the student's answer with its rubric (after the server's address: on a hub,
    /services/COURSE/; with make lab, the lab's own)."""
    from nbgrader.api import MissingEntry

    for source in sorted((room.root / "source" / entry["assignment"]).glob("*.ipynb")):
        try:
            found = gb.find_submission_notebook(source.stem, entry["assignment"], entry["student"])
        except MissingEntry:
            continue
        return f"formgrader/submissions/{found.id}"
    return ""


def question_points(room, gb, assignment: str, student: str, question: str) -> tuple[float, float]:
    """(points, most) of a student's question, summed over its graded cells."""
    grades = _question_grades(room, gb, assignment, student, question)
    return sum(g.score or 0 for g in grades), sum(g.max_score or 0 for g in grades)


def _question_grades(room, gb, assignment: str, student: str, question: str) -> list:
    import nbformat

    from ..labels import nbgrader_meta, questions_of

    grades = []
    for source in sorted((room.root / "source" / assignment).glob("*.ipynb")):
        ids = [
            nbgrader_meta(c)["grade_id"]
            for c, q in questions_of(nbformat.read(source, as_version=4).cells)
            if (q or nbgrader_meta(c).get("grade_id")) == question
            and (nbgrader_meta(c).get("grade") or nbgrader_meta(c).get("task"))
        ]
        grades += [gb.find_grade(gid, source.stem, assignment, student) for gid in ids]
    if not grades:
        raise RegradeRefused(f"{assignment} has no graded question {question!r} for {student}.")
    return grades


def decide(room, number: int, points: float | None, comment: str) -> dict:
    """Record the decision on request ``number``: ``points`` for the question (None: unchanged) and a comment for
    the student. The points go into the gradebook as the question's cells' manual scores, filled in the order of the
    cells; the record keeps the points before and after, who decided and when."""
    record = collect(room)
    entry = next((e for e in record if e["number"] == number), None)
    if entry is None or entry["status"] not in ("waiting", "decided"):
        raise RegradeRefused(f"There is no request number {number} to decide: `course regrades` lists them.")
    if not comment.strip():
        raise RegradeRefused("Give the student a comment (--comment): it is what they read with their feedback.")
    with room.gradebook() as gb:
        grades = _question_grades(room, gb, entry["assignment"], entry["student"], entry["question"])
        before = sum(g.score or 0 for g in grades)
        most = sum(g.max_score or 0 for g in grades)
        if points is not None:
            if not 0 <= points <= most:
                raise RegradeRefused(f"{entry['question']} is worth 0 to {most:g} points; {points:g} is not.")
            left = points
            for grade in grades:
                grade.manual_score = min(left, grade.max_score or 0)
                left -= grade.manual_score
            gb.db.commit()
        after = sum(g.score or 0 for g in grades)
    entry.update(
        status="decided",
        decision={
            "points_before": before,
            "points_after": after,
            "max_points": most,
            "comment": comment.strip(),
            "by": _owner_of_process(),
            "when": _now(),
        },
    )
    _write(room.work, record)
    return entry


def _returned(work: Path) -> dict:
    from .status import RETURNED

    path = Path(work) / RETURNED
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def _owner(path: Path) -> str:
    try:
        return pwd.getpwuid(path.stat().st_uid).pw_name
    except (KeyError, OSError):
        return ""


def _owner_of_process() -> str:
    try:
        return pwd.getpwuid(os.getuid()).pw_name
    except KeyError:
        return str(os.getuid())


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
