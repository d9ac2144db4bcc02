"""Does the student's copy of each notebook hold no key? (docs/grading-safety.md, "No key in what students see")

A visible test cell checks the form of an answer; its values are checked by the hidden tests, which the release
does not hold. For every test cell of release/<a>/<a>.ipynb, what a student can read in it (its literals, the
constant expressions it writes, the values its checks receive, and the numbers and words in its comments and
text) is compared with the keys of the same cell in source/<a>/<a>.ipynb: what its hidden checks receive in the
arguments that state the answer (``course.checks.key_arguments``: expected and accepted values, a function's
expected results). A number within the hidden check's tolerance of a key, or a key's text, is a key given away.

Not keys, by principle: labels (the keys of a dict: years, columns, sides), what the question's own text already
says (a label or a name the prompt gives, such as the venue that must come first), the data sets' column names,
and the numbers 0 and 1, the bounds and flags of every check. No kernel: the cells are read with ``ast``.
"""

import ast
import inspect
import io
import re
import tokenize
from dataclasses import dataclass
from numbers import Number

import nbformat
import numpy as np
import pandas as pd
import pytest

from course.checks import _REGISTRY, key_arguments
from course.data import DATASETS, _schema
from course.grading.verdict import MasterTest, setup_namespace
from course.paths import ASSIGNMENTS
from tests.conftest import release_notebook, source_notebook

#: The relative margin within which two numbers are the same key when the check states no tolerance.
RELATIVE = 1e-6
#: Numbers no key can hide behind: the bounds and flags of every check (low=1, tolerance=0, ...).
TRIVIAL = (0, 1)
#: A number written in text, as a student reads it: "-37.2%", "260 days", the year of "2018-06-12".
NUMBER_IN_TEXT = re.compile(r"(?<![\w.-])-?\d+(?:\.\d+)?(?!\w|\.\d)")


@dataclass(frozen=True)
class Key:
    value: object
    tolerance: float = 0.0


