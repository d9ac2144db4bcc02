"""The verdict outside the kernel: answers exported as plain data and rebuilt exactly (course/export.py), what
cannot be exported never passing, test cells whose kernel version holds nothing the release does not, and
every honest test cell of the instructor's solutions passing when decided outside (course/grading/verdict.py)."""

import ast
import collections
import json

import nbformat
import numpy as np
import pandas as pd
import pytest
from nbclient import NotebookClient

from course import CheckFailed, check, load
from course.checks.expect import plotted_series
from course.export import Replay, Unexportable, case_inputs, export, export_answer, restore
from course.grading.verdict import RECORD, MasterTest, decide, master_tests, records, setup_namespace
from course.paths import ASSIGNMENTS
from tests.conftest import release_notebook, source_notebook


def round_trip(x):
    return restore(json.loads(json.dumps(export(x), allow_nan=False)))


@pytest.mark.parametrize("name", ["timeline", "venues", "resolutions", "caps", "arrivals", "accounts"])
def test_a_data_set_survives_export_with_its_dtypes(name):
    df = load(name)
    pd.testing.assert_frame_equal(round_trip(df), df, check_index_type=True)


def test_dataframes_and_series_keep_datetimes_nans_indexes_and_names():
    df = pd.DataFrame(
        {
            "date": pd.to_datetime(["2019-02-27", None, "2018-06-12 10:30"], format="ISO8601"),
            "x": [1.5, float("nan"), float("inf")],
            "n": [1, 2, 3],
            "s": ["a", None, "c"],
            "o": [1, "two", None],
        },
        index=pd.Index([10, 20, 30], name="row"),
    )
    pd.testing.assert_frame_equal(round_trip(df), df)
    s = pd.Series([3, 1], index=pd.Index([2016, 2017]), name="count")
    pd.testing.assert_series_equal(round_trip(s), s, check_index_type=True)
    counts = load("timeline")["category"].value_counts()
    pd.testing.assert_series_equal(round_trip(counts), counts)
    gaps = load("timeline")["date"].diff()
    pd.testing.assert_series_equal(round_trip(gaps), gaps)
    wide = pd.DataFrame({"year": [2016, 2017, 2016], "indicator": ["a", "a", "b"], "value": [1.0, 2.0, 3.0]}).pivot(
        index="year", columns="indicator", values=["value"]
    )
    pd.testing.assert_frame_equal(round_trip(wide), wide)


def test_scalars_keep_their_exact_types():
    for x in (
        3,
        2.5,
        float("nan"),
        True,
        "text",
        None,
        np.int64(7),
        np.int32(7),
        np.float64(0.25),
        np.float32(0.25),
        np.bool_(True),
        np.str_("Hanoi"),
        np.datetime64("2019-02-27"),
        np.timedelta64(260, "D"),
        pd.Timestamp("2019-02-27"),
        pd.Timestamp("2019-02-27 09:00", tz="Asia/Ho_Chi_Minh"),
        pd.Timedelta(days=3),
        [1, (2, "x")],
        {2016: 1.0, "a": [None]},
    ):
        back = round_trip(x)
        assert type(back) is type(x)
        assert back == x or (back != back and x != x)


def test_a_timestamp_keeps_its_time_zone_by_name_across_summer_time():
    for stamp in (pd.Timestamp("2019-03-01", tz="America/New_York"), pd.Timestamp("2019-03-20", tz="America/New_York")):
        back = round_trip(stamp)
        assert back == stamp and str(back.tz) == "America/New_York" and back.unit == stamp.unit


@pytest.mark.parametrize(
    "values",
    [
        pd.Series([pd.NA, 20, 16], dtype="Int64", index=[2017, 2018, 2019], name="growth"),
        pd.Series([1.5, pd.NA], dtype="Float64"),
        pd.Series([True, pd.NA], dtype="boolean"),
        pd.Series(["US", pd.NA], dtype="string"),
        pd.Series(["US", "DPRK", "US"], dtype="category"),
        pd.Series(pd.Categorical(["b", "a"], categories=["b", "a", "c"], ordered=True)),
        pd.Series(pd.to_datetime(["2019-03-01", "2019-03-20", None]).tz_localize("America/New_York")),
        pd.Series(pd.to_datetime(["2019-02-27"]).tz_localize("UTC").as_unit("ns")),
        pd.Series([3, 1], index=pd.Index([np.str_("US"), np.str_("DPRK")])),
        pd.Series([np.str_("Hanoi"), np.int64(2019)], dtype=object),
    ],
    ids=["Int64", "Float64", "boolean", "string", "category", "ordered", "new-york", "utc-ns", "numpy-text", "object"],
)
def test_nullable_categorical_and_zoned_series_survive_export_with_their_dtypes(values):
    back = round_trip(values)
    pd.testing.assert_series_equal(back, values, check_index_type=True)
    assert [type(v) for v in back.index] == [type(v) for v in values.index]
    pd.testing.assert_frame_equal(round_trip(values.to_frame()), values.to_frame())


