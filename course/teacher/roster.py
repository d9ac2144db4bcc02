"""The class list: a roster CSV as an LMS exports it, read into nbgrader's gradebook (its students, with their
LMS ids) and into ``work/roster.json``, which keeps what else the LMS file carried for the grades going back:
which LMS, its grade columns ("Summit Outcome (1184301)" in Canvas), and each student's identifiers (Canvas's ID,
SIS User ID, SIS Login ID and Section; Moodle's Username, ID number and Email address). Matching an LMS download's
names and ids to those students is course.grading.lms.match.

Recognised headers (any case): nbgrader's own ``id, first_name, last_name, email, lms_user_id``; Canvas's gradebook
export (``Student`` "Last, First", ``ID`` = Canvas user id, ``SIS Login ID`` = the course id, then one column per
assignment, "Title (assignment id)"); Moodle's and Blackboard's participant lists (``Username``, ``First name``,
``Last name``, ``Email address``, ``ID number``). ``id_column`` names another column for the course's student ids
(Canvas's ``ID`` when its ``SIS Login ID`` is empty). A row that cannot be taken is named with the reason; a
roster that yields no student is an error. See docs/running-a-class.md, "The class list".
"""

import csv
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..grading.lms import STUDENT_ID, Student

ALIASES = {
    "first_name": ("first_name", "first name", "given name", "firstname"),
    "last_name": ("last_name", "last name", "surname", "family name", "lastname"),
    "email": ("email", "email address", "e-mail", "e-mail address"),
}
#: The file in the work folder that keeps what the roster file carried beyond the gradebook's students.
ROSTER_FILE = "roster.json"
#: Each LMS's columns that identify a student, as its own export names them (kept per student, written back).
IDENTITY = {
    "canvas": ("Student", "ID", "SIS User ID", "SIS Login ID", "Section"),
    "moodle": ("First name", "Last name", "Username", "ID number", "Email address"),
}
#: An assignment column of Canvas's gradebook export: "Title (assignment id)" (Canvas's Assignment.title_and_id).
CANVAS_COLUMN = re.compile(r"\A(?P<title>.*)\s\((?P<id>\d+)\)\Z")
#: A grade column of Moodle's grade export: "Assignment: Title (Real)" (gradeexport's format_column_name).
MOODLE_COLUMN = re.compile(r"\A(?:[^:]+:\s*)?(?P<title>.+?)\s\((?:Real|Percentage|Letter)\)\Z")
#: Canvas's own Student View user, in every gradebook export: never a student of the class.
TEST_STUDENT = {"test student", "student, test"}


class RosterError(ValueError):
    """The roster file cannot be read as a class list; the message says why and what is expected."""


@dataclass
class Roster:
    """What one roster file gave: its students, what the LMS knows them by, its grade columns, the rows not taken."""

    source: str
    lms: str  # "canvas", "moodle" or "nbgrader"
    id_column: str
    students: list = field(default_factory=list)  # [Student]
    identities: dict = field(default_factory=dict)  # {course id: {LMS column: value}}
    columns: list = field(default_factory=list)  # the LMS's grade columns, as headed in its file
    skipped: list = field(default_factory=list)  # [(row number, why)]
    hint: str = ""  # what to do about the rows skipped

    def to_json(self) -> dict:
        return {
            "lms": self.lms,
            "source": self.source,
            "id_column": self.id_column,
            "columns": self.columns,
            "students": self.identities,
        }


@dataclass
class RosterImport:
    """What `course roster` did: students added and updated in the gradebook, the roster read (its skipped rows
    with why), where it was kept, and "" or what it replaced (a roster of another LMS)."""

    added: int
    updated: int
    roster: Roster
    kept: Path
    replaced: str = ""


def read_roster(path: Path) -> list[Student]:
    """The students of a roster CSV; RosterError names the row or header that is wrong."""
    return read_roster_file(path).students


