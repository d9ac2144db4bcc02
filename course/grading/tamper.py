"""Checks of a submission made in the grader's own process, outside the student's kernel.

Two threats of docs/grading-safety.md:

* **Tampering with the notebook file.** nbgrader's autograde puts back the instructor's copy of every
  locked cell it still finds (OverwriteCells), but a student can delete, duplicate or retype cells,
  change their points or grade ids, or turn a test cell into markdown. :func:`notebook_findings`
  compares the submitted notebook with the released master, cell by cell, and names what changed.
* **Tampering inside the kernel.** A student's code runs in the same kernel as the tests, so the tests are
  decided outside it (course.grading.verdict). :func:`kernel_findings` adds a static reading of the answer cells
  for the known tricks (rebinding ``check``, the checks' registry, exception handlers), which flags the
  student even when the trick gained nothing. See docs/grading-safety.md.
"""

import ast
from collections import Counter

from nbformat import NotebookNode

__all__ = ["notebook_findings", "kernel_findings"]


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
    return "\n".join(ln.rstrip() for ln in a.strip().splitlines()) == "\n".join(
        ln.rstrip() for ln in b.strip().splitlines()
    )


def notebook_findings(mine: NotebookNode, theirs: NotebookNode) -> list[str]:
    """What was changed in the submitted notebook's graded, locked or answer cells, compared with the
    released master; [] when nothing was. Each finding names the cell."""
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
            # builtins.abs = ..., __builtins__["abs"] = ...: what every check and test relies on, replaced
            owner = getattr(target, "value", None)
            if getattr(owner, "id", None) in ("builtins", "__builtins__"):
                what = getattr(target, "attr", None) or getattr(getattr(target, "slice", None), "value", None)
                found.append(f"replaces the built-in {what}" if isinstance(what, str) else "replaces a built-in")
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "set_custom_exc":
            found.append("installs an exception handler (set_custom_exc)")
        if isinstance(node, ast.Attribute) and node.attr == "_REGISTRY":
            found.append("touches the checks' registry")
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            modules = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
            if any(m.startswith("course.checks") for m in modules):
                found.append("imports course.checks")
    return sorted(set(found))


def kernel_findings(submitted: NotebookNode) -> list[str]:
    """Answer cells whose code tampers with the tests in the kernel (rebinds ``check``, patches the
    checks' registry, installs an exception handler); a static reading, so it names what it saw but
    cannot prove innocence."""
    findings = []
    for cell in submitted.cells:
        meta = _meta(cell)
        if cell.cell_type != "code" or meta.get("grade") or meta.get("locked"):
            continue
        what = _suspicious(cell.source)
        if what:
            findings.append(f"'{meta.get('grade_id') or 'a code cell'}' {', '.join(what)}")
    return findings