def test_numpy_arrays_of_text_and_dates_keep_their_dtype():
    for array in (
        np.array(["Hanoi", "Singapore"]),
        np.array(["2018-06-12", "NaT"], dtype="datetime64[D]"),
        np.array([260, 123], dtype="timedelta64[D]"),
        np.array([[1, 2], [3, 4]], dtype=np.int16),
    ):
        back = round_trip(array)
        assert back.dtype == array.dtype and back.shape == array.shape
        assert back.tolist() == array.tolist() or str(back.tolist()) == str(array.tolist())


def test_an_object_equal_to_everything_does_not_survive_export():
    class Anything:
        __eq__ = lambda self, other: True  # noqa: E731

    class Number(float):
        __eq__ = lambda self, other: True  # noqa: E731

    class Frame(pd.DataFrame):
        def equals(self, other):
            return True

    class Label(np.str_):  # a NumPy type in name only: exported by exact type, so not at all
        __module__ = "numpy"
        __eq__ = lambda self, other: True  # noqa: E731

    class Years(pd.Index):
        def __array__(self, dtype=None, copy=None):
            return np.array([2018, 2019])

    for x in (Anything(), Number(1), Frame({"a": [1]}), [Anything()], {"k": Number(2)}, Label("x"), [Label("y")]):
        back = round_trip(x)
        assert isinstance(back, Unexportable) or any(
            isinstance(i, Unexportable) for i in (back if isinstance(back, list) else back.values())
        )
    with pytest.raises(CheckFailed):
        check("number", round_trip(Number(374)), name="n", accept=[374])
    years = Years._simple_new(np.array([1, 2]))  # Years([1, 2]) would be a plain Index
    assert export(years)["kind"] == "unexportable"
    assert export(pd.Series([1, 2], index=years))["index"]["kind"] == "unexportable"


def test_a_plot_is_exported_as_the_values_the_checks_read():
    import matplotlib

    matplotlib.use("Agg")
    ax = pd.Series([12.9, 15.497791, 18.0], index=[2017, 2018, 2019]).plot()
    ax.bar([0, 1], [3, 4])
    assert plotted_series(round_trip(ax), "ax") == plotted_series(ax, "ax")
    check("plot_shows", round_trip(ax), name="ax", y=[12.9, 15.497791, 18.0])


def test_a_function_is_exported_as_its_results_on_the_checks_cases():
    def days_between(start, end):
        if start == end:
            raise ValueError("same day")
        return (pd.Timestamp(end) - pd.Timestamp(start)).days

    cases = [("2018-06-12", "2019-02-27", 260), ("2019-02-27", "2019-02-27", 0)]
    replay = restore(json.loads(json.dumps(export_answer(days_between, case_inputs({"cases": cases})))))
    assert isinstance(replay, Replay) and replay("2018-06-12", "2019-02-27") == 260
    with pytest.raises(Exception, match="same day"):
        replay("2019-02-27", "2019-02-27")
    with pytest.raises(LookupError):
        replay("2019-01-01", "2019-01-02")
    with pytest.raises(CheckFailed, match="raised ValueError"):
        check("days_between", replay, cases=cases)
    row = pd.Series({"candidate": "T", "a": 4, "b": 2})

    def score(row, weights):
        return sum(w * row[c] for c, w in weights.items()) / sum(weights.values())

    cases = [(row, {"a": 1, "b": 1}, 3.0)]
    check(
        "score_function",
        restore(json.loads(json.dumps(export_answer(score, case_inputs({"cases": cases}))))),
        cases=cases,
    )
    cached = __import__("functools").lru_cache(days_between)  # any callable, not only a plain function
    assert export_answer(cached, [("2018-06-12", "2019-02-27")])["kind"] == "function"


def _records(*answers):
    return [{"check": name, "answer": export(a)} for name, a in answers]