def read_roster_file(path: Path, id_column: str | None = None) -> Roster:
    """The roster a CSV holds (see the module's docstring); RosterError says why none can be taken."""
    path = Path(path)
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            rows = list(reader)
            header = [h for h in (reader.fieldnames or []) if h]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise RosterError(f"{path} could not be read as a CSV file ({exc})") from None
    if not rows:
        raise RosterError(f"{path} has no students (a header row, then one row per student)")
    headers = {h.strip().lower(): h for h in header}

    def column(*names):
        return next((headers[n] for n in names if n in headers), None)

    if "sis login id" in headers or {"student", "id", "section"} <= set(headers):
        lms, default_id, lms_col = "canvas", "sis login id", column("id")
    elif "username" in headers or ("email address" in headers and not column("id", "student id", "student_id")):
        # Moodle's own labels (Blackboard's participants too); Moodle's grade export has no Username
        lms, default_id, lms_col = "moodle", "username", column("id number", "lms_user_id", "lms id")
    else:
        lms, default_id, lms_col = "nbgrader", None, column("lms_user_id", "lms id")
    if id_column:
        id_col = headers.get(id_column.strip().lower())
        if id_col is None:
            raise RosterError(
                f"{path} has no column {id_column!r} for the student ids; its columns: {', '.join(header)}"
            )
    else:
        id_col = headers.get(default_id) if default_id else column("id", "student id", "student_id")
    if id_col is None:
        if lms == "moodle":
            raise RosterError(
                f"{path} looks like Moodle's (it has 'Email address') but has no 'Username' column for the student "
                "ids: download the participants with their usernames, or say which column holds the ids, e.g. "
                "course roster FILE --id-column 'Email address' (then map 'Email address' to 'useremail' when you "
                "import grades into Moodle)"
            )
        raise RosterError(
            f"{path} has no column of student ids: expected 'id' (nbgrader), 'SIS Login ID' (Canvas) or "
            f"'Username' (Moodle, Blackboard); found {', '.join(header)}"
        )
    names = {f: column(*aliases) for f, aliases in ALIASES.items()}
    combined = column("student", "name", "full name")
    labels = {label.lower(): label for label in IDENTITY.get(lms, ())}
    kept = {h: labels[h.strip().lower()] for h in header if h.strip().lower() in labels}  # as the LMS spells them
    roster = Roster(path.name, lms, id_col, columns=_grade_columns(header, lms))
    seen: dict = {}
    empty = []  # rows whose id cell is empty: named together, with what to do
    for number, row in enumerate(rows, start=2):
        label = ((row.get(combined) or "") if combined else "").strip()
        if _not_a_student(row, label):
            continue
        who = label or " ".join(filter(None, ((row.get(names[f]) or "").strip() for f in names if names[f])))
        if lms == "canvas" and label.lower() in TEST_STUDENT:
            roster.skipped.append((number, f"{label!r} is Canvas's Test Student (Student View), not a student"))
            continue
        sid = (row.get(id_col) or "").strip()
        if not sid:
            empty.append((number, who))
            continue
        if not STUDENT_ID.fullmatch(sid):
            raise RosterError(f"{path}, row {number}: {sid!r} is not a plain student id (letters, digits, . _ @ + -)")
        if sid in seen:
            raise RosterError(
                f"{path}, row {number}: the student id {sid!r} appears twice (rows {seen[sid]}, {number})"
            )
        seen[sid] = number
        first, last = ((row.get(names[f]) or "").strip() if names[f] else "" for f in ("first_name", "last_name"))
        if not (first or last) and label:
            last, _, first = label.partition(",") if "," in label else ("", "", label)
            first, last = first.strip(), last.strip()
        email = (row.get(names["email"]) or "").strip() if names["email"] else ""
        lms_id = (row.get(lms_col) or "").strip() if lms_col else ""
        roster.students.append(Student(sid, first, last, email, lms_id))
        roster.identities[sid] = {named: (row.get(h) or "").strip() for h, named in kept.items()}
    roster.skipped += [(n, f"the {id_col!r} cell is empty" + (f" ({who})" if who else "")) for n, who in empty]
    roster.skipped.sort()
    if empty:
        roster.hint = _empty_ids_hint(roster.lms, id_col)
    if not roster.students and not empty:
        raise RosterError(f"{path} has no students (a header row, then one row per student)")
    if not roster.students:
        rows = ", ".join(str(n) for n, _ in empty[:10]) + (" ..." if len(empty) > 10 else "")
        raise RosterError(
            f"{path} gave no students: the {id_col!r} column is empty in every row ({rows}). {roster.hint}"
        )
    return roster


def _not_a_student(row: dict, label: str) -> bool:
    """Canvas's rows that describe the columns: "Points Possible", and the row marking muted or manually posted
    assignments (every cell empty, "Muted" or "Manual Posting"), as Canvas's own importer skips them."""
    if "points possible" in label.lower():
        return True
    return all(re.fullmatch(r"\s*(Muted|Manual Posting.*)?\s*", v or "", re.IGNORECASE) for v in row.values())


def _empty_ids_hint(lms: str, id_col: str) -> str:
    """What to do about rows whose student id is empty."""
    if lms == "canvas" and id_col.strip().lower() == "sis login id":
        return (
            "Canvas fills 'SIS Login ID' with the student's login in your institution's Canvas account: it is "
            "empty when Canvas finds no such login for the student, or when your role may not see SIS data. Ask "
            "your Canvas admin, or use Canvas's own user number as the student id: course roster FILE --id-column "
            "ID (Canvas matches the grades you send back by that ID column first)."
        )
    return "Fill the ids in, or say which column holds them: course roster FILE --id-column COLUMN."


