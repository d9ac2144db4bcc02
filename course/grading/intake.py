"""Submissions that arrive as an archive (a learning-management system's download), taken in safely.

``course intake ASSIGNMENT ARCHIVE`` reads a zip or tar archive (``.zip``, ``.tar``, ``.tar.gz``, ``.tgz``)
holding one folder per student, ``STUDENT/summit_outcome.ipynb``, ``STUDENT/quiz_answers.json``, ... (all of
it may sit in one folder named after the assignment), and puts each student's files where nbgrader's own
``collect`` would: ``work/submitted/STUDENT/ASSIGNMENT/``, with a ``timestamp.txt`` (the archive's own
``STUDENT/timestamp.txt`` if there is one, else the newest file time). ``course grade`` then grades them.

Nothing in an archive is trusted. A member is refused, with its reason, and the rest is taken, when it is:
outside a student's folder; an absolute path or one with ``..`` or a backslash; a link, a hard link or a
device; not UTF-8; larger than the limits; damaged. A student folder whose name is not a plain id is refused
whole. Refusals are kept in ``work/intake/ASSIGNMENT.json``, and grading flags those students, naming each
refused file. Files are written only inside the student's own folder, never through a link.

A later archive never takes the place of a student's gradable submission with files that hold no notebook of the
assignment (a Word file uploaded after the notebook): the earlier submission is kept, and the result says so. A
student's files all inside one folder of their own (``Carol Jones_..._/summit_outcome/summit_outcome.ipynb``, a
folder zipped whole) are taken one folder up, and the result says so.
"""

import json
import shutil
import stat
import tarfile
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from .lms import STUDENT_ID, Key, Student, entry, match, read_layout

#: The limits of what one archive may bring in (the module's notebooks are well under 1 MB).
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_STUDENT_BYTES = 100 * 1024 * 1024
MAX_MEMBERS = 5000
#: nbgrader's format of timestamp.txt.
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f %Z"


def shown(name: str) -> str:
    """A member name as it can be printed: bytes that are not UTF-8 as \\xNN."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


class ArchiveUnreadable(ValueError):
    """The file is not a zip or tar archive that can be read; nothing was taken."""


@dataclass
class Member:
    """One entry of the archive, as read (not yet trusted)."""

    name: str
    kind: str  # "file", "dir", "link", "hard link", "device", "special entry"
    size: int
    mtime: float
    open: object = None  # () -> binary file object, for files


@dataclass
class Intake:
    """What was taken for one student, and what was refused (with why)."""

    student: str
    files: list = field(default_factory=list)
    refused: list = field(default_factory=list)  # [[member name, reason]]
    replaced: bool = False
    timestamp: str = ""  # of the submission written (timestamp.txt)
    lms: Key | None = None  # the student as the LMS download named them
    in_roster: bool = False  # whether the roster knew them (else their id was made from the LMS's)
    on_roster: bool | None = None  # whether the class list imported with `course roster` lists them (None: none)
    kept_earlier: bool = False  # ``files`` hold no notebook: not taken, the earlier gradable submission is kept
    no_notebook: bool = False  # taken, but no notebook of the assignment is among ``files``
    flattened: str = ""  # the one folder the student's files were in, taken one folder up


def _zip_members(archive: zipfile.ZipFile) -> list:
    members = []
    for info in archive.infolist():
        kind_bits = stat.S_IFMT(info.external_attr >> 16)  # 0 when the zip says nothing (a plain file)
        kind = (
            "dir"
            if info.is_dir()
            else "file"
            if kind_bits in (0, stat.S_IFREG)
            else "link"
            if kind_bits == stat.S_IFLNK
            else "device"
        )
        try:
            mtime = datetime(*info.date_time, tzinfo=timezone.utc).timestamp()
        except (ValueError, OverflowError):  # a date a hostile zip made up: the time of intake is used
            mtime = 0.0
        members.append(Member(info.filename, kind, info.file_size, mtime, lambda i=info: archive.open(i)))
    return members


def _tar_members(archive: tarfile.TarFile) -> list:
    kinds = {
        tarfile.REGTYPE: "file",
        tarfile.AREGTYPE: "file",
        tarfile.DIRTYPE: "dir",
        tarfile.SYMTYPE: "link",
        tarfile.LNKTYPE: "hard link",
        tarfile.CHRTYPE: "device",
        tarfile.BLKTYPE: "device",
        tarfile.FIFOTYPE: "device",
    }
    return [
        Member(m.name, kinds.get(m.type, "special entry"), m.size, m.mtime, lambda m=m: archive.extractfile(m))
        for m in archive.getmembers()
    ]


def read_archive(path: Path):
    """(the opened archive, its members); raises ArchiveUnreadable with the reason."""
    path = Path(path)
    if not path.is_file():
        raise ArchiveUnreadable(f"{path} is not a file")
    try:
        if zipfile.is_zipfile(path):
            archive = zipfile.ZipFile(path)
            return archive, _zip_members(archive)
        archive = tarfile.open(path)  # plain, gzip, bz2 or xz
        return archive, _tar_members(archive)
    except (zipfile.BadZipFile, tarfile.TarError, EOFError, OSError) as exc:
        raise ArchiveUnreadable(f"{path.name} is not a zip or tar archive that can be read ({exc})") from None


class Refused(ValueError):
    """A member not taken; ``student`` is the folder it claims to be in, when that can be told."""

    def __init__(self, reason: str, student: str | None = None):
        super().__init__(reason)
        self.student = student


def _check_name(name: str, claimed: str | None) -> None:
    """Refuse a member whose name is a path trick; ``claimed`` is the student it would belong to."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        raise Refused("its name is not UTF-8 text", claimed) from None
    if "\\" in name:
        raise Refused("its name holds a backslash", claimed)
    if name.startswith("/"):
        raise Refused("it is an absolute path")
    if any(p in ("", ".", "..") for p in name.rstrip("/").split("/")):
        raise Refused("its path holds '..', '.' or an empty part", claimed)