def test_a_test_decided_outside_fails_a_wrong_missing_extra_or_mismatched_record():
    test = MasterTest('check("number", x, name="x", accept=[374])', {})
    right = decide(test, _records(("number", 374)))
    assert right.passed and right.outputs[0]["text"] == "\u2714 number: passed\n"
    wrong = decide(test, _records(("number", 373)))
    assert not wrong.passed and not wrong.missing and wrong.visible
    assert wrong.outputs[-1]["output_type"] == "error" and wrong.outputs[-1]["ename"] == "CheckFailed"
    assert "373" in wrong.outputs[-1]["evalue"]
    for found in (
        [],
        _records(("counts", 374)),
        _records(("number", 374), ("number", 374)),
        [{"check": "number", "answer": {"kind": "series"}}],
    ):
        decision = decide(test, found)
        assert not decision.passed and decision.missing, found
    odd = decide(test, _records(("number", __import__("fractions").Fraction(374))))
    assert not odd.passed and "cannot check" in odd.why


def test_a_hidden_check_decides_and_partial_credit_is_the_cells_result():
    source = (
        '"""doc"""\ncheck("number", x, name="x", accept=[1, 2])\n### BEGIN HIDDEN TESTS\n'
        'check("number", x, name="x", accept=[2])\nearned = 0.5\nearned\n### END HIDDEN TESTS'
    )
    test = MasterTest(source, {})
    assert [c.hidden for c in test.calls] == [False, True]
    failed = decide(test, _records(("number", 1), ("number", 1)))
    assert not failed.passed and not failed.visible and not failed.missing
    passed = decide(test, _records(("number", 2), ("number", 2)), execution_count=7)
    assert passed.passed and passed.outputs[-1]["output_type"] == "execute_result"
    assert passed.outputs[-1]["data"]["text/plain"] == "0.5" and passed.outputs[-1]["execution_count"] == 7
    kernel = test.kernel_source()
    assert "accept=[2]" not in kernel and "earned" not in kernel and "_record_answer('number', x)" in kernel


def test_the_expected_values_come_from_the_source_notebooks_setup_cells():
    names = setup_namespace(nbformat.read(source_notebook("summit_outcome"), as_version=4))
    assert names["events"]["date"].dtype == object or str(names["events"]["date"].dtype) == "str"
    names = setup_namespace(nbformat.read(source_notebook("sanctions_relief"), as_version=4))
    [call] = MasterTest('check("caps_with_dates", answer, rows=len(caps), columns=["item"])', names).calls
    assert call.expected["rows"] == len(load("caps")) and call.answer == "answer" and call.needs_record


def _test_cells(path) -> dict:
    nb = nbformat.read(path, as_version=4)
    return {
        c.metadata["nbgrader"]["grade_id"]: c.source
        for c in nb.cells
        if c.cell_type == "code"
        and c.metadata.get("nbgrader", {}).get("grade")
        and not c.metadata["nbgrader"].get("solution")
    }


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_kernel_version_of_a_test_holds_nothing_the_release_does_not(assignment):
    """Each line is a line of the released test cell, or the recording of an answer: a check name, the
    answer's name and, for a function, the inputs of its cases. No hidden expected value, no quiz key."""
    master = nbformat.read(source_notebook(assignment), as_version=4)
    released = _test_cells(release_notebook(assignment))
    tests = master_tests(master, setup_namespace(master))
    assert set(tests) == set(released)
    for gid, test in tests.items():
        kernel = test.kernel_source()
        assert "key=" not in kernel and "HIDDEN" not in kernel, gid
        for line in kernel.splitlines():
            if line.startswith(f"{RECORD}("):
                call = ast.parse(line).body[0].value
                assert not call.keywords and isinstance(call.args[0], ast.Constant), line
                assert isinstance(call.args[1], ast.Name) and len(call.args) <= 3, line
                if len(call.args) == 3:  # the inputs: one argument fewer than each case
                    inputs = restore(json.loads(call.args[2].value))
                    hidden = [c for c in test.calls if c.hidden and c.answer == call.args[1].id]
                    assert any(
                        [len(i) for i in inputs] == [len(case) - 1 for case in c.expected.get("cases", [])]
                        for c in hidden
                    ), line
            elif line != f"from course.export import record as {RECORD}":
                assert line in released[gid].splitlines(), (gid, line)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_honest_test_cell_passes_when_decided_outside_the_kernel(tmp_path, monkeypatch, assignment):
    """The instructor's solution, run in a kernel with the grading-time test cells: every code test cell
    passes when the grader decides it from the recorded answers."""
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")  # check() records answers only under autograde
    master = nbformat.read(source_notebook(assignment), as_version=4)
    tests = master_tests(master, setup_namespace(master))
    nb = nbformat.read(source_notebook(assignment), as_version=4)
    graded = {}
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in tests and not any(c.name.startswith("quiz_") for c in tests[gid].calls):
            cell.source = tests[gid].kernel_source()
            graded[gid] = cell
    NotebookClient(nb, timeout=60, allow_errors=True, resources={"metadata": {"path": str(tmp_path)}}).execute()
    assert graded
    for gid, cell in graded.items():
        found = records(cell)
        assert found and all(o["output_type"] != "error" for o in cell.outputs), (gid, cell.outputs)
        decision = decide(tests[gid], found)
        assert decision.passed, (gid, decision.why)
        assert len(found) == sum(c.needs_record for c in tests[gid].calls)


