"""Grades in the import formats of learning-management systems, from the gradebook (course.teacher.roster keeps
each student's names, email and LMS id there).

* **Canvas** (Grades > Import): ``Student, ID, SIS User ID, SIS Login ID, Section``, then one column per assignment
  and a "Points Possible" row; Canvas matches a row by its ``ID`` (Canvas's user id, the roster's ``lms_user_id``)
  or its ``SIS Login ID`` (the course's student id), and a column with a new name becomes a new assignment.
* **Moodle** (Grades > Import > CSV file): ``First name, Last name, Username, Email address``, then one column per
  assignment; on import the teacher maps ``Username`` (or the email) to the user and each assignment column to a
  grade item.
* **nbgrader**'s own CSV (one row per student and assignment) stays what `course grade` writes.

A student with no submission gets an empty cell, not a zero: the LMS keeps whatever it has (late work, an
exemption). See docs/running-a-class.md, "Grades into the LMS".
"""

import csv
from pathlib import Path

from nbgrader.api import MissingEntry

FORMATS = ("canvas", "moodle")


def grade_table(gb, assignments: list[str]) -> list[dict]:
    """One row per student: names, email, ids and {assignment: score or None}."""
    rows = []
    for student in sorted(gb.students, key=lambda s: s.id):
        scores = {}
        for assignment in assignments:
            try:
                sub = gb.find_submission(assignment, student.id)
            except MissingEntry:
                scores[assignment] = None
                continue
            scores[assignment] = max(0.0, sub.score - (sub.late_submission_penalty or 0.0))  # as nbgrader's CSV
        rows.append({"student": student, "scores": scores})
    return rows


def _score(value) -> str:
    return "" if value is None else f"{value:g}"


def write_lms_grades(gb, assignments: list[str], system: str, path: Path) -> Path:
    """Write the grades of ``assignments`` for ``system`` ("canvas" or "moodle") to ``path``."""
    if system not in FORMATS:
        raise ValueError(f"no grade format for {system!r}: one of {', '.join(FORMATS)}")
    rows = grade_table(gb, assignments)
    maxima = {a: gb.find_assignment(a).max_score for a in assignments}
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        if system == "canvas":
            out.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", *assignments])
            out.writerow(["    Points Possible", "", "", "", "", *(f"{maxima[a]:g}" for a in assignments)])
            for row in rows:
                s = row["student"]
                name = ", ".join(p for p in (s.last_name, s.first_name) if p) or s.id
                scores = [_score(row["scores"][a]) for a in assignments]
                out.writerow([name, s.lms_user_id or "", "", s.id, "", *scores])
        else:
            out.writerow(["First name", "Last name", "Username", "Email address", *assignments])
            for row in rows:
                s = row["student"]
                scores = [_score(row["scores"][a]) for a in assignments]
                out.writerow([s.first_name or "", s.last_name or "", s.id, s.email or "", *scores])
    return Path(path)
