"""Do the messages a student reads when a check fails say what they found in the student's terms?

Different values must look different, text must look different from numbers, a value the grader could not
rebuild outside the kernel must be named as the student knows it (and read the same in the kernel and out),
code in messages must not nest backticks, and no course internal may show.
"""

import ast
import json
import re
from fractions import Fraction
from pathlib import Path

import matplotlib
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_output

from course import CheckFailed, check
from course.checks import expect
from course.export import Unexportable, case_inputs, export, export_answer, restore
from course.grading.verdict import RECORD, DecideOutside, MasterTest, decide

matplotlib.use("Agg")

CHECKS = Path(expect.__file__).parent


def message(check_name, answer, /, **expected) -> str:
    with pytest.raises(CheckFailed) as failure:
        check(check_name, answer, **expected)
    return str(failure.value)


def rebuilt(answer, expected=None):
    """The answer as the grader rebuilds it outside the kernel (course/grading/verdict.py)."""
    return restore(json.loads(json.dumps(export_answer(answer, case_inputs(expected or {})), allow_nan=False)))


def nested_backticks(text: str) -> bool:
    """True when backticks cannot pair up into code spans: an odd count, an empty span or one with space at
    an end (two spans run together), or a span whose brackets are unbalanced (``df[`col`]`` pairs up as
    ``df[`` and ``]``)."""
    if text.count("`") % 2:
        return True
    for span in text.split("`")[1::2]:
        if not span.strip() or span != span.strip():
            return True
        for left, right in ("()", "[]", "{}"):
            if span.count(left) != span.count(right):
                return True
    return False


# --- different values look different ---------------------------------------------------------------------
@pytest.mark.parametrize(
    "got,want",
    [
        ([12.9, 15.5, 18], [12.9, 15.497791, 18.0]),
        ([12.9, 15.497791, 18.0], [12.9, 15.5, 18]),
        ([0.243], [0.24300001]),
        ([2019], ["2019"]),
        ([1e-7], [1.2e-7]),
    ],
)
def test_a_pair_of_lists_that_differ_is_shown_differently(got, want):
    shown_got, shown_want = expect.shown_pair(got, want)
    assert shown_got != shown_want
    assert expect.first_difference(got, want) is not None


def test_a_pair_shown_keeps_short_numbers_short():
    assert expect.shown_pair([12.9, 15.5, 18], [12.9, 15.5, 18.0]) == ("[12.9, 15.5, 18]", "[12.9, 15.5, 18]")
    assert expect.shown_pair([12.9, 15.5], [12.9, 15.497791]) == ("[12.9, 15.5]", "[12.9, 15.4978]")
    assert expect.first_difference([12.9, 15.5], [12.9, 15.497791]) == "item 2 is 15.5 where 15.4978 is expected"
    assert expect.shown_pair(0.243, 0.24300001) == ("0.243", "0.24300001")
    assert expect.shown_pair(["2019"], [2019]) == ("['2019']", "[2019]")


def test_whole_numbers_are_never_shown_in_scientific_notation():
    assert expect.shown_pair(300.0, -75.0) == ("300", "-75")
    assert expect.shown_pair(1500.0, 10.0) == ("1500", "10")
    assert expect.shown(2019.0) == "2019"


def test_a_number_near_the_expected_one_is_shown_with_the_digits_that_differ():
    text = message("number", 15.50000004, name="x", accept=[15.5])
    assert "is 15.50000004; expected 15.5" in text
    text = message("number", 374.0001, name="x", accept=[374])
    assert "is 374.0001; expected 374" in text


def test_numpy_values_are_shown_as_a_student_writes_them():
    import numpy as np

    assert [expect.shown(x) for x in (np.str_("2019"), np.float64(3.5), np.int64(7), np.bool_(True), pd.NaT)] == [
        "'2019'",
        "3.5",
        "7",
        "True",
        "NaT",
    ]


def test_text_is_told_apart_from_a_number():
    assert "'2019'" in message("number", "2019", name="year", accept=[2019])
    assert "'260'" in message("meeting_gaps", ["260"], expected=[260])


# --- what the grader could not rebuild is named as the student knows it ----------------------------------
def axes_set_result():
    ax = pd.Series([12.9, 15.497791, 18.0], index=[2017, 2018, 2019]).plot()
    return ax.set(title="Arrivals", xlabel="year")  # a list of Text objects, not the Axes


def test_a_list_of_text_objects_is_explained_the_same_in_the_kernel_and_outside():
    answer = axes_set_result()
    inside = message("plot_shows", answer, name="arrivals_ax", y=[12.9, 15.497791, 18.0])
    outside = message("plot_shows", rebuilt(answer), name="arrivals_ax", y=[12.9, 15.497791, 18.0])
    assert inside == outside
    assert "a list of matplotlib Text objects" in inside and "ax.set(...)" in inside
    assert "Unexportable" not in outside and "unexportable" not in outside


def test_a_rebuilt_value_keeps_the_name_of_its_type():
    back = rebuilt(Fraction(1, 3))
    assert isinstance(back, Unexportable) and type(back).__name__ == "Fraction"
    assert expect.described(back) == expect.described(Fraction(1, 3)) == "a Fraction"
    text = axes_set_result()[0]
    assert expect.described(rebuilt(text)) == expect.described(text) == "a matplotlib Text object"
    assert "unexportable" not in repr(rebuilt(text)).lower()


