"""Screening: what is known of a submission before any of its code runs, as one result.

Run in the grader's own process on the submitted folder, against the released master: whether the submission
can be graded at all (each notebook of the assignment present, a file, UTF-8 JSON and a valid notebook), what
of it must not be copied for grading (links), and the tampering that can be seen without running it (edited
locked cells, kernel tricks in answer cells, files refused at intake). See docs/grading-safety.md.
"""

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from ..paths import ANSWERS_FILE
from .intake import refusal_findings
from .tamper import kernel_findings, notebook_findings

__all__ = ["Screening", "screen", "unreadable_reason"]


@dataclass
class Screening:
    """What screening found. ``unreadable``: why the submission cannot be graded (it gets zero) or None;
    ``findings``: tampering seen before grading (the student is flagged); ``links``: files that are links, which
    are not copied for grading; ``notes``: what the teacher should know that is not tampering."""

    unreadable: str | None = None
    findings: list = field(default_factory=list)
    links: list = field(default_factory=list)
    notes: list = field(default_factory=list)  # for the teacher, not flags: e.g. a missing quiz answers file


def screen(
    folder: Path, master: Path, refusals: Path | None = None, student: str = "", submitted: str = ""
) -> Screening:
    """Screen the submission in ``folder`` against the released assignment folder ``master``. ``refusals`` is
    the intake's record of refused files (course.grading.intake); it counts only if it was written for this
    submission (``submitted``, its timestamp)."""
    folder, master = Path(folder), Path(master)
    if not folder.is_dir():
        return Screening("no submission folder was collected")
    links = sorted(p for p in folder.rglob("*") if p.is_symlink())
    notebooks = sorted(p for p in folder.glob("*.ipynb") if p not in links)
    result = Screening(links=links)
    result.unreadable = _missing_notebook(folder, master, notebooks, links)
    read = {}
    for path in notebooks:
        if result.unreadable:
            return result
        read[path], result.unreadable = _read(path)
    if result.unreadable:
        return result
    for path, nb in read.items():
        result.findings += _tampering(path, nb, master / path.name)
    result.findings += [
        f"'{link.relative_to(folder)}' is a link to {os.readlink(link)!r}, not a file (not copied for grading)"
        for link in links
    ]
    if refusals is not None:
        result.findings += refusal_findings(refusals, student, submitted)
    if not (folder / ANSWERS_FILE).exists() and _has_quiz(master):
        result.notes.append(
            f"{ANSWERS_FILE} is missing from the submission, so every quiz scores zero: no quiz was ever answered, "
            "or the file was lost (deleted, or left out of an upload); if the student has it, add it and grade again"
        )
    return result


def _has_quiz(master: Path) -> bool:
    """Whether the released assignment has graded quiz questions (their tests read the answers file)."""
    for path in master.glob("*.ipynb"):
        try:
            if any('check("quiz_answered"' in c.source for c in nbformat.read(path, as_version=4).cells):
                return True
        except Exception:  # noqa: S112 - a master that cannot be read is reported by the comparison
            continue
    return False


def unreadable_reason(path: Path) -> str | None:
    """Why nbgrader cannot read this notebook file, or None if it can."""
    return _read(Path(path))[1]


def _read(path: Path) -> tuple:
    """The notebook and None, or None and why nbgrader could not read it."""
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, f"{path.name} is not UTF-8 text (byte {exc.start}); ask the student to re-save and resubmit"
    except OSError as exc:
        return None, f"{path.name} could not be read ({exc.strerror}); ask the student to resubmit"
    try:
        json.loads(text)
    except ValueError as exc:
        return None, (
            f"{path.name} is not valid JSON (broken at line {exc.lineno}); "
            "the file was damaged or edited outside Jupyter: ask the student to resubmit"
        )
    try:
        nb = nbformat.reads(text, as_version=4)
        nbformat.validate(nb)
    except Exception as exc:  # nbformat raises several types for "not a notebook"
        return None, f"{path.name} is not a valid notebook ({type(exc).__name__}); ask the student to resubmit"
    return nb, None


def _missing_notebook(folder: Path, master: Path, notebooks: list, links: list) -> str | None:
    """Why the submission lacks a notebook of the assignment, or None. (nbgrader silently skips notebooks it
    does not know, so a renamed copy would be graded as blank.)"""
    names = {p.name for p in notebooks}
    expected_names = {e.name for e in master.glob("*.ipynb")}
    for expected in sorted(expected_names):
        if expected in names:
            continue
        if any(link.name == expected for link in links):
            return f"{expected} is a link to {os.readlink(folder / expected)!r}, not a notebook file"
        others = sorted(names - expected_names)
        if others:
            return (
                f"{expected} is missing; the submission has {', '.join(map(repr, others))}: "
                f"rename it to {expected} and resubmit"
            )
        return f"{expected} is missing from the submission: ask the student to submit it"
    return None


def _tampering(path: Path, nb, master: Path) -> list[str]:
    """Changes to the graded and locked cells of one submitted notebook, against the released master."""
    try:
        found = notebook_findings(nb, nbformat.read(master, as_version=4)) if master.is_file() else []
        return found + kernel_findings(nb)
    except Exception as exc:  # a check of the grader's must never stop the class
        return [f"{path.name} could not be compared with the assignment ({type(exc).__name__}: {exc})"]
