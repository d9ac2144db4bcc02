"""The out-of-kernel verdict (course/verdict.py): answers exported as plain data and rebuilt exactly, what
cannot be exported never passing, and every honest test cell of the instructor's solutions agreeing."""
import json

import nbformat
import numpy as np
import pandas as pd
import pytest
from nbclient import NotebookClient

from course import CheckFailed, check, load
from course.checks.expect import plotted_series
from course.paths import ASSIGNMENTS
from course.verdict import (MIME, Replay, Unexportable, cell_verdict, check_calls, export, export_answer,
                            notebook_verdicts, records, restore, setup_namespace)
from tests.conftest import source_notebook


def round_trip(x):
    return restore(json.loads(json.dumps(export(x), allow_nan=False)))


@pytest.mark.parametrize("name", ["timeline", "venues", "resolutions", "caps", "arrivals", "accounts"])
def test_a_data_set_survives_export_with_its_dtypes(name):
    df = load(name)
    pd.testing.assert_frame_equal(round_trip(df), df, check_index_type=True)


def test_dataframes_and_series_keep_datetimes_nans_indexes_and_names():
    df = pd.DataFrame({"date": pd.to_datetime(["2019-02-27", None, "2018-06-12 10:30"], format="ISO8601"),
                       "x": [1.5, float("nan"), float("inf")], "n": [1, 2, 3], "s": ["a", None, "c"],
                       "o": [1, "two", None]}, index=pd.Index([10, 20, 30], name="row"))
    pd.testing.assert_frame_equal(round_trip(df), df)
    s = pd.Series([3, 1], index=pd.Index([2016, 2017]), name="count")
    pd.testing.assert_series_equal(round_trip(s), s, check_index_type=True)
    counts = load("timeline")["category"].value_counts()
    pd.testing.assert_series_equal(round_trip(counts), counts)
    gaps = load("timeline")["date"].diff()
    pd.testing.assert_series_equal(round_trip(gaps), gaps)
    wide = pd.DataFrame({"year": [2016, 2017, 2016], "indicator": ["a", "a", "b"], "value": [1.0, 2.0, 3.0]}).pivot(
        index="year", columns="indicator", values=["value"])
    pd.testing.assert_frame_equal(round_trip(wide), wide)


def test_scalars_keep_their_exact_types():
    for x in (3, 2.5, float("nan"), True, "text", None, np.int64(7), np.float64(0.25), np.bool_(True),
              pd.Timestamp("2019-02-27"), pd.Timedelta(days=3), [1, (2, "x")], {2016: 1.0, "a": [None]}):
        back = round_trip(x)
        assert type(back) is type(x)
        assert back == x or (back != back and x != x)


def test_an_object_equal_to_everything_does_not_survive_export():
    class Anything:
        __eq__ = lambda self, other: True  # noqa: E731

    class Number(float):
        __eq__ = lambda self, other: True  # noqa: E731

    class Frame(pd.DataFrame):
        def equals(self, other):
            return True

    for x in (Anything(), Number(1), Frame({"a": [1]}), [Anything()], {"k": Number(2)}):
        back = round_trip(x)
        assert isinstance(back, Unexportable) or Unexportable in {type(i) for i in
                                                                  (back if isinstance(back, list) else back.values())}
    with pytest.raises(CheckFailed):
        check("number", round_trip(Number(374)), name="n", accept=[374])


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
    replay = restore(json.loads(json.dumps(export_answer(days_between, {"cases": cases}))))
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
    check("score_function", restore(json.loads(json.dumps(export_answer(score, {"cases": cases})))), cases=cases)
    cached = __import__("functools").lru_cache(days_between)  # any callable, not only a plain function
    assert export_answer(cached, {"cases": [("2018-06-12", "2019-02-27", 260)]})["kind"] == "function"


def _cell(*answers):
    outputs = [nbformat.v4.new_output("display_data", data={MIME: {"check": name, "answer": export(a)},
                                                            "text/plain": ""}) for name, a in answers]
    return nbformat.v4.new_code_cell("", outputs=outputs)


def test_a_cell_verdict_fails_a_wrong_missing_extra_or_mismatched_record():
    calls = check_calls('check("number", x, name="x", accept=[374])', {})
    assert calls == [("number", {"name": "x", "accept": [374]})]
    assert cell_verdict(calls, records(_cell(("number", 374)))) is None
    assert "fails" in cell_verdict(calls, records(_cell(("number", 373))))
    assert "no answer was recorded" in cell_verdict(calls, [])
    assert "not that of number" in cell_verdict(calls, records(_cell(("counts", 374))))
    assert "answers were recorded" in cell_verdict(calls, records(_cell(("number", 374), ("number", 374))))


def test_the_expected_values_come_from_the_source_notebooks_setup_cells():
    names = setup_namespace(nbformat.read(source_notebook("summit_outcome"), as_version=4))
    assert names["events"]["date"].dtype == object or str(names["events"]["date"].dtype) == "str"
    names = setup_namespace(nbformat.read(source_notebook("sanctions_relief"), as_version=4))
    [(_, kwargs)] = check_calls('check("caps_with_dates", answer, rows=len(caps), columns=["item"])', names)
    assert kwargs["rows"] == len(load("caps"))


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_honest_test_cell_agrees_outside_the_kernel(tmp_path, assignment):
    """The instructor's solution, run in a kernel: every code test cell's records pass outside it."""
    nb = nbformat.read(source_notebook(assignment), as_version=4)
    NotebookClient(nb, timeout=60, allow_errors=True, resources={"metadata": {"path": str(tmp_path)}}).execute()
    graded = tmp_path / f"{assignment}.ipynb"
    nbformat.write(nb, graded)
    verdicts = notebook_verdicts(source_notebook(assignment), graded)
    assert verdicts and all(v is None for v in verdicts.values()), verdicts
    assert sum(len(records(c)) for c in nb.cells) >= len(verdicts)
