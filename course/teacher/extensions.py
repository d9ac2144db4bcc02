"""Extensions and accommodations: a student's own due date for an assignment (docs/running-a-class.md, "Late work").

``course extend`` keeps each grant in ``extensions.json`` in the work folder (who, until when, when granted, by whom,
why, and every earlier grant), and puts it in nbgrader's own field (the submission's ``extension``) as soon as the
student has a submission in the gradebook: grading sets it just before nbgrader's autograde, so nbgrader's late
penalty counts from the student's own due date. No submission is created for a student who has not handed in.
"""

import csv
import getpass
import json
import os
import re
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

RECORD = "extensions.json"
#: "2d", "36h", "1d12h", "90m", "1w": a span as a teacher writes it.
SPAN = re.compile(
    r"^\s*(?:(\d+(?:\.\d+)?)\s*w)?\s*(?:(\d+(?:\.\d+)?)\s*d)?\s*(?:(\d+(?:\.\d+)?)\s*h)?\s*(?:(\d+(?:\.\d+)?)\s*m)?\s*$"
)


class ExtensionRefused(ValueError):
    """An extension that cannot be granted; the message says why and what to do."""


def parse_span(text: str) -> timedelta:
    """A span such as "2d", "36h", "1d12h", "90m" or "1w"; ValueError naming the forms otherwise."""
    found = SPAN.match(text or "")
    if not found or not any(found.groups()):
        raise ValueError(f"{text!r} is not a span of time: write it as 2d, 36h, 1d12h, 90m or 1w")
    weeks, days, hours, minutes = (float(g or 0) for g in found.groups())
    return timedelta(weeks=weeks, days=days, hours=hours, minutes=minutes)


@dataclass
class Grant:
    """One student's own due date for one assignment."""

    student: str
    until: datetime  # aware
    why: str = ""


def read_record(work: Path) -> dict:
    """``{assignment: {student: {"until", "granted", "by", "why", "earlier": [...]}}}``; {} if none yet."""
    path = Path(work) / RECORD
    if not path.exists():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise ExtensionRefused(f"{path} is not valid JSON ({exc}): mend it or move it away.") from None


def granted(work: Path, assignment: str, student: str) -> datetime | None:
    """The student's own due date for ``assignment`` (aware), or None."""
    entry = read_record(work).get(assignment, {}).get(student)
    return datetime.fromisoformat(entry["until"]) if entry else None


def record(work: Path, assignment: str, grants: list[Grant]) -> None:
    """Keep ``grants`` (replacing a student's earlier grant, which stays listed under "earlier")."""
    found = read_record(work)
    mine = found.setdefault(assignment, {})
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    for grant in grants:
        before = mine.get(grant.student)
        earlier = (before.pop("earlier", []) + [before]) if before else []
        mine[grant.student] = {
            "until": grant.until.isoformat(timespec="minutes"),
            "granted": now,
            "by": _who(),
            "why": grant.why,
            "earlier": earlier,
        }
    path = Path(work) / RECORD
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".extensions.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(found, fh, indent=1, sort_keys=True)
    os.replace(tmp, path)