def test_check_records_answers_only_under_autograde(monkeypatch, tmp_path):
    """A student running the tests sees no recording; under autograde every code check records its answer,
    a failing one too, and a quiz check none (its answer is a file the grader reads)."""
    monkeypatch.chdir(tmp_path)  # no quiz answers here
    shown = []
    monkeypatch.setattr("course.export._display", lambda name, answer, inputs: shown.append((name, answer, inputs)))
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    check("number", 374, name="x", accept=[374])
    assert shown == []
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    check("number", 374, name="x", accept=[374])
    with pytest.raises(CheckFailed):
        check("days_between", lambda a, b: 0, cases=[("2018-06-12", "2019-02-27", 260)])
    with pytest.raises(CheckFailed):
        check("quiz_answered", "summit_outcome/hanoi_document")
    assert [(n, i) for n, _, i in shown] == [("number", None), ("days_between", [("2018-06-12", "2019-02-27")])]


def _graded(test: MasterTest, *answers) -> tuple:
    """A test cell as the kernel left it (no error: its visible checks passed there) with the answers it
    recorded, decided by the grader: (the tampering findings, the cell's outputs)."""
    from course.export import MIME
    from course.grading.verdict import DecideOutside

    cell = nbformat.v4.new_code_cell(test.kernel_source())
    cell.outputs = [
        nbformat.v4.new_output("display_data", data={MIME: {"check": name, "answer": export(a)}, "text/plain": ""})
        for name, a in answers
    ]
    return DecideOutside._decide(cell, "test_x", test), cell.outputs


def test_an_honest_answer_the_export_cannot_carry_fails_with_advice_and_no_tampering_flag():
    """A value the export does not carry (interval labels from pd.cut, a Fraction, periods) fails the check
    with advice the student can act on, and is not taken as a sign of tampering: the kernel passed it, but
    that is a limit of the export, not evidence."""
    from fractions import Fraction

    binned = pd.cut(pd.Series([1, 5, 9]), bins=[0, 4, 10]).value_counts()
    counts = MasterTest('check("counts", x, name="x", expected={"a": 1})', {})
    decision = decide(counts, [{"check": "counts", "answer": export(binned)}])
    assert not decision.passed and not decision.missing and not decision.visible and decision.limit
    assert "cannot read back" in decision.why and "numbers or text" in decision.why
    findings, outputs = _graded(counts, ("counts", binned))
    assert findings == [] and outputs[-1]["ename"] == "CheckFailed"
    assert "Interval" in outputs[-1]["evalue"] and ".astype(str)" in outputs[-1]["evalue"]

    number = MasterTest('check("number", x, name="x", accept=[374])', {})
    findings, outputs = _graded(number, ("number", Fraction(374)))  # passes in the kernel: a Fraction is a number
    assert findings == [] and "cannot check: give it as a plain int or float" in outputs[-1]["evalue"]
    gaps = MasterTest('check("meeting_gaps", x, expected=[260, 123])', {})
    findings, outputs = _graded(gaps, ("meeting_gaps", [Fraction(260), Fraction(123)]))
    assert findings == [] and "`x` holds values the grader cannot read back (a Fraction)" in outputs[-1]["evalue"]


def test_a_column_the_export_cannot_carry_fails_only_a_check_that_reads_it():
    """A helper column of periods beside the dates: the check of the dates, which never reads it, passes."""
    events = load("timeline", parse_dates=False)
    timeline = events.assign(date=pd.to_datetime(events["date"])).sort_values("date")
    timeline["month"] = timeline["date"].dt.to_period("M")
    test = MasterTest('check("timeline_sorted", timeline, original=events)', {"events": events})
    assert decide(test, [{"check": "timeline_sorted", "answer": export(timeline)}]).passed