def _meta(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def _is_test(cell) -> bool:
    return cell.cell_type == "code" and _meta(cell).get("grade") and not _meta(cell).get("solution")


def _plain(value):
    """A value as a plain Python scalar: NumPy's unwrapped, dates and other objects as text."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or value is ... or isinstance(value, (bool, str)):
        return value
    if isinstance(value, Number):
        return float(value)
    return str(value)


def flatten(value, labels: bool = False):
    """The scalars inside a value (lists, tuples, sets, dicts, Series); a dict's keys only with ``labels``."""
    if isinstance(value, dict):
        for k, v in value.items():
            if labels:
                yield from flatten(k, labels)
            yield from flatten(v, labels)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for v in value:
            yield from flatten(v, labels)
    elif isinstance(value, (pd.Series, pd.Index, np.ndarray)):
        yield from flatten(list(value), labels)
    elif isinstance(value, pd.DataFrame):
        return  # a data set handed to a check (the original table): data, not a key
    else:
        yield _plain(value)


def _tolerance(name: str, expected: dict) -> float:
    """The margin of a check call: its ``tolerance``, or half a unit in the last place its rounding allows."""
    given = dict(inspect.signature(_REGISTRY[name]).parameters)
    default = {p: given[p].default for p in ("tolerance", "decimals", "min_decimals") if p in given}
    settings = {**default, **{k: v for k, v in expected.items() if k in default}}
    margin = settings.get("tolerance")
    margin = float(margin) if isinstance(margin, Number) else 0.0
    for places in (settings.get("decimals"), settings.get("min_decimals")):
        if isinstance(places, int):
            margin = max(margin, 0.5 * 10**-places)
    return margin


def hidden_keys(source: str, namespace: dict) -> list:
    """What the hidden checks of a source test cell receive in the arguments that state the answer."""
    keys = []
    for call in MasterTest(source, namespace).calls:
        if not call.hidden:
            continue
        stated = key_arguments(call.name)
        margin = _tolerance(call.name, call.expected)
        for argument, value in call.expected.items():
            if stated is not None and argument not in stated:
                continue
            if argument == "cases":  # a function's cases: its inputs, then the result expected
                value = [tuple(case)[-1] for case in value]
            keys += [
                Key(v, margin) for v in flatten(value) if v is not None and v is not ... and not isinstance(v, bool)
            ]
    return keys


def _constant(node) -> bool:
    return all(
        isinstance(n, (ast.Constant, ast.BinOp, ast.UnaryOp, ast.operator, ast.unaryop, ast.expr_context))
        for n in ast.walk(node)
    )


def _inputs(tree) -> set:
    """The nodes of a function check's case inputs (all but each case's last item): what the student's function
    is asked about, which no one can copy as an answer. As in the hidden tests, only the results count."""
    inside = set()
    for call in ast.walk(tree):
        for kw in getattr(call, "keywords", []) if isinstance(call, ast.Call) else []:
            if kw.arg == "cases" and isinstance(kw.value, (ast.List, ast.Tuple)):
                for case in kw.value.elts:
                    for item in case.elts[:-1] if isinstance(case, ast.Tuple) else []:
                        inside |= {id(n) for n in ast.walk(item)}
    return inside


def visible_values(source: str, namespace: dict) -> tuple[list, list]:
    """(values, texts) a student reads in a released test cell: its literals and constant expressions (260 /
    (365.25 / 12) is 8.54...), the values its checks receive, evaluated as the grader does; and its comments
    and strings, as text. A function's case inputs are left out (``_inputs``)."""
    tree = ast.parse(source)
    values, texts, inputs = [], [], _inputs(tree)
    for node in ast.walk(tree):
        if id(node) in inputs:
            continue
        if isinstance(node, ast.Constant):
            values.append(_plain(node.value))
            if isinstance(node.value, str):
                texts.append(node.value)
        elif isinstance(node, (ast.BinOp, ast.UnaryOp)) and _constant(node):
            values.append(_plain(eval(compile(ast.Expression(node), "<visible>", "eval"))))  # noqa: S307
    for call in MasterTest(source, namespace).calls:
        shown = dict(call.expected)
        if "cases" in shown:
            shown["cases"] = [tuple(case)[-1] for case in shown["cases"]]
        values += list(flatten(list(shown.values()), labels=True))
    texts += [t.string for t in tokenize.generate_tokens(io.StringIO(source).readline) if t.type == tokenize.COMMENT]
    return values, texts


def _same(seen, key: Key) -> bool:
    if isinstance(seen, float) and isinstance(key.value, float):
        return abs(seen - key.value) <= max(key.tolerance, RELATIVE * max(abs(seen), abs(key.value)))
    return type(seen) is type(key.value) and seen == key.value


def _words(text: str, phrase: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text) is not None


def prompt_of(cells: list, index: int) -> str:
    """The question's text above a test cell: its markdown from the question's heading down to the cell."""
    above = [c.source for c in cells[:index] if c.cell_type == "markdown"]
    starts = [i for i, text in enumerate(above) if re.search(r"^#+ Questions? ", text, re.M)]
    return "\n".join(above[starts[-1] :] if starts else above)


COLUMNS = {p for name in DATASETS for p in _schema(name)["properties"]}


def given_away(visible: str, hidden: str, prompt: str, namespace: dict) -> list:
    """The keys of ``hidden`` (a source test cell) that ``visible`` (its released form) shows."""
    keys = [
        k for k in hidden_keys(hidden, namespace) if not (isinstance(k.value, str) and _not_secret(k.value, prompt))
    ]
    values, texts = visible_values(visible, namespace)
    values = [v for v in values if v not in (None, ...) and not isinstance(v, bool)]
    values = [v for v in values if not (isinstance(v, float) and v in TRIVIAL)]
    values = [v for v in values if not (isinstance(v, str) and _not_secret(v, prompt))]
    in_text = [float(m) for t in texts for m in NUMBER_IN_TEXT.findall(t) if float(m) not in TRIVIAL]
    found = []
    for key in keys:
        if any(_same(v, key) for v in values + in_text):
            found.append(key.value)
        elif isinstance(key.value, str) and any(_words(t, key.value) for t in texts):
            found.append(key.value)
    return sorted(set(map(str, found)))


def _not_secret(text: str, prompt: str) -> bool:
    """Text the question already gives (a label, a name in the prompt) or a data set's column name."""
    return text in COLUMNS or text.strip() == "" or _words(prompt, text)


def leaks(release_nb, source_nb) -> dict:
    """{grade_id: [keys shown]} for every test cell of ``release_nb`` that shows a key of ``source_nb``."""
    namespace = setup_namespace(source_nb)
    source_cells = {_meta(c).get("grade_id"): c for c in source_nb.cells if _is_test(c)}
    found = {}
    for index, cell in enumerate(release_nb.cells):
        if not _is_test(cell) or _meta(cell)["grade_id"] not in source_cells:
            continue
        hidden = source_cells[_meta(cell)["grade_id"]].source
        shown = given_away(cell.source, hidden, prompt_of(release_nb.cells, index), namespace)
        if shown:
            found[_meta(cell)["grade_id"]] = shown
    return found


# --- the released notebooks ------------------------------------------------------------------------------
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_no_visible_test_shows_a_hidden_key(assignment):
    release = nbformat.read(release_notebook(assignment), as_version=4)
    source = nbformat.read(source_notebook(assignment), as_version=4)
    assert leaks(release, source) == {}, "visible test cells that show a key (docs/grading-safety.md)"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_a_visible_check_receives_no_key_argument(assignment):
    """A test cell checks values in its hidden part; its visible checks are called without the arguments that
    state the answer, and so check the form (a function's cases may show results on other inputs)."""
    source = nbformat.read(source_notebook(assignment), as_version=4)
    namespace = setup_namespace(source)
    for cell in source.cells:
        if not _is_test(cell):
            continue
        for call in MasterTest(cell.source, namespace).calls:
            stated = key_arguments(call.name)
            assert stated is not None, f"check {call.name!r} does not say which of its arguments are keys"
            if not call.hidden:
                keys = [a for a in stated if a in call.expected and a != "cases"]
                assert not keys, f"{_meta(cell)['grade_id']}: visible {call.name} receives {keys}"


# --- the test itself: it finds what it must, and only that -------------------------------------------------
NS = {"pd": pd, "np": np}


def _leaks(visible: str, hidden: str, prompt: str = "") -> list:
    return given_away(visible, hidden, prompt, NS)


HIDDEN_260 = '### BEGIN HIDDEN TESTS\ncheck("number", x, name="x", accept=[260])\n### END HIDDEN TESTS'


def test_a_visible_value_equal_to_a_hidden_key_is_found():
    assert _leaks('check("number", x, name="x", accept=[260])', HIDDEN_260) == ["260.0"]
    assert _leaks('check("number_between", x, name="x", low=250, high=260)', HIDDEN_260) == ["260.0"]


def test_a_constant_expression_a_comment_or_a_docstring_gives_the_key_away_too():
    exact = 'check("rounded_number", x, name="x", exact=260 / (365.25 / 12))'
    hidden = f"### BEGIN HIDDEN TESTS\n{exact}\n### END HIDDEN TESTS"
    assert _leaks(exact, hidden)
    assert _leaks('# 260 days are 8.54 months\ncheck("rounded_number", x, name="x")', hidden)  # within rounding
    assert _leaks('"""Check that x is 260."""\ncheck("number", x, name="x")', HIDDEN_260)


def test_a_number_within_the_checks_tolerance_is_the_key():
    hidden = '### BEGIN HIDDEN TESTS\ncheck("number", x, name="x", accept=[4.5], tolerance=0.05)\n### END HIDDEN TESTS'
    assert _leaks('check("number", x, name="x", accept=[4.47], tolerance=0.1)', hidden)
    assert not _leaks('check("number_between", x, name="x", low=0, high=100)', hidden)


def test_the_form_labels_and_what_the_prompt_says_are_no_keys():
    hidden = (
        "### BEGIN HIDDEN TESTS\n"
        'check("counts", a, name="a", expected={"DPRK": 3, "US": 4, "ROK": 5})\n'
        'check("venue_names", v, name="v", expected=["Geneva Conference", "Hanoi summit"], in_order=True)\n'
        "### END HIDDEN TESTS"
    )
    visible = (
        'check("counts", a, name="a", labels=["DPRK", "US", "ROK"])\n'
        'check("venue_names", v, name="v", count=2, first=["Geneva Conference"])'
    )
    assert _leaks(visible, hidden, prompt="You should see the Geneva Conference first.") == []
    assert _leaks(visible, hidden) == ["Geneva Conference"]  # unless the prompt gives it, a name is a key


def test_a_function_checks_inputs_are_not_keys_its_results_are():
    weighted = (
        '### BEGIN HIDDEN TESTS\ncheck("score_function", score, cases=[({"cost": 2}, {"cost": 4}, 2.0)])\n'
        "### END HIDDEN TESTS"
    )
    assert _leaks('check("score_function", score, cases=[({"a": 4, "b": 2}, {"a": 1, "b": 1}, 3.0)])', weighted) == []
    hidden = (
        '### BEGIN HIDDEN TESTS\ncheck("days_between", f, cases=[("2018-06-12", "2019-02-27", 260)])\n'
        "### END HIDDEN TESTS"
    )
    assert _leaks('check("days_between", f, cases=[("2018-06-12", "2019-02-27", ...)])', hidden) == []
    assert _leaks('check("days_between", f, cases=[("2018-06-12", "2019-02-27", 260)])', hidden) == ["260.0"]


# --- practice mode: the teacher may show the values ------------------------------------------------------
def test_practice_mode_keeps_the_value_checks_and_only_them(tmp_path):
    """``c.Practice.assignments`` in nbgrader_config.py: course generate keeps the hidden value checks of that
    assignment in the student version (never a quiz key); every other assignment is generated as always."""
    from course.grading.verdict import HIDDEN_BEGIN
    from course.teacher.classroom import Classroom
    from tests.conftest import copy_course

    root = copy_course(tmp_path / "course")
    (root / "nbgrader_config.py").write_text('c = get_config()\nc.Practice.assignments = ["summit_outcome"]\n')
    room = Classroom(root, tmp_path / "work")
    practice = nbformat.read(room.generate("summit_outcome") / "summit_outcome.ipynb", as_version=4)
    source = nbformat.read(source_notebook("summit_outcome"), as_version=4)
    released = {_meta(c)["grade_id"]: c.source for c in practice.cells if _is_test(c)}
    assert leaks(practice, source), "practice mode shows the values"
    assert 'check("meeting_gaps", meeting_gaps, expected=[260, 123])' in released["test_meeting_gaps"]
    assert not any(HIDDEN_BEGIN in text for text in released.values())
    quiz = [gid for gid in released if "quiz" in gid]
    assert quiz and not any("quiz_graded" in released[gid] or "key=" in released[gid] for gid in quiz)

    graded = nbformat.read(room.generate("middle_powers") / "middle_powers.ipynb", as_version=4)
    committed = nbformat.read(release_notebook("middle_powers"), as_version=4)
    assert [c.source for c in graded.cells] == [c.source for c in committed.cells]
