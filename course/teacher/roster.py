"""The class list: a roster CSV as an LMS exports it, read into nbgrader's gradebook (its students, with their
LMS ids). Matching an LMS download's names and ids to those students is course.grading.lms.match.

Recognised headers (any case): nbgrader's own ``id, first_name, last_name, email, lms_user_id``; Canvas's gradebook
export (``Student`` "Last, First", ``ID`` = Canvas user id, ``SIS Login ID`` = the course id); Moodle's and
Blackboard's participant lists (``Username``, ``First name``, ``Last name``, ``Email address``, ``ID number``).
See docs/running-a-class.md.
"""

import csv
from pathlib import Path

from ..grading.lms import STUDENT_ID, Student

ALIASES = {
    "first_name": ("first_name", "first name", "given name", "firstname"),
    "last_name": ("last_name", "last name", "surname", "family name", "lastname"),
    "email": ("email", "email address", "e-mail", "e-mail address"),
}


class RosterError(ValueError):
    """The roster file cannot be read as a class list; the message says why and what is expected."""


def read_roster(path: Path) -> list[Student]:
    """The students of a roster CSV; RosterError names the row or header that is wrong."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            rows = list(csv.DictReader(fh))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise RosterError(f"{path} could not be read as a CSV file ({exc})") from None
    if not rows:
        raise RosterError(f"{path} has no students (a header row, then one row per student)")
    headers = {h.strip().lower(): h for h in rows[0] if h}

    def column(*names):
        return next((headers[n] for n in names if n in headers), None)

    if "sis login id" in headers:  # Canvas: ID is Canvas's own number for the student
        id_col, lms_col = headers["sis login id"], column("id")
    elif "username" in headers:  # Moodle, Blackboard
        id_col, lms_col = headers["username"], column("id number", "lms_user_id", "lms id")
    else:
        id_col, lms_col = column("id", "student id", "student_id"), column("lms_user_id", "lms id")
    if id_col is None:
        raise RosterError(
            f"{path} has no column of student ids: expected 'id' (nbgrader), 'SIS Login ID' (Canvas) or "
            f"'Username' (Moodle, Blackboard); found {', '.join(rows[0])}"
        )
    names = {field: column(*aliases) for field, aliases in ALIASES.items()}
    combined = column("student", "name", "full name")
    students, seen = [], set()
    for number, row in enumerate(rows, start=2):
        sid = (row.get(id_col) or "").strip()
        label = (row.get(combined) or "") if combined else ""
        if not sid or "points possible" in label.lower():  # Canvas's second row holds the points
            continue
        if not STUDENT_ID.fullmatch(sid):
            raise RosterError(f"{path}, row {number}: {sid!r} is not a plain student id (letters, digits, . _ @ + -)")
        if sid in seen:
            raise RosterError(f"{path}, row {number}: the student id {sid!r} appears twice")
        seen.add(sid)
        first, last = ((row.get(names[f]) or "").strip() if names[f] else "" for f in ("first_name", "last_name"))
        if not (first or last) and label:
            last, _, first = label.partition(",") if "," in label else ("", "", label)
            first, last = first.strip(), last.strip()
        email = (row.get(names["email"]) or "").strip() if names["email"] else ""
        lms = (row.get(lms_col) or "").strip() if lms_col else ""
        students.append(Student(sid, first, last, email, lms))
    return students


def import_roster(gb, students: list[Student]) -> tuple[int, int]:
    """Add or update each student in the gradebook; (added, updated)."""
    known = {s.id for s in gb.students}
    for s in students:
        gb.update_or_create_student(
            s.id, first_name=s.first_name, last_name=s.last_name, email=s.email, lms_user_id=s.lms_user_id or None
        )
    added = sum(s.id not in known for s in students)
    return added, len(students) - added


def roster_of(gb) -> list[Student]:
    """The gradebook's students as a roster."""
    return [
        Student(s.id, s.first_name or "", s.last_name or "", s.email or "", s.lms_user_id or "") for s in gb.students
    ]
