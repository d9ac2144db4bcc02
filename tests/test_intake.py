"""Submissions taken in from archives (course/grading/intake.py; threat 5 of docs/grading-safety.md): path tricks,
links, devices, names that are not UTF-8, oversized and duplicated files and damaged archives are refused with a reason,
the rest of each student's files is taken and graded, and grading flags the students whose files were refused."""

import io
import stat
import tarfile
import time
import zipfile
from pathlib import Path

import pytest

from course.grading.intake import MAX_FILE_BYTES
from course.paths import RELEASE_FILE
from course.teacher.classroom import Classroom
from course.teacher.cli import main
from course.teacher.sample import fill_in, record_quiz
from tests.corpus import ASSIGNMENT, NOTEBOOK

#: The students in the archives (and "bad name!", refused).
TAKEN_IN = ("honest_zip", "tricky", "honest_tar", "linker")
GIVEN_TIME = "2019-02-28 14:00:00.000000 UTC"


def honest_files(corpus) -> dict:
    """{name: bytes} of a full-marks submission, made as a student makes it."""
    folder = corpus.room.student_fetch(ASSIGNMENT, "maker", corpus.work / "students" / corpus.claim("maker"))
    fill_in(folder / NOTEBOOK, {"answers": {"*": "solution"}}, corpus.answers)
    record_quiz(folder, ASSIGNMENT, corpus.full_quiz)
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def make_zip(path: Path, files: dict) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        for student in ("honest_zip", "tricky"):
            for name, data in files.items():
                z.writestr(f"{ASSIGNMENT}/{student}/{name}", data)
        link = zipfile.ZipInfo(f"{ASSIGNMENT}/tricky/passwd.txt")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        z.writestr(link, "/etc/passwd")
        z.writestr(f"{ASSIGNMENT}/tricky/../../escaped.txt", "out")
        z.writestr("/abs/evil.txt", "out")
        z.writestr("readme.txt", "not a student's")
        z.writestr(f"{ASSIGNMENT}/bad name!/{NOTEBOOK}", files[NOTEBOOK])
        with pytest.warns(UserWarning, match="Duplicate name"):
            z.writestr(f"{ASSIGNMENT}/tricky/quiz_answers.json", b"{}")
    return path


def make_tar(path: Path, files: dict, root: Path) -> Path:
    def add(tar, name, data=b"", **kw):
        info = tarfile.TarInfo(name)
        info.size, info.mtime = len(data), time.time()
        for key, value in kw.items():
            setattr(info, key, value)
        tar.addfile(info, io.BytesIO(data) if data else None)

    with tarfile.open(path, "w:gz", encoding="utf-8", errors="surrogateescape") as tar:
        for student in ("honest_tar", "linker"):
            for name, data in files.items():
                add(tar, f"{student}/{name}", data)
        add(tar, "honest_tar/timestamp.txt", GIVEN_TIME.encode())
        add(tar, "linker/notes.txt", type=tarfile.SYMTYPE, linkname=str(root / "source" / ASSIGNMENT / NOTEBOOK))
        add(tar, "linker/hard.txt", type=tarfile.LNKTYPE, linkname=f"honest_tar/{NOTEBOOK}")
        add(tar, "linker/tty", type=tarfile.CHRTYPE, devmajor=5, devminor=0)
        add(tar, "linker/\udcff.txt", b"not UTF-8")
        add(tar, "linker/big.bin", bytes(MAX_FILE_BYTES + 1))
    return path


def submit_cases(corpus) -> None:
    """Nothing through the exchange: this corpus's students come in from archives (tests/corpus.py)."""
    for student in TAKEN_IN:
        corpus.claim(student)


def after_collect(corpus) -> None:
    """A zip and a tar of the class, taken in by the teacher after collecting from the exchange."""
    archives = corpus.root.parent / "downloads"
    archives.mkdir()
    files = honest_files(corpus)
    results = {r.student: r for r in corpus.room.intake(ASSIGNMENT, make_zip(archives / "class.zip", files))}
    results.update(
        {r.student: r for r in corpus.room.intake(ASSIGNMENT, make_tar(archives / "class.tgz", files, corpus.root))}
    )
    corpus.extra["intake"] = {"archives": archives, "results": results}


@pytest.fixture(scope="module")
def taken(corpus):
    return {
        "base": corpus.root.parent,
        "root": corpus.root,
        "results": corpus.extra["intake"]["results"],
        "students": sorted(corpus.outcomes),
        "outcomes": corpus.outcomes,
        "full": corpus.full,
        "archives": corpus.extra["intake"]["archives"],
    }


def refused(result) -> dict:
    return {name: why for name, why in result.refused}


def test_honest_archives_are_taken_whole_and_graded_like_any_submission(taken):
    for student in ("honest_zip", "honest_tar"):
        assert sorted(taken["results"][student].files) == [RELEASE_FILE, "quiz_answers.json", NOTEBOOK]
        assert not taken["results"][student].refused
        outcome = taken["outcomes"][student]
        assert (outcome.status, outcome.score) == ("graded", taken["full"]), outcome.summary()
    submitted = taken["root"] / "work" / "submitted"
    assert (submitted / "honest_tar" / ASSIGNMENT / "timestamp.txt").read_text().strip() == GIVEN_TIME
    assert (submitted / "honest_zip" / ASSIGNMENT / "timestamp.txt").read_text().strip().endswith("UTC")