def _copy(member: Member, target: Path, budget: int) -> int:
    """Copy a file member, never more than ``budget`` bytes; the bytes written."""
    written = 0
    with member.open() as src, open(target, "xb") as dst:  # "x": never through an existing file or link
        while chunk := src.read(1 << 16):
            written += len(chunk)
            if written > budget:
                raise ValueError(f"it is larger than {budget // (1024 * 1024)} MB")
            dst.write(chunk)
    return written


def _timestamp(given, newest: float) -> str:
    """The archive's own timestamp.txt if nbgrader can read it, else the newest file's time."""
    from nbgrader.utils import parse_utc

    if given:
        try:
            parse_utc(given)
            return given
        except (ValueError, OverflowError, TypeError):
            pass
    try:
        when = datetime.fromtimestamp(newest, tz=timezone.utc) if newest > 0 else datetime.now(timezone.utc)
    except (ValueError, OverflowError, OSError):  # a time no clock shows: the time of intake
        when = datetime.now(timezone.utc)
    return when.strftime(TIMESTAMP_FORMAT)


def intake_archive(
    archive_path: Path, assignment: str, submitted: Path, expected=frozenset(), roster: list[Student] = ()
) -> list:
    """Take each student's files from the archive into ``submitted/STUDENT/assignment``; [Intake]. The layout
    (folders per student, Moodle, Canvas or Blackboard: course.grading.lms) is read from the names; ``roster``
    maps the LMS's ids and names to the course's student ids, ``expected`` are the assignment's file names."""
    archive, members = read_archive(archive_path)
    with archive:
        if len(members) > MAX_MEMBERS:
            raise ArchiveUnreadable(
                f"{Path(archive_path).name} holds {len(members)} entries (at most "
                f"{MAX_MEMBERS} are read): is it the right archive?"
            )
        layout = read_layout([m.name for m in members], assignment)
        by_key, outside, when = {}, [], {}
        for member in members:
            try:
                _check_name(member.name, None)
            except Refused as exc:
                claimed = _claimed(member.name, assignment)
                if claimed:
                    by_key.setdefault(Key("folders", claimed), []).append((member, str(exc)))
                elif member.kind != "dir":
                    outside.append([shown(member.name), str(exc)])
                continue
            found = entry(member.name, layout, assignment, set(expected))
            if found.note == "skipped" or (member.kind == "dir" and found.key is None):
                continue  # what desktops add (__MACOSX/, .DS_Store): never a student's work
            if found.key is None:
                outside.append([shown(member.name), "it is not inside a student's folder"])
                continue
            if found.when:
                when.setdefault(found.key, found.when)
            if found.note == "receipt":
                continue  # Blackboard's receipt: its time is the submission's
            by_key.setdefault(found.key, []).append((member, found.inside))
        submitted = Path(submitted)
        submitted.mkdir(parents=True, exist_ok=True)
        notebooks = {name for name in expected if name.endswith(".ipynb")}
        results = []
        for key, entries in sorted(by_key.items(), key=lambda kv: (kv[0].id, kv[0].name)):
            student, known = match(key, list(roster))
            entries, folder = _flatten(entries, notebooks)
            result = _take_student(
                student or key.name or key.id, entries, assignment, submitted, when.get(key), notebooks
            )
            result.lms, result.in_roster, result.flattened = key, known, folder
            results.append(result)
    if outside:
        results.append(Intake("(no student)", refused=outside))
    return results


def _claimed(name: str, assignment: str) -> str | None:
    """The student folder a refused name would be in (folders layout), for the reason to reach them."""
    parts = name.rstrip("/").split("/")
    if parts and parts[0] == assignment and len(parts) > 1:
        parts = parts[1:]
    return parts[0] if len(parts) > 1 and parts[0] not in ("", ".", "..") else None


