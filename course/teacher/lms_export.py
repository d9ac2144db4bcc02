"""Grades in the import formats of learning-management systems, from the gradebook and what ``course roster`` kept
of the LMS's own file (``work/roster.json``: course.teacher.roster).

* **Canvas** (Grades > Import): ``Student, ID, SIS User ID, SIS Login ID, Section``, then one column per assignment
  headed as Canvas's own export heads it, "Summit Outcome (1184301)", and a "Points Possible" row. Canvas's importer
  finds each student by ``ID`` (its user number), then ``SIS User ID``, then ``SIS Login ID``, then the name, and
  each assignment by the number in its header, then by its exact title; any other header becomes a new assignment.
  The identifiers and headers come from the Canvas roster; an assignment no Canvas column matches is headed by its
  id and named (Canvas would create it).
* **Moodle** (Grades > Import > CSV file): ``First name, Last name``, the identifiers the roster had (``Username``,
  ``ID number``, ``Email address``; the course's id as ``Username`` when the roster was not Moodle's), then one
  column per assignment (headed as Moodle's grade export heads it when the roster was one). The teacher maps one
  identifier column to the user and each grade column to a grade item; a user Moodle cannot find stops the whole
  import, and an empty cell sets "no grade".

Only assignments with grades in the gradebook get a column (the others were not given out, or are not graded
yet); students not on the imported roster are left out and named, and so are rows with no grade at all. A student
with no grade for one assignment gets an empty cell, not a zero (named: see the docs for what each LMS does with
it). See docs/running-a-class.md, "Grades into the LMS", for what was checked against each LMS's import rules.
"""

import csv
from dataclasses import dataclass, field
from pathlib import Path

from nbgrader.api import MissingEntry

from .roster import IDENTITY, match_columns

FORMATS = ("canvas", "moodle")
#: Canvas's importer needs these first, "Section" last among them (gradebook_importer.rb, "header?").
CANVAS_STUDENT = list(IDENTITY["canvas"])


@dataclass
class Export:
    """What a grades file holds and what it leaves out, for the teacher to read before importing it."""

    path: Path | None
    system: str
    columns: dict = field(default_factory=dict)  # {assignment: its column's header}, in order
    unmatched: list = field(default_factory=list)  # assignments no LMS column matched: headed by their id
    ambiguous: dict = field(default_factory=dict)  # {assignment: [LMS columns that could be it]}
    not_graded: list = field(default_factory=list)  # released or asked for, but nothing graded: no column
    not_on_roster: list = field(default_factory=list)  # students left out: the roster does not list them
    no_grade: list = field(default_factory=list)  # students left out: no grade in any column
    empty: dict = field(default_factory=dict)  # {assignment: [students whose cell is empty]}
    roster_lms: str = ""  # the LMS the roster came from; "" when no roster was imported
    rows: int = 0


def graded(gb, order: list) -> list:
    """The assignments with grades in the gradebook, ``order`` first (the course's teaching order)."""
    names = [a.name for a in gb.assignments if a.num_submissions]
    return [a for a in order if a in names] + sorted(set(names) - set(order))


def grade_table(gb, assignments: list[str]) -> list[dict]:
    """One row per student: the gradebook's student and {assignment: score or None}."""
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


def plan_export(
    gb, system: str, order: list, roster: dict, released=(), wanted=None, given_columns=None
) -> tuple[Export, list]:
    """What a file for ``system`` would hold: (Export without a path, its rows of grade_table)."""
    if system not in FORMATS:
        raise ValueError(f"no grade format for {system!r}: one of {', '.join(FORMATS)}")
    report = Export(None, system, roster_lms=roster.get("lms", ""))
    have = graded(gb, order)
    assignments = [a for a in have if wanted is None or a in wanted]
    report.not_graded = [a for a in (wanted or [a for a in order if a in set(released)]) if a not in have]
    lms_columns = roster.get("columns", []) if roster.get("lms") == system else []
    found, report.ambiguous = match_columns(lms_columns, assignments, given_columns)
    report.columns = {a: found.get(a, a) for a in assignments}
    if system == "canvas":
        report.unmatched = [a for a in assignments if a not in found]
    on_roster = roster.get("students")
    rows = []
    for row in grade_table(gb, assignments):
        sid = row["student"].id
        if on_roster is not None and sid not in on_roster:
            if any(v is not None for v in row["scores"].values()):
                report.not_on_roster.append(sid)
            continue
        if all(v is None for v in row["scores"].values()):
            report.no_grade.append(sid)  # nothing to send; an empty row could only clear what the LMS has
            continue
        for a, v in row["scores"].items():
            if v is None:
                report.empty.setdefault(a, []).append(sid)
        rows.append(row)
    report.rows = len(rows)
    return report, rows


def write_lms_grades(
    gb, system: str, path: Path, order: list, roster: dict | None = None, released=(), wanted=None, given_columns=None
) -> Export:
    """Write the grades for ``system`` ("canvas" or "moodle") to ``path``; what it holds and leaves out.

    ``order``: the course's assignments in teaching order; ``roster``: what ``course roster`` kept (load_roster),
    {} when none; ``released``: the assignments given out through the exchange (one with nothing graded yet is
    named); ``wanted``: only these assignments; ``given_columns``: {assignment: LMS column} from the teacher."""
    roster = roster or {}
    report, rows = plan_export(gb, system, order, roster, released, wanted, given_columns)
    report.path = Path(path)
    if not report.columns:
        return report
    assignments = list(report.columns)
    mine = roster.get("students", {}) if roster.get("lms") == system else {}
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        if system == "canvas":
            maxima = {a: gb.find_assignment(a).max_score for a in assignments}
            out.writerow([*CANVAS_STUDENT, *report.columns.values()])
            out.writerow(["    Points Possible", "", "", "", "", *(f"{maxima[a]:g}" for a in assignments)])
            for row in rows:
                known = _canvas_identity(row["student"], mine.get(row["student"].id))
                out.writerow([*known, *(_score(row["scores"][a]) for a in assignments)])
        else:
            identity = _moodle_columns(mine)
            out.writerow([*identity, *report.columns.values()])
            for row in rows:
                known = _moodle_identity(row["student"], mine.get(row["student"].id), identity)
                out.writerow([*known, *(_score(row["scores"][a]) for a in assignments)])
    return report


def _canvas_identity(student, known: dict | None) -> list:
    """Student, ID, SIS User ID, SIS Login ID, Section: as Canvas's export gave them, else from the gradebook (the
    course's id as the SIS Login ID)."""
    if known:
        return [known.get(c, "") for c in CANVAS_STUDENT]
    name = ", ".join(p for p in (student.last_name, student.first_name) if p) or student.id
    return [name, student.lms_user_id or "", "", student.id, ""]


def _moodle_columns(known: dict) -> list:
    """The identifier columns: those Moodle's file had (names first), else First name, Last name, Username (the
    course's id), Email address."""
    if not known:
        return ["First name", "Last name", "Username", "Email address"]
    present = {c for details in known.values() for c in details}
    return [c for c in IDENTITY["moodle"] if c in present or c in ("First name", "Last name")]


def _moodle_identity(student, known: dict | None, columns: list) -> list:
    fallback = {
        "First name": student.first_name or "",
        "Last name": student.last_name or "",
        "Username": student.id,
        "Email address": student.email or "",
    }
    if known is not None:
        return [known.get(c) or (fallback.get(c, "") if c in ("First name", "Last name") else "") for c in columns]
    return [fallback.get(c, "") for c in columns]