def test_path_tricks_links_and_devices_are_refused_with_a_reason(taken):
    tricky, linker = refused(taken["results"]["tricky"]), refused(taken["results"]["linker"])
    assert "link" in tricky[f"{ASSIGNMENT}/tricky/passwd.txt"]
    assert "'..'" in tricky[f"{ASSIGNMENT}/tricky/../../escaped.txt"]
    assert "more than once" in tricky[f"{ASSIGNMENT}/tricky/quiz_answers.json"]
    assert "link" in linker["linker/notes.txt"] and "hard link" in linker["linker/hard.txt"]
    assert "device" in linker["linker/tty"]
    assert "not UTF-8" in linker["linker/\\xff.txt"]
    assert "larger than" in linker["linker/big.bin"]
    nobody = refused(taken["results"]["(no student)"])
    assert "absolute" in nobody["/abs/evil.txt"] and "student's folder" in nobody["readme.txt"]
    assert "not a plain student id" in refused(taken["results"]["bad name!"])[f"{ASSIGNMENT}/bad name!/{NOTEBOOK}"]
    assert "bad name!" not in taken["students"]


def test_nothing_is_written_outside_the_students_folders_and_no_link_is_made(taken):
    everything = list(taken["base"].rglob("*"))
    assert not [p for p in everything if p.name in ("escaped.txt", "evil.txt")]
    assert not Path("/abs").exists()
    submitted = taken["root"] / "work" / "submitted"
    for student in TAKEN_IN:  # the shared class has other corpora's links (tests/corpus.py)
        mine = list((submitted / student).rglob("*"))
        assert mine and not [p for p in mine if p.is_symlink() or p.name in ("passwd.txt", "notes.txt")]
    assert not [p for p in submitted.iterdir() if p.name.startswith(".")]
    assert sorted((submitted / "linker" / ASSIGNMENT).iterdir()) == sorted(
        submitted / "linker" / ASSIGNMENT / n for n in (RELEASE_FILE, "quiz_answers.json", NOTEBOOK, "timestamp.txt")
    )


def test_students_whose_files_were_refused_are_flagged_naming_them_and_still_graded(taken):
    for student, name in (("tricky", "passwd.txt"), ("linker", "notes.txt")):
        outcome = taken["outcomes"][student]
        assert outcome.status == "flagged" and f"{name}' was refused" in outcome.summary(), outcome.summary()
        assert outcome.score == taken["full"]


def test_taking_an_archive_in_again_replaces_the_earlier_copy(taken, tmp_path):
    room = Classroom(taken["root"], tmp_path / "work")  # its own work folder: the graded class stays as graded
    first = {r.student: r for r in room.intake(ASSIGNMENT, taken["archives"] / "class.zip")}
    again = {r.student: r for r in room.intake(ASSIGNMENT, taken["archives"] / "class.zip")}
    assert not first["honest_zip"].replaced
    assert again["honest_zip"].replaced
    assert sorted(again["honest_zip"].files) == [RELEASE_FILE, "quiz_answers.json", NOTEBOOK]


def test_a_damaged_archive_takes_nothing_and_says_why(taken, capsys, tmp_path):
    damaged = tmp_path / "damaged.zip"
    damaged.write_bytes((taken["archives"] / "class.zip").read_bytes()[:300])
    work, course = ["--work", str(tmp_path / "work")], ["--root", str(taken["root"])]
    main([*work, "intake", ASSIGNMENT, str(taken["archives"] / "class.tgz"), *course])
    before = sorted((tmp_path / "work").rglob("*"))
    code = main([*work, "intake", ASSIGNMENT, str(damaged), *course])
    assert code == 1 and "Nothing was taken in: damaged.zip is not a zip or tar archive" in capsys.readouterr().out
    assert sorted((tmp_path / "work").rglob("*")) == before


def test_the_command_line_shows_what_was_taken_and_refused(taken, capsys, tmp_path):
    code = main(
        [
            "--work",
            str(tmp_path / "work"),
            "intake",
            ASSIGNMENT,
            str(taken["archives"] / "class.tgz"),
            "--root",
            str(taken["root"]),
        ]
    )
    out = " ".join(capsys.readouterr().out.split())
    assert code == 0 and "honest_tar" in out and "hard link" in out
    assert "Grade them with: " in out and f" grade {ASSIGNMENT}" in out  # the command, as the teacher called it


def test_odd_zip_entries_are_refused_one_by_one_not_fatal(tmp_path):
    """A made-up date, a damaged member: the rest of the student's files are still taken."""
    from course.grading.intake import intake_archive

    path = tmp_path / "odd.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("s1/a.txt", date_time=(1980, 0, 0, 0, 0, 0)), "x")
        z.writestr("s1/damaged.txt", "y" * 10_000)
    with zipfile.ZipFile(path) as z:
        info = z.getinfo("s1/damaged.txt")
        start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    raw = bytearray(path.read_bytes())
    raw[start : start + 8] = b"\xff" * 8  # its compressed data, no longer a valid stream
    path.write_bytes(bytes(raw))
    [result] = intake_archive(path, ASSIGNMENT, tmp_path / "submitted")
    assert result.files == ["a.txt"] and result.timestamp.endswith("UTC")
    assert "could not be read from the archive" in refused(result)["s1/damaged.txt"]
    assert (tmp_path / "submitted" / "s1" / ASSIGNMENT / "a.txt").read_text() == "x"
    assert not (tmp_path / "submitted" / "s1" / ASSIGNMENT / "damaged.txt").exists()