def _grade_columns(header: list, lms: str) -> list:
    """The LMS's grade columns in a roster file that is its gradebook export (Canvas: "Title (id)"; Moodle:
    "Assignment: Title (Real)")."""
    pattern = {"canvas": CANVAS_COLUMN, "moodle": MOODLE_COLUMN}.get(lms)
    return [h for h in header if pattern and pattern.match(h.strip())] if pattern else []


def column_title(header: str) -> str:
    """The assignment's name in an LMS grade column: "Summit Outcome (1184301)" -> "Summit Outcome"."""
    for pattern in (CANVAS_COLUMN, MOODLE_COLUMN):
        if m := pattern.match(header.strip()):
            return m["title"]
    return header.strip()


def _squashed(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def match_columns(columns: list, assignments: list, given: dict | None = None) -> tuple[dict, dict]:
    """({assignment: the LMS column for it}, {assignment: [columns]} when more than one could be it).

    A column is an assignment's when its title, without case, spaces or punctuation, is the assignment's id made
    readable the same way ("Summit Outcome (1184301)" is summit_outcome's); ``given`` ({assignment: column}, from
    the teacher) wins."""
    found, ambiguous = {}, {}
    for assignment in assignments:
        if given and assignment in given:
            found[assignment] = given[assignment]
            continue
        candidates = [c for c in columns if _squashed(column_title(c)) == _squashed(assignment)]
        if len(candidates) == 1:
            found[assignment] = candidates[0]
        elif candidates:
            ambiguous[assignment] = candidates
    return found, ambiguous


def import_roster(gb, students: list[Student]) -> tuple[int, int]:
    """Add or update each student in the gradebook; (added, updated)."""
    known = {s.id for s in gb.students}
    for s in students:
        # an empty name is no name: the formgrader then shows the id, not ", "
        gb.update_or_create_student(
            s.id,
            first_name=s.first_name or None,
            last_name=s.last_name or None,
            email=s.email or None,
            lms_user_id=s.lms_user_id or None,
        )
    added = sum(s.id not in known for s in students)
    return added, len(students) - added


def save_roster(work: Path, roster: Roster) -> tuple[Path, str]:
    """Keep what the roster file carried in ``work/roster.json``, merged with an earlier roster of the same LMS
    (another section's file); (its path, "" or what the new file replaced)."""
    path = Path(work) / ROSTER_FILE
    earlier = load_roster(work)
    data, replaced = roster.to_json(), ""
    if earlier and earlier.get("lms") == roster.lms:
        data["students"] = {**earlier.get("students", {}), **data["students"]}
        data["columns"] = data["columns"] or earlier.get("columns", [])
        data["source"] = ", ".join(dict.fromkeys([*earlier.get("source", "").split(", "), roster.source]))
    elif earlier:
        replaced = f"the {earlier.get('lms')} roster ({earlier.get('source')}) is replaced by this {roster.lms} one"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
    return path, replaced


def load_roster(work: Path) -> dict:
    """What ``course roster`` kept (see :func:`save_roster`), or {} when no roster was imported."""
    try:
        data = json.loads((Path(work) / ROSTER_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) and isinstance(data.get("students"), dict) else {}


def not_on_roster(work: Path, students) -> list[str]:
    """The students (course ids) that the imported roster does not list, sorted; [] when no roster was imported
    (then there is nothing to compare with). `course grade`, `course export` and intake name them: an LMS
    refuses grades for a student it does not know (Moodle's import stops at the first)."""
    roster = load_roster(work)
    if not roster:
        return []
    return sorted(set(students) - set(roster["students"]))


def not_on_roster_note(work: Path, students, command=None) -> str:
    """A line naming the students not on the imported roster, with what to do; "" when there are none.
    ``command(*words)`` names a `course` command as the teacher calls it (course.teacher.cli.course_command)."""
    unknown = not_on_roster(work, students)
    if not unknown:
        return ""
    command = command or (lambda *words: " ".join(["course", *words]))
    source = load_roster(work).get("source", "the roster")
    return (
        f"{len(unknown)} student(s) are not on the class list imported from {source}: {', '.join(unknown)}. "
        "They are graded, but `course export --lms` leaves them out (the LMS would refuse them): add them to the "
        f"class list in the LMS and import it again ({command('roster', 'FILE.csv')}), or check their ids."
    )


def roster_of(gb) -> list[Student]:
    """The gradebook's students as a roster."""
    return [
        Student(s.id, s.first_name or "", s.last_name or "", s.email or "", s.lms_user_id or "") for s in gb.students
    ]