def test_a_value_of_a_type_the_students_code_defined_is_still_flagged():
    """The evidence the flag rests on: an answer of the student's own type (a float that equals everything)
    that the kernel passed, or an answer carried whole that the check rejects outside the kernel."""

    class Anything(float):
        __module__, __qualname__ = "__main__", "Anything"  # as a class defined in a notebook cell
        __eq__ = lambda self, other: True  # noqa: E731
        __hash__ = float.__hash__

    number = MasterTest('check("number", x, name="x", accept=[374])', {})
    findings, outputs = _graded(number, ("number", Anything(1)))
    assert findings == ["'test_x' passed in the kernel but not outside it (CheckFailed: `x` is an Anything, which "
                        "the grader cannot check: give it as a plain int or float.)"]  # fmt: skip
    findings, _ = _graded(number, ("number", [Anything(374)]))
    assert findings and "passed in the kernel but not outside it" in findings[0]
    findings, _ = _graded(number, ("number", 373))
    assert findings == ["'test_x' passed in the kernel but not outside it (CheckFailed: `x` is 373; expected 374.)"]
    assert _graded(number, ("number", np.int64(374)))[0] == []


@pytest.mark.parametrize(
    "make",
    [
        lambda v: v["name"].values,  # text .values on pandas 3: a StringArray
        lambda v: v["name"].unique(),
        lambda v: v["n"].array,  # a NumpyExtensionArray
        lambda v: v["n"].astype("Int64").array,
        lambda v: v["x"].astype("Float64").array,
        lambda v: np.array(v["name"].tolist()),  # a NumPy text array
        lambda v: collections.Counter(v["name"]),
        lambda v: collections.OrderedDict(v["name"].value_counts()),
        lambda v: collections.defaultdict(int, v["name"].value_counts()),
    ],
    ids=["values", "unique", "array", "Int64", "Float64", "numpy-text", "Counter", "OrderedDict", "defaultdict"],
)
def test_the_answers_a_beginner_writes_survive_export_with_their_type(make):
    """Found by grading an independent set of answers: each passed in the kernel and scored 0 outside it."""
    table = pd.DataFrame({"name": ["Hanoi", "Singapore", "Hanoi"], "n": [1, 2, 3], "x": [0.5, None, 2.0]})
    answer = make(table)
    rebuilt = restore(json.loads(json.dumps(export(answer), allow_nan=False)))
    assert type(rebuilt) is type(answer)
    if isinstance(answer, dict):
        assert dict(rebuilt) == dict(answer) and list(rebuilt) == list(answer)
    else:
        assert rebuilt.dtype == answer.dtype
        assert pd.Series(rebuilt, dtype=object).equals(pd.Series(answer, dtype=object))


def test_the_instructors_tests_are_read_once_per_run_and_again_when_the_notebook_changes(tmp_path):
    import os
    import shutil

    from course.grading.verdict import _tests_of

    copy = tmp_path / "summit_outcome.ipynb"
    shutil.copy(source_notebook("summit_outcome"), copy)
    first = _tests_of(copy)
    assert _tests_of(copy) is first  # read once, whatever the number of students
    os.utime(copy, ns=(0, 1))  # the teacher edits the notebook between runs
    assert _tests_of(copy) is not first and set(_tests_of(copy)) == set(first)


def test_a_test_cell_that_changes_a_data_set_changes_nothing_for_the_next_run():
    events = pd.DataFrame({"date": ["2019-02-27", "2019-02-28"]})
    source = 'check("number", 2, name="n", accept=[events["date"].count()])\nevents.loc[:, "date"] = None'
    test = MasterTest(source, {"events": events})
    assert decide(test, []).passed and decide(test, []).passed  # each run starts from the full table
    assert len(events) == 2


def test_a_visible_check_and_its_hidden_twin_pass_with_one_line():
    test = MasterTest(
        'check("number", 2, name="n", accept=[2])\n### BEGIN HIDDEN TESTS\n'
        'check("number", 2, name="n", accept=[2.0])\n### END HIDDEN TESTS',
        {},
    )
    decision = decide(test, [])
    printed = "".join(o.get("text", "") for o in decision.outputs if o.get("output_type") == "stream")
    assert decision.passed and printed == "\u2714 number: passed\n"
