"""Checks of a submission made in the grader's own process, outside the student's kernel.

Two threats of issue 6:

* **Tampering with the notebook file.** nbgrader's autograde puts back the instructor's copy of every
  locked cell it still finds (OverwriteCells), but a student can delete, duplicate or retype cells,
  change their points or grade ids, or turn a test cell into markdown. :func:`notebook_findings`
  compares the submitted notebook with the released master, cell by cell, and names what changed.
* **Tampering inside the kernel.** A student's code runs in the same kernel as the tests, so it can
  replace ``check`` or swallow exceptions and make a test cell "pass". Quiz answers are plain data
  (quiz_answers.json), so :func:`rescore_quizzes` marks them again here, with the keys from the source
  notebook, and where the kernel's grade is higher it records this process's score as the grade's
  manual score (feedback, formgrader and export then all show it).

Code checks need the student's objects, so they run in the student's kernel; but every check call there
also records its answer as plain data (course.verdict), and :func:`rescore_code` decides each code test
cell again in this process, from those records and the source notebook's tests. A cell the kernel passed
but this verdict fails scores 0 (as a manual score) and the student is flagged. See docs/grading-safety.md.
"""
import ast
from collections import Counter
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry

from .paths import ANSWERS_FILE
from .quiz import AnswerInvalid, AnswerRecordError, find_question, mark, normalise, read_answers
from .quiz.keys import graded_keys

__all__ = ["notebook_findings", "kernel_findings", "quiz_scores", "rescore_quizzes", "rescore_code"]


def _meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def _cells_by_id(nb) -> dict:
    found = {}
    for cell in nb.cells:
        gid = _meta(cell).get("grade_id")
        if gid:
            found.setdefault(gid, []).append(cell)
    return found


def _same_source(a: str, b: str) -> bool:
    return "\n".join(ln.rstrip() for ln in a.strip().splitlines()) == \
           "\n".join(ln.rstrip() for ln in b.strip().splitlines())


def notebook_findings(submitted: Path, master: Path) -> list[str]:
    """What was changed in the submitted notebook's graded, locked or answer cells, compared with the
    released master; [] when nothing was. Each finding names the cell."""
    mine = nbformat.read(submitted, as_version=4)
    theirs = nbformat.read(master, as_version=4)
    have, want = _cells_by_id(mine), _cells_by_id(theirs)
    findings = []
    for gid, [ref, *_] in want.items():
        meta = _meta(ref)
        important = meta.get("grade") or meta.get("locked") or meta.get("solution")
        if not important:
            continue
        cells = have.get(gid, [])
        if not cells:
            findings.append(f"'{gid}' was deleted")
            continue
        if len(cells) > 1:
            findings.append(f"'{gid}' appears {len(cells)} times")
        for cell in cells:
            got = _meta(cell)
            if cell.cell_type != ref.cell_type:
                findings.append(f"'{gid}' was turned from {ref.cell_type} into {cell.cell_type}")
            elif meta.get("locked") and not meta.get("solution") and not _same_source(cell.source, ref.source):
                findings.append(f"'{gid}' (locked) was edited")
            for flag in ("grade", "solution", "locked", "task"):
                if bool(got.get(flag)) != bool(meta.get(flag)):
                    findings.append(f"'{gid}' had its '{flag}' setting changed")
            if (meta.get("grade") or meta.get("task")) and got.get("points") != meta.get("points"):
                findings.append(f"'{gid}' had its points changed from {meta.get('points')} to {got.get('points')}")
    unknown = [gid for gid in have if gid not in want]
    findings += [f"'{gid}' is not a cell of the assignment (a renamed or invented grade id)" for gid in unknown]
    seen = Counter()
    return [f for f in findings if not seen.update([f]) and seen[f] == 1]


def quiz_scores(source: Path, folder: Path) -> dict:
    """``{grade_id: (ref, points earned)}`` of every graded quiz question, marked here from the answer
    record in ``folder`` with the keys of the source notebook."""
    try:
        answers = read_answers(folder) if (Path(folder) / ANSWERS_FILE).is_file() else {}
    except AnswerRecordError:
        answers = {}
    scores = {}
    for ref, spec in graded_keys(source).items():
        quiz, _, qid = ref.partition("/")
        q = find_question(quiz, qid)
        entry = answers.get(ref)
        earned = 0.0
        if isinstance(entry, dict) and entry.get("answer") is not None:
            try:
                result = mark(q, normalise(q, entry["answer"]), spec["key"], spec.get("feedback", {}),
                              spec.get("explain", ""))
                earned = round(spec["points"] * result.fraction, 2)
            except (AnswerInvalid, KeyError, TypeError, ValueError):
                earned = 0.0
        scores[spec["grade_id"]] = (ref, earned)
    return scores


