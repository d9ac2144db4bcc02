"""Do answers computed another valid way earn full marks, and typical wrong answers the points they should,
when graded by the notebooks' own test cells (hidden tests included)?

Each instructor notebook runs once in-process; then, for each case, its answer code replaces the
instructor's answer and the test cells of that exercise are run. A cell earns its points when it raises
nothing, as under nbgrader.
"""

import importlib
import json
import os
import warnings

import matplotlib
import nbformat
import pytest

from course.paths import ASSIGNMENTS
from course.teacher.sample import SOLUTION_MARKERS
from tests.conftest import source_notebook
from tests.fairness_cases import OK, WRONG

matplotlib.use("Agg")

# (assignment, kind, answer code, {test cell: points it must earn}), from tests/fairness_cases/<assignment>.py.
CASES = [
    (assignment, *case)
    for assignment in ASSIGNMENTS
    for case in importlib.import_module(f"tests.fairness_cases.{assignment}").CASES
]


def _plain(source: str) -> str:
    return "\n".join(ln for ln in source.splitlines() if ln.strip() not in SOLUTION_MARKERS)


@pytest.fixture(scope="module")
def solved(tmp_path_factory):
    """Each instructor notebook run in-process: its namespace and its test cells."""
    import matplotlib.pyplot as plt

    here, runs = os.getcwd(), {}
    os.chdir(tmp_path_factory.mktemp("fairness"))  # the quiz cells read answers from the working folder
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for assignment in ASSIGNMENTS:
                nb = nbformat.read(source_notebook(assignment), as_version=4)
                namespace, tests = {}, {}
                for cell in nb.cells:
                    meta = cell.metadata.get("nbgrader", {})
                    if cell.cell_type != "code":
                        continue
                    if meta.get("grade"):
                        tests[meta["grade_id"]] = (cell.source, meta["points"])
                    else:
                        exec(compile(_plain(cell.source), meta.get("grade_id", "cell"), "exec"), namespace)
                runs[assignment] = (namespace, tests)
        yield runs
    finally:
        plt.close("all")
        os.chdir(here)


def out_of_kernel(name, answer, /, **expected):
    """``check`` as the grader decides it (course/grading/verdict.py): on the answer exported and rebuilt."""
    from course import CheckFailed, check
    from course.export import Unexportable, case_inputs, export_answer, restore

    rebuilt = restore(json.loads(json.dumps(export_answer(answer, case_inputs(expected)), allow_nan=False)))
    if isinstance(rebuilt, Unexportable):
        raise CheckFailed(f"unexportable {rebuilt.type_name}")
    return check(name, rebuilt, **expected)


def points(namespace: dict, tests: dict, cells, checker=None) -> dict:
    earned = {}
    if checker is not None:
        namespace = dict(namespace, check=checker)
    for cell in cells:
        source, worth = tests[cell]
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                exec(compile(source, cell, "exec"), dict(namespace))
            earned[cell] = worth
        except Exception:  # any error in a test cell scores it zero, as under nbgrader
            earned[cell] = 0
    return earned


@pytest.mark.parametrize(
    "assignment,kind,code,expected", CASES, ids=[f"{a}-{k}-{next(iter(e))}" for a, k, _, e in CASES]
)
def test_an_answer_earns_exactly_the_points_it_should(solved, assignment, kind, code, expected):
    base, tests = solved[assignment]
    namespace = dict(base)
    exec(compile(code, "answer", "exec"), namespace)
    assert points(namespace, tests, expected) == expected
    assert points(namespace, tests, expected, checker=out_of_kernel) == expected, "the verdict outside the kernel"
    if kind == OK:
        assert all(expected[c] == tests[c][1] for c in expected), "an 'ok' case must expect full marks"
    else:
        assert sum(expected.values()) < sum(tests[c][1] for c in expected), "a 'wrong' case must lose points"


def test_the_instructor_answers_earn_every_point(solved):
    for assignment, (namespace, tests) in solved.items():
        auto = {c: worth for c, (_, worth) in tests.items() if "quiz" not in c}
        assert points(namespace, tests, auto) == auto, assignment
        assert points(namespace, tests, auto, checker=out_of_kernel) == auto, assignment


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_exercise_has_an_alternative_and_a_wrong_case(solved, assignment):
    _, tests = solved[assignment]
    exercises = {c for c in tests if "quiz" not in c}  # quiz answers are graded by key in test_pipeline
    for kind in (OK, WRONG):
        covered = {c for a, k, _, e in CASES if a == assignment and k == kind for c in e}
        assert exercises <= covered, f"{kind} cases missing for {sorted(exercises - covered)}"
