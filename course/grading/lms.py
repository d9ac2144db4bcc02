"""The download layouts of learning-management systems, read into (student, file) pairs for intake.

A teacher downloads a class's submissions from their LMS as one archive. Each LMS names the files its own way:

* **folders, one per student** (nbgrader's own layout, or a teacher's): ``[ASSIGNMENT/]STUDENT/summit_outcome.ipynb``;
* **Moodle** ("Download all submissions"): ``Carol Jones_123456_assignsubmission_file_/summit_outcome.ipynb``, the
  number being the student's participant id in that assignment;
* **Canvas** ("Download Submissions"): flat files ``jonescarol_12345_67890_summit_outcome.ipynb`` (name, user id,
  submission id, the file's own name; ``_LATE_`` after the name when late; a resubmitted file gets ``-1`` before its
  extension);
* **Blackboard** ("Download Assignment"): flat files
  ``Summit Outcome_cjones_attempt_2019-03-01-10-00-00_summit_outcome.ipynb`` and a receipt
  ``..._attempt_2019-03-01-10-00-00.txt`` per student.

:func:`read_layout` tells which layout an archive has from all its member names, and :class:`Layout` maps each name
to the LMS's key for the student (an id and a name) and the file's path. The roster (course.teacher.roster, kept in
the gradebook) turns that key into the course's student id. Files every desktop adds (``__MACOSX/``, ``.DS_Store``,
``Thumbs.db``, ``desktop.ini``) are skipped. See docs/running-a-class.md, "Submissions from an LMS".
"""

import re
from dataclasses import dataclass

#: A student id as nbgrader and the gradebook use it.
STUDENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}")

#: What operating systems add to archives a person makes: never a student's work.
JUNK = re.compile(r"(^|/)(__MACOSX(/|$)|\.DS_Store$|Thumbs\.db$|desktop\.ini$|\._[^/]*$)", re.IGNORECASE)
MOODLE = re.compile(r"^(?P<name>[^/]+?)_(?P<id>\d+)_assign(?:submission|feedback)_\w+?_$")
CANVAS = re.compile(r"^(?P<name>[a-z0-9]+)(?P<late>_LATE)?_(?P<id>\d+)_(?P<sub>\d+)_(?P<file>.+)$")
BLACKBOARD = re.compile(
    r"^(?P<assignment>.+)_(?P<id>[^_/]+)_attempt_(?P<when>\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d)(?:\.txt|_(?P<file>.+))?$"
)


@dataclass(frozen=True)
class Key:
    """A student as the LMS names them: its id for them, and their name if the download gives one."""

    system: str  # "folders", "moodle", "canvas", "blackboard"
    id: str
    name: str = ""


@dataclass
class Student:
    """A student of the roster (the gradebook's students)."""

    id: str
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    lms_user_id: str = ""


@dataclass
class Entry:
    """One member: whose it is (``key``), its path in the student's folder, or why it is not a student's file."""

    key: Key | None
    inside: list
    note: str = ""  # "skipped" for desktop junk, "receipt" for Blackboard's receipts
    when: str = ""  # the submission time the name carries (Blackboard), as nbgrader's timestamp


def is_junk(name: str) -> bool:
    return bool(JUNK.search(name))


def _strip_top(parts: list, assignment: str) -> list:
    return parts[1:] if len(parts) > 1 and parts[0] == assignment else parts


def read_layout(names: list, assignment: str) -> str:
    """Which layout the member names follow: "moodle", "canvas", "blackboard" or "folders"."""
    tops, flat = set(), []
    for name in names:
        if is_junk(name):
            continue
        parts = _strip_top(name.rstrip("/").split("/"), assignment)
        if len(parts) > 1:
            tops.add(parts[0])
        elif not name.endswith("/"):
            flat.append(parts[0])
    if tops and all(MOODLE.match(t) for t in tops):
        return "moodle"
    if flat and not tops:
        if all(BLACKBOARD.match(f) for f in flat):
            return "blackboard"
        if all(CANVAS.match(f) for f in flat):
            return "canvas"
    return "folders"


def entry(name: str, layout: str, assignment: str, expected: set) -> Entry:
    """Whose a member is and where it goes; ``expected``: the file names the assignment has (a Canvas
    resubmission's ``-1`` is taken off when that gives one of them)."""
    parts = _strip_top(name.rstrip("/").split("/"), assignment)
    if is_junk(name):
        return Entry(None, parts, "skipped")
    if layout == "moodle" and len(parts) > 1 and (m := MOODLE.match(parts[0])):
        return Entry(Key("moodle", m["id"], m["name"]), parts[1:])
    if layout == "canvas" and len(parts) == 1 and (m := CANVAS.match(parts[0])):
        return Entry(Key("canvas", m["id"], m["name"]), [_resubmitted(m["file"], expected)])
    if layout == "blackboard" and len(parts) == 1 and (m := BLACKBOARD.match(parts[0])):
        when = "{}-{}-{} {}:{}:{}.000000 UTC".format(*m["when"].split("-"))
        if not m["file"]:
            return Entry(Key("blackboard", m["id"]), [], "receipt", when)
        return Entry(Key("blackboard", m["id"]), [_resubmitted(m["file"], expected)], when=when)
    if len(parts) > 1:
        return Entry(Key("folders", parts[0]), parts[1:])
    return Entry(None, parts)


def _resubmitted(file: str, expected: set) -> str:
    """``summit_outcome-1.ipynb`` as ``summit_outcome.ipynb`` when that is a file of the assignment."""
    m = re.match(r"^(?P<stem>.+)-\d+(?P<ext>\.[^.]+)$", file)
    return m["stem"] + m["ext"] if m and m["stem"] + m["ext"] in expected and file not in expected else file


def folder_name(key: Key) -> str:
    """The folder an LMS expects back for a student's feedback (Moodle's upload of feedback files takes the
    download's own names), else the LMS id and name."""
    if key.system == "moodle":
        return f"{key.name}_{key.id}_assignsubmission_file_"
    return "_".join(p for p in (key.id, key.name) if p)


def _squashed(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def match(key: Key, roster: list[Student]) -> tuple[str | None, bool]:
    """The course's student id for an LMS key, and whether the roster knew them. With no match, an id made from
    the LMS's own (the folder's name, the login, or the name) is proposed, or None when it would not be a plain id."""
    if key.system == "folders":
        return (key.id if STUDENT_ID.fullmatch(key.id) else None), any(s.id == key.id for s in roster)
    for s in roster:
        if s.lms_user_id and s.lms_user_id == key.id:
            return s.id, True
        if key.system == "blackboard" and s.id == key.id:
            return s.id, True
    if key.name:
        wanted = _squashed(key.name)
        for s in roster:  # Moodle writes "First Last"; Canvas "lastfirst"
            if wanted in (_squashed(s.first_name + s.last_name), _squashed(s.last_name + s.first_name)):
                return s.id, True
    proposed = key.id if key.system == "blackboard" else re.sub(r"[^A-Za-z0-9]+", ".", key.name).strip(".").lower()
    return (proposed if STUDENT_ID.fullmatch(proposed or "") else None), False