def rescore_quizzes(gb: Gradebook, assignment: str, student: str, notebook: str, source: Path,
                    folder: Path) -> list[str]:
    """Lower every quiz grade the kernel gave above what the answer record earns; return findings.

    The out-of-kernel score is stored as the grade's manual score, so nbgrader's feedback, formgrader and
    export agree with it. A kernel grade at or below it is left alone (a kernel that died earns nothing
    for the cells after it, as everywhere else).
    """
    findings = []
    for gid, (ref, earned) in quiz_scores(source, folder).items():
        try:
            grade = gb.find_grade(gid, notebook, assignment, student)
        except MissingEntry:
            continue
        if grade.manual_score is None and (grade.auto_score or 0) > earned + 1e-9:
            findings.append(f"'{gid}' scored {grade.auto_score:g} in the kernel but the recorded answer to "
                            f"{ref} earns {earned:g}")
            grade.manual_score = earned
            grade.needs_manual_grade = False
    if findings:
        gb.db.commit()
    return findings


def rescore_code(gb: Gradebook, assignment: str, student: str, notebook: str, source: Path,
                 graded: Path) -> list[str]:
    """Set to 0 every code test cell the kernel gave points but whose out-of-kernel verdict fails (the
    answers recorded in the autograded notebook ``graded``, checked against the tests of ``source``);
    return findings. Never raises a grade."""
    from .verdict import notebook_verdicts
    findings = []
    for gid, why in notebook_verdicts(source, graded).items():
        if why is None:
            continue
        try:
            grade = gb.find_grade(gid, notebook, assignment, student)
        except MissingEntry:
            continue
        if grade.manual_score is None and (grade.auto_score or 0) > 0:
            findings.append(f"'{gid}' passed in the kernel but not outside it ({why})")
            grade.manual_score = 0.0
            grade.needs_manual_grade = False
    if findings:
        gb.db.commit()
    return findings


#: Names whose rebinding in an answer cell changes what the tests do (course.check and its registry).
_GUARDED_NAMES = {"check", "_REGISTRY", "CheckFailed"}


def _targets(node):
    if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
        return node.targets if isinstance(node, ast.Assign) else [node.target]
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [ast.Name(id=node.name)]
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return [ast.Name(id=(a.asname or a.name)) for a in node.names]
    return []


def _suspicious(source: str) -> list[str]:
    lines = [ln for ln in source.splitlines() if not ln.lstrip().startswith(("%", "!"))]
    try:
        tree = ast.parse("\n".join(lines))
    except SyntaxError:
        return []
    found = []
    for node in ast.walk(tree):
        for target in _targets(node):
            for part in ast.walk(target):
                name = getattr(part, "id", None) or getattr(part, "attr", None)
                if name in _GUARDED_NAMES:
                    found.append(f"rebinds {name}")
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "set_custom_exc":
            found.append("installs an exception handler (set_custom_exc)")
        if isinstance(node, ast.Attribute) and node.attr == "_REGISTRY":
            found.append("touches the checks' registry")
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            modules = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
            if any(m.startswith("course.checks") for m in modules):
                found.append("imports course.checks")
    return sorted(set(found))


def kernel_findings(submitted: Path) -> list[str]:
    """Answer cells whose code tampers with the tests in the kernel (rebinds ``check``, patches the
    checks' registry, installs an exception handler); a static reading, so it names what it saw but
    cannot prove innocence."""
    findings = []
    for cell in nbformat.read(submitted, as_version=4).cells:
        meta = _meta(cell)
        if cell.cell_type != "code" or meta.get("grade") or meta.get("locked"):
            continue
        what = _suspicious(cell.source)
        if what:
            findings.append(f"'{meta.get('grade_id') or 'a code cell'}' {', '.join(what)}")
    return findings
