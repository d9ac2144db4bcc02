"""Do answers computed another valid way earn full marks, typical wrong answers the points they should, and typed-in
keys nothing, when graded by the notebooks' own test cells (hidden tests included) and the second run on shifted
data (course.grading.computed)?

Each instructor notebook runs once in-process on the real data and once on each variant of the shifted data; then,
for each case, its answer code replaces the instructor's answer and the test cells of that exercise are run. A cell
earns its points when it raises nothing, as under nbgrader, and loses them when, on any variant, the second run
finds an answer it checks not computed from the data.
"""

import importlib
import json
import os
import warnings

import matplotlib
import matplotlib.pyplot as plt
import pytest

from course.grading.shift import VARIANTS
from course.paths import ASSIGNMENTS
from tests.conftest import source_notebook
from tests.fairness_cases import OK, TYPED, WRONG
from tests.shifted import not_computed, run_notebook

matplotlib.use("Agg")

# (assignment, kind, answer code, {test cell: points it must earn}), from tests/fairness_cases/<assignment>.py.
CASES = [
    (assignment, *case)
    for assignment in ASSIGNMENTS
    for case in importlib.import_module(f"tests.fairness_cases.{assignment}").CASES
]


@pytest.fixture(scope="module")
def solved(tmp_path_factory):
    """Each instructor notebook run in-process, on the real data and on each variant of the shifted data: its
    namespace and its test cells, by variant (0: the real data)."""
    import matplotlib.pyplot as plt

    here, runs = os.getcwd(), {}
    os.chdir(tmp_path_factory.mktemp("fairness"))  # the quiz cells read answers from the working folder
    try:
        for assignment in ASSIGNMENTS:
            for variant in (0, *VARIANTS):
                runs[assignment, variant] = run_notebook(source_notebook(assignment), variant)
                plt.close("all")
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
    base, tests = solved[assignment, 0]
    namespace = dict(base)
    plt.close("all")
    exec(compile(code, "answer", "exec"), namespace)
    first_run = points(namespace, tests, expected)
    flagged = not_computed(solved, assignment, code, expected, VARIANTS)
    earned = {c: 0 if c in flagged else p for c, p in first_run.items()}
    assert earned == expected, f"not computed from the data, on variants: {flagged}"
    assert points(namespace, tests, expected, checker=out_of_kernel) == first_run, "the verdict outside the kernel"
    if kind == OK:
        assert all(expected[c] == tests[c][1] for c in expected), "an 'ok' case must expect full marks"
    elif kind == TYPED:
        assert all(first_run[c] == tests[c][1] for c in expected), "a typed key passes the checks on the real data"
        assert set(expected) == {c for c, v in flagged.items() if set(v) == set(VARIANTS)}, (
            f"a typed key earns nothing on every variant of the data: flagged on {flagged}"
        )
    else:
        assert sum(expected.values()) < sum(tests[c][1] for c in expected), "a 'wrong' case must lose points"


def test_the_instructor_answers_earn_every_point(solved):
    for (assignment, variant), (namespace, tests) in solved.items():
        if variant:
            continue
        auto = {c: worth for c, (_, worth) in tests.items() if "quiz" not in c}
        assert points(namespace, tests, auto) == auto, assignment
        assert points(namespace, tests, auto, checker=out_of_kernel) == auto, assignment


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_exercise_has_an_alternative_and_a_wrong_case(solved, assignment):
    _, tests = solved[assignment, 0]
    exercises = {c for c in tests if "quiz" not in c}  # quiz answers are graded by key in test_pipeline
    for kind in (OK, WRONG):
        covered = {c for a, k, _, e in CASES if a == assignment and k == kind for c in e}
        assert exercises <= covered, f"{kind} cases missing for {sorted(exercises - covered)}"