def test_an_item_that_could_not_be_rebuilt_is_described_not_dumped():
    title = pd.Series([1.0, 2.0]).plot().set_title("Arrivals")
    inside = message("meeting_gaps", [260, title], expected=[260, 123])
    outside = message("meeting_gaps", rebuilt([260, title]), expected=[260, 123])
    assert inside == outside and "a matplotlib Text object" in inside and "nexportable" not in inside


def test_the_verdict_outside_names_the_students_type_not_the_graders():
    test = MasterTest('check("plot_shows", ax, name="ax", y=[1.0, 2.0])', {})
    title = pd.Series([1.0, 2.0]).plot().set_title("Arrivals")
    decision = decide(test, [{"check": "plot_shows", "answer": export(title)}])
    assert not decision.passed
    inside = message("plot_shows", title, name="ax", y=[1.0, 2.0])
    assert decision.outputs[-1]["evalue"] == inside
    assert "matplotlib Text object" in inside and "matplotlib.text" not in inside
    odd = decide(
        MasterTest('check("number", x, name="x", accept=[374])', {}),
        [{"check": "number", "answer": export(Fraction(374))}],
    )
    assert not odd.passed and "a Fraction" in odd.why and "fractions.Fraction" not in odd.why


# --- no nested backticks ---------------------------------------------------------------------------------
def _messages_in(path: Path):
    """Every string literal and f-string template of a module, docstrings left out (they are reST)."""
    tree = ast.parse(path.read_text())
    docstrings = {
        id(n.body[0].value)
        for n in ast.walk(tree)
        if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef))
        and n.body
        and isinstance(n.body[0], ast.Expr)
        and isinstance(n.body[0].value, ast.Constant)
    }
    parts = {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values}
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            yield node.lineno, "".join(v.value if isinstance(v, ast.Constant) else "X" for v in node.values)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings | parts:
            yield node.lineno, node.value


def test_no_message_template_in_the_checks_nests_backticks():
    found = [
        f"{path.name}:{line}: {text}"
        for path in sorted(CHECKS.glob("*.py"))
        for line, text in _messages_in(path)
        if " " in text and nested_backticks(text)
    ]  # words, not "`"
    assert found == []


def test_a_name_that_is_already_code_is_not_wrapped_again():
    for text in (
        message("number", "x", name="an item of `exports`", accept=[1]),
        message("number", [1, 2], name="an item of `exports`", accept=[1]),
        message("number", ..., name="an item of `exports`", accept=[1]),
    ):
        assert not nested_backticks(text), text


# --- no course internals ---------------------------------------------------------------------------------
def test_a_kernel_error_kept_for_the_student_does_not_show_the_recording_helper():
    test = MasterTest('### BEGIN HIDDEN TESTS\ncheck("number", x, name="x", accept=[374])\n### END HIDDEN TESTS', {})
    frame = (
        f"\x1b[36mCell\x1b[39m In[3], line 2\n      1 from course.export import record as {RECORD}\n"
        f"----> 2 {RECORD}('number', x)\n"
    )
    cell = new_code_cell(
        test.kernel_source(),
        outputs=[
            new_output(
                "error",
                ename="NameError",
                evalue="name 'x' is not defined",
                traceback=[
                    "\x1b[31m-----\x1b[39m",
                    "NameError    Traceback (most recent call last)",
                    frame,
                    "\x1b[31mNameError\x1b[39m: name 'x' is not defined",
                ],
            )
        ],
    )
    DecideOutside._decide(cell, "x_test", test)
    shown = json.dumps(cell.outputs)
    assert "name 'x' is not defined" in shown
    assert RECORD not in shown and "course.export" not in shown


def test_no_message_in_the_checks_names_a_course_internal():
    internal = re.compile(r"_record_answer|course\.|Unexportable|Replay|_REGISTRY")
    found = [
        f"{path.name}:{line}: {text}"
        for path in sorted(CHECKS.glob("*.py"))
        for line, text in _messages_in(path)
        if internal.search(text)
    ]
    assert found == []


def test_a_call_that_raised_names_a_row_by_its_label_or_its_values_never_none():
    import pandas as pd

    def score(row, weights):
        raise KeyError("x")

    for row, shown_as in (
        (pd.Series({"a": 1, "b": 2.5}), "<row with a=1, b=2.5>"),
        (pd.Series({"a": 1}, name="Hanoi"), "<row 'Hanoi'>"),
    ):
        with pytest.raises(CheckFailed) as failure:
            expect.called(score, "score", (row, {"a": 1}))
        assert f"score({shown_as}, {{'a': 1}}) raised KeyError" in str(failure.value)
        assert "None" not in str(failure.value)


def test_a_time_span_from_numpy_gets_the_days_advice_not_a_type_error():
    import numpy as np

    span = np.datetime64("2017-12-22") - np.datetime64("2017-11-29")
    with pytest.raises(CheckFailed, match=r"is a time span \(23 days.*\.days"):
        check("number", span, name="days", accept=[23])


def test_a_missing_column_is_named_once():
    with pytest.raises(CheckFailed) as failure:
        expect.dataframe(pd.DataFrame({"a": [1]}), "t", columns=("number", "number"))
    assert "['number'];" in str(failure.value)
