"""The grader's second run, in this process: notebooks' cells run on a variant of the data, and the answers their
test cells' checks read recorded as the kernel records them (course.grading.computed). Used by test_fairness and
test_second_run; the grading itself is tested in the sandbox by test_second_run.

``python -m tests.shifted FIRST LAST`` looks for variants to put in course.grading.shift.VARIANTS: those in which
every typed-in fairness case loses its points and no correct one does (docs/grading-safety.md, "Computed, not
typed").
"""

import contextlib
import functools
import json
import warnings

import matplotlib.pyplot as plt
import nbformat

import course.data
from course.export import QUIZ_CHECKS, case_inputs, export_answer
from course.grading.computed import findings
from course.grading.shift import shifted_tables
from course.teacher.sample import SOLUTION_MARKERS


@functools.lru_cache(maxsize=16)
def _tables(variant: int) -> dict:
    return shifted_tables(variant)


@contextlib.contextmanager
def data_of(variant: int):
    """``course.data.load`` reads the data of ``variant`` (0: the real data) while the block runs, as the package's
    data sets mounted over in the second run's sandbox are read."""
    tables = _tables(variant)
    real = course.data._read
    course.data._read = lambda name: tables[name].copy()
    try:
        yield
    finally:
        course.data._read = real


def plain(source: str) -> str:
    return "\n".join(ln for ln in source.splitlines() if ln.strip() not in SOLUTION_MARKERS)


def run_notebook(path, variant: int) -> tuple[dict, dict]:
    """Run an instructor notebook's cells other than its test cells here, on ``variant``'s data: its namespace
    and ``{test cell: (source, points)}``."""
    nb = nbformat.read(path, as_version=4)
    namespace, tests = {}, {}
    with data_of(variant), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if cell.cell_type != "code":
                continue
            if meta.get("grade"):
                tests[meta["grade_id"]] = (cell.source, meta["points"])
            else:
                exec(compile(plain(cell.source), meta.get("grade_id", "cell"), "exec"), namespace)
                plt.close("all")  # as the kernel's inline backend does after each cell: the next plot is new
    return namespace, tests


def records(namespace: dict, tests: dict, cells) -> dict:
    """``{test cell: [recorded answers]}``: what each check of the cell reads, exported as in the kernel (quizzes,
    graded from their file, are left out)."""
    found = {}
    for cell in cells:
        out: list = []

        def recorder(name, answer, /, out=out, **expected):
            if name not in QUIZ_CHECKS:
                exported = export_answer(answer, case_inputs(expected))
                out.append({"check": name, "answer": json.loads(json.dumps(exported, allow_nan=False))})

        with contextlib.suppress(Exception), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            exec(compile(tests[cell][0], cell, "exec"), dict(namespace, check=recorder))
        found[cell] = out
    return found


_REFERENCES: dict = {}


def _reference(solved: dict, assignment: str, variant: int, cells) -> dict:
    """The instructor's recorded answers of ``cells``, once per run of the notebook."""
    namespace, tests = solved[assignment, variant]
    key = (assignment, variant, id(namespace), tuple(cells))
    if key not in _REFERENCES:
        _REFERENCES[key] = records(namespace, tests, cells)
    return _REFERENCES[key]


def not_computed(solved: dict, assignment: str, code: str, cells, variants) -> dict:
    """``{test cell: [variants]}``: where the second run finds an answer of ``code`` not computed from the data.
    ``solved[assignment, variant]`` is :func:`run_notebook` of the instructor's notebook on that variant."""
    real, tests = solved[assignment, 0]
    mine = dict(real)
    plt.close("all")
    exec(compile(code, "answer", "exec"), mine)
    found_real, reference = records(mine, tests, cells), _reference(solved, assignment, 0, cells)
    flagged = {}
    for variant in variants:
        base, _ = solved[assignment, variant]
        shifted = dict(base)
        plt.close("all")  # as the kernel's inline backend does after each cell: the answer's plot is new
        with data_of(variant), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                exec(compile(code, "answer", "exec"), shifted)
            except Exception:  # noqa: BLE001 - it stops on the shifted data: nothing recorded, nothing judged
                continue
            second = {
                "student": records(shifted, tests, cells),
                "real": reference,
                "shifted": _reference(solved, assignment, variant, cells),
            }
        for cell in cells:
            if findings(cell, found_real[cell], second):
                flagged.setdefault(cell, []).append(variant)
    return flagged


def _search(first: int, last: int) -> None:
    import importlib
    import os
    import tempfile

    from course.paths import ASSIGNMENTS
    from tests.conftest import source_notebook
    from tests.fairness_cases import OK, TYPED

    os.chdir(tempfile.mkdtemp())
    cases = [(a, *c) for a in ASSIGNMENTS for c in importlib.import_module(f"tests.fairness_cases.{a}").CASES]
    solved = {(a, 0): run_notebook(source_notebook(a), 0) for a in ASSIGNMENTS}
    for variant in range(first, last + 1):
        try:
            solved.update({(a, variant): run_notebook(source_notebook(a), variant) for a in ASSIGNMENTS})
        except RuntimeError as exc:  # no draw of this variant keeps the dates apart
            print(variant, exc)
            continue
        wrong = []
        for a, kind, code, cells in cases:
            flagged = set(not_computed(solved, a, code, list(cells), [variant])) if kind in (OK, TYPED) else set()
            if (kind == OK and flagged) or (kind == TYPED and flagged != set(cells)):
                wrong.append((a, kind, sorted(cells)))
        print(variant, "good" if not wrong else f"{len(wrong)} case(s) decided wrongly, e.g. {wrong[0]}", flush=True)


if __name__ == "__main__":
    import sys

    import matplotlib

    matplotlib.use("Agg")
    _search(int(sys.argv[1]), int(sys.argv[2]))