def _who() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def grants_from_csv(path: Path, due: datetime, released: datetime | None, parse_when) -> list[Grant]:
    """Grants from a CSV with a ``student`` column (or ``id``) and, per row, one of ``until`` (a date and time),
    ``by`` (a span: 2d, 36h) or ``factor`` (1.5: the time from release to the due date, multiplied), and an
    optional ``why``. ExtensionRefused names the row and what is wrong with it."""
    grants = []
    with open(path, newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    for n, row in enumerate(rows, start=2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
        student = row.get("student") or row.get("id")
        given = [k for k in ("until", "by", "factor") if row.get(k)]
        if not student or len(given) != 1:
            raise ExtensionRefused(
                f"{path.name}, line {n}: each row needs a student (column 'student' or 'id') and exactly one of "
                "'until' (2019-03-10 17:00), 'by' (2d, 36h) or 'factor' (1.5)"
            )
        try:
            if given[0] == "until":
                until = parse_when(row["until"])
            elif given[0] == "by":
                until = due + parse_span(row["by"])
            else:
                if released is None:
                    raise ExtensionRefused(
                        f"{path.name}, line {n}: a factor needs the time the assignment was released, which "
                        "`course release` records; give 'until' or 'by' instead"
                    )
                if due <= released:
                    raise ExtensionRefused(
                        f"{path.name}, line {n}: the assignment was released after its due date, so a factor of its "
                        "time means nothing; give 'until' or 'by' instead"
                    )
                until = released + (due - released) * float(row["factor"])
        except (ValueError, TypeError) as exc:
            if isinstance(exc, ExtensionRefused):
                raise
            raise ExtensionRefused(f"{path.name}, line {n}: {exc}") from None
        grants.append(Grant(student, until, row.get("why", "")))
    return grants


# -- with the class's gradebook ------------------------------------------------------------------------------------
RELEASED = "released.json"


def note_release(work: Path, assignment: str) -> None:
    """Remember when ``assignment`` was released (an extension by a factor counts from it)."""
    path = Path(work) / RELEASED
    found = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    found[assignment] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    path.write_text(json.dumps(found, indent=1, sort_keys=True), encoding="utf-8")


def released_at(work: Path, assignment: str) -> datetime | None:
    path = Path(work) / RELEASED
    try:
        return datetime.fromisoformat(json.loads(path.read_text(encoding="utf-8"))[assignment])
    except (OSError, ValueError, KeyError):
        return None


def class_due(gb, assignment: str) -> datetime | None:
    """The assignment's due date for the class (aware, UTC), as `course release --due` put it in the gradebook."""
    from nbgrader.api import MissingEntry

    try:
        due = gb.find_assignment(assignment).duedate
    except MissingEntry:
        return None
    return due.replace(tzinfo=timezone.utc) if due else None


def extend(room, assignment: str, grants: list[Grant]) -> list[str]:
    """Grant each student their own due date for ``assignment`` (see the module's docstring), and leave it where
    they alone can read it (course.due); all or none: ExtensionRefused says which grant cannot be given, and why,
    before any is kept. What the teacher should know besides, one line each."""
    import difflib

    from nbgrader.api import MissingEntry

    with room.gradebook() as gb:
        due = class_due(gb, assignment)
        if due is None:
            raise ExtensionRefused(
                f"{assignment} has no due date in the gradebook, so there is nothing to extend: release it with "
                f"`{room.command('release', assignment, '--due', '2019-03-08 17:00')}`."
            )
        known = {s.id for s in gb.students} | {p.parent.name for p in room.work.glob(f"submitted/*/{assignment}")}
        for grant in grants:
            if grant.student not in known:
                near = difflib.get_close_matches(grant.student, sorted(known), n=3)
                raise ExtensionRefused(
                    f"{grant.student!r} is not a student of this course (the class list, or a submission)"
                    + (
                        f": did you mean {', '.join(near)}?"
                        if near
                        else ": import the class list with `course roster`."
                    )
                    + " No extension was granted."
                )
            if grant.until <= due:
                raise ExtensionRefused(
                    f"{grant.student}: {grant.until:%Y-%m-%d %H:%M %Z} is not after the class's due date "
                    f"({due.astimezone():%Y-%m-%d %H:%M %Z}). No extension was granted."
                )
        record(room.work, assignment, grants)
        notes = [note for grant in grants if (note := publish_own_due(room, assignment, grant))]
        for grant in grants:
            try:
                submission = gb.find_submission(assignment, grant.student)
            except MissingEntry:
                continue  # set when they are graded
            submission.extension = grant.until - due
        gb.db.commit()
    return notes


def apply(gb, work: Path, assignment: str, student: str) -> None:
    """Put the student's grant, if any, in nbgrader's field before they are graded (their submission is made if
    need be, as nbgrader's autograde would make it), so that the late penalty counts from their own due date."""
    until = granted(work, assignment, student)
    due = class_due(gb, assignment)
    if until is None or due is None:
        return
    gb.update_or_create_student(student)  # as nbgrader's autograde does for a student it has not seen (create)
    gb.update_or_create_submission(assignment, student, extension=until - due)


# -- what students see --------------------------------------------------------------------------------------------
def exchange_folder(room) -> Path:
    """The course's folder in nbgrader's exchange."""
    return Path(room.config.Exchange.root) / room.config.CourseDirectory.course_id


def publish_assignment_file(room, assignment: str) -> None:
    """Put ``assignment.json`` beside the released notebook in the exchange, so that every student fetches with it
    the class's due date (None without one), the folder where their own date would be (course.due) and the one
    where their regrade requests go (course.regrade)."""
    from ..paths import RELEASE_FILE
    from .regrades import dropbox

    with room.gradebook() as gb:
        due = class_due(gb, assignment)
    outbound = exchange_folder(room) / "outbound" / assignment
    if not outbound.is_dir():
        return
    found = {
        "due": due.astimezone().isoformat(timespec="minutes") if due else None,
        "own_due": str(_own_folder(room, assignment)),
        "regrades": str(dropbox(room)),
    }
    (outbound / RELEASE_FILE).write_text(json.dumps(found, indent=1) + "\n", encoding="utf-8")
    (outbound / RELEASE_FILE).chmod(0o644)


def _own_folder(room, assignment: str) -> Path:
    """The exchange's folder of students' own due dates: anyone may enter it, no one may list it (0711)."""
    folder = exchange_folder(room) / "due" / assignment
    folder.mkdir(parents=True, exist_ok=True)
    for part in (folder.parent, folder):
        part.chmod(0o711)
    return folder


def publish_own_due(room, assignment: str, grant: Grant) -> str:
    """Leave ``grant`` where that student alone can read it (course.due); what else the teacher should know, or
    "" (on a hub, the file is shared with the student's account by an access-control entry)."""
    import pwd
    import shutil
    import subprocess

    path = _own_folder(room, assignment) / f"{grant.student}.json"
    path.write_text(json.dumps({"until": grant.until.astimezone().isoformat(timespec="minutes")}) + "\n")
    path.chmod(0o600)
    try:
        account = pwd.getpwnam(grant.student)
    except KeyError:
        return ""  # not an account of this machine: the students work as the teacher's own user
    if account.pw_uid == os.getuid():
        return ""
    setfacl = shutil.which("setfacl")
    done = (
        subprocess.run([setfacl, "-m", f"u:{grant.student}:r", str(path)], capture_output=True, text=True)
        if setfacl
        else None
    )
    if done is None or done.returncode != 0:
        why = done.stderr.strip() if done is not None else "setfacl is missing (Debian's acl package)"
        return f"{grant.student} cannot see their date in the notebook: {why}. Their penalty still counts from it."
    return ""