def _flatten(entries: list, notebooks: set) -> tuple[list, str]:
    """(entries, "") or, when all of a student's files sit in one folder with a notebook of the assignment
    directly in it, (entries taken one folder up, that folder's name): students zip their folder whole."""
    files = [inside for member, inside in entries if isinstance(inside, list) and member.kind != "dir"]
    tops = {inside[0] for inside in files if len(inside) > 1}
    if not files or len(tops) != 1 or any(len(inside) == 1 for inside in files):
        return entries, ""
    (folder,) = tops
    if not any(_is_notebook(inside[1:], notebooks) for inside in files):
        return entries, ""
    moved = [
        (member, inside[1:] if isinstance(inside, list) and len(inside) > 1 else inside)
        for member, inside in entries
        if not (member.kind == "dir" and isinstance(inside, list) and inside == [folder])
    ]
    return moved, folder


def _is_notebook(inside: list, notebooks: set) -> bool:
    """A notebook of the assignment directly in the student's folder (any notebook when its names are unknown)."""
    return len(inside) == 1 and (inside[0] in notebooks if notebooks else inside[0].endswith(".ipynb"))


def _has_notebook(folder: Path, notebooks: set) -> bool:
    return any((folder / name).is_file() for name in notebooks) if notebooks else any(folder.glob("*.ipynb"))


def _take_student(
    student: str, entries: list, assignment: str, submitted: Path, when: str | None = None, notebooks=frozenset()
) -> Intake:
    result = Intake(shown(student))
    if not STUDENT_ID.fullmatch(student):
        why = f"'{shown(student)}' is not a plain student id (letters, digits, . _ @ + -)"
        result.refused = [[shown(m.name), why] for m, _ in entries if m.kind != "dir"]
        return result
    staging = Path(tempfile.mkdtemp(prefix=".intake-", dir=submitted))
    try:
        budget, newest, given = MAX_STUDENT_BYTES, 0.0, when
        for member, inside in entries:
            if isinstance(inside, str):  # refused by its name: the reason
                result.refused.append([shown(member.name), inside])
                continue
            if member.kind == "dir":
                continue
            if member.kind != "file":
                result.refused.append([shown(member.name), f"it is a {member.kind}, not a file (not taken)"])
                continue
            if member.size > MAX_FILE_BYTES:
                result.refused.append([shown(member.name), f"it is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB"])
                continue
            target = staging.joinpath(*inside)
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                budget -= _copy(member, target, min(budget, MAX_FILE_BYTES))
            except FileExistsError:
                result.refused.append(
                    [shown(member.name), "it appears more than once in the archive (the first is taken)"]
                )
                continue
            except Exception as exc:  # noqa: BLE001 - damaged, encrypted or unsupported: refuse this member only
                if target.is_file():
                    target.unlink()
                result.refused.append(
                    [
                        shown(member.name),
                        str(exc)
                        if isinstance(exc, ValueError)
                        else f"it could not be read from the archive ({type(exc).__name__})",
                    ]
                )
                continue
            rel = "/".join(inside)
            if rel == "timestamp.txt":
                given = target.read_text(encoding="utf-8", errors="replace").strip()[:100]
                target.unlink()
                continue
            newest = max(newest, member.mtime)
            result.files.append(rel)
        if not result.files:
            return result
        home = submitted / student
        final = home / assignment
        if not any(_is_notebook(f.split("/"), notebooks) for f in result.files):
            if final.is_dir() and not final.is_symlink() and _has_notebook(final, notebooks):
                result.kept_earlier = True  # a Word file after the notebook must not cost the student their grade
                return result
            result.no_notebook = True
        result.timestamp = _timestamp(given, newest)
        (staging / "timestamp.txt").write_text(result.timestamp + "\n", encoding="utf-8")
        home.mkdir(exist_ok=True)
        if final.exists() or final.is_symlink():
            result.replaced = True
            old = Path(tempfile.mkdtemp(prefix=".replaced-", dir=submitted))
            final.rename(old / "old")
            shutil.rmtree(old)
        staging.rename(final)
        return result
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def write_refusals(results: list, path: Path) -> Path:
    """Keep what was refused, by student, for grading to flag: ``{student: {"submitted": timestamp,
    "refused": [[member, reason]], "lms": {...}}}`` (a later submission of the student's, with another time, is
    not flagged; ``lms`` is how the LMS download named them, for their feedback to go back)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    known = read_refusals(path)
    for r in results:
        if r.files and not r.kept_earlier:  # a kept submission keeps what was recorded for it
            known[r.student] = {"submitted": r.timestamp, "refused": r.refused}
            if r.lms is not None and r.lms.system != "folders":  # where the feedback goes back (course return)
                known[r.student]["lms"] = {"system": r.lms.system, "id": r.lms.id, "name": r.lms.name}
    path.write_text(json.dumps(known, indent=1, sort_keys=True), encoding="utf-8")
    return path


def read_refusals(path: Path) -> dict:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def refusal_findings(path: Path, student: str, submitted: str) -> list:
    """What was refused from the student's files at intake, if their current submission came from it."""
    entry = read_refusals(path).get(student)
    if not isinstance(entry, dict) or entry.get("submitted") != submitted:
        return []
    return [f"'{name}' was refused when the archive was taken in: {why}" for name, why in entry.get("refused", [])]
