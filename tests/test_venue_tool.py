"""Does the venue-scoring tool re-rank the venues with the student's function whenever a slider moves, and
does a broken function show a clear message in the table's place instead of breaking the widget?"""

import nbformat
import pandas as pd
import pytest
from nbclient import NotebookClient

from course import load
from course.venue_tool import CRITERIA, VenueTool, venue_tool


def weighted_mean(row, weights):
    total = sum(weights.values())
    return sum(w * row[c] for c, w in weights.items()) / total if total else 0.0


@pytest.fixture
def three():
    """A leads on relations, B on distance, C is middling on everything."""
    rows = {"A": [5, 0, 0, 0, 0], "B": [0, 5, 0, 0, 0], "C": [3, 3, 3, 3, 3]}
    return pd.DataFrame([{"candidate": k, **dict(zip(CRITERIA, v))} for k, v in rows.items()])


def set_weights(tool, **weights):
    for criterion, slider in tool.sliders.items():
        slider.value = weights.get(criterion, 0)  # what dragging a slider sets through the widget model


def shown_order(tool, names):
    """The order in which the names appear in the table the student sees."""
    return sorted(names, key=tool.table.value.index)


def test_one_slider_per_criterion_from_0_to_5(three):
    tool = venue_tool(weighted_mean, three)
    assert isinstance(tool, VenueTool) and list(tool.sliders) == list(CRITERIA)
    assert all((s.min, s.max, s.value) == (0, 5, 1) for s in tool.sliders.values())
    assert all(s in tool.children for s in tool.sliders.values()) and tool.table in tool.children


def test_the_first_ranking_uses_the_starting_weights(three):
    tool = venue_tool(weighted_mean, three)
    assert tool.ranking == ["C", "A", "B"] and tool.error is None  # 3 > 1 = 1, ties keep the table's order
    assert shown_order(tool, ["A", "B", "C"]) == ["C", "A", "B"]
    assert "3.00" in tool.table.value and "1.00" in tool.table.value


def test_moving_a_slider_reranks_the_table(three):
    tool = venue_tool(weighted_mean, three)
    set_weights(tool, relations_with_both=5)
    assert tool.ranking == ["A", "C", "B"]
    assert shown_order(tool, ["A", "B", "C"]) == ["A", "C", "B"]
    set_weights(tool, distance=5)
    assert tool.ranking == ["B", "C", "A"]
    assert shown_order(tool, ["A", "B", "C"]) == ["B", "C", "A"]


def test_every_move_calls_the_students_function_with_the_current_weights(three):
    seen = []

    def spy(row, weights):
        seen.append(dict(weights))
        return weighted_mean(row, weights)

    tool = venue_tool(spy, three)
    tool.sliders["neutrality"].value = 4
    assert seen[-1] == {"relations_with_both": 1, "distance": 1, "security_record": 1, "cost": 1, "neutrality": 4}
    assert len(seen) == 2 * len(three)  # once per venue at start, once per venue after the move


def test_a_score_that_changes_the_weights_dict_does_not_move_the_sliders(three):
    def meddling(row, weights):
        weights["cost"] = 5
        return weighted_mean(row, weights)

    tool = venue_tool(meddling, three)
    assert tool.weights["cost"] == 1 and tool.error is None


def test_a_raising_score_shows_its_error_in_the_table(three):
    def typo(row, weights):
        return sum(row["distanse"] * w for w in weights.values())

    tool = venue_tool(typo, three)  # builds without raising
    assert tool.ranking == [] and "KeyError" in tool.error and "distanse" in tool.error
    assert "cannot be shown" in tool.table.value and "KeyError" in tool.table.value
    assert "<table" not in tool.table.value
    tool.sliders["cost"].value = 3  # moving a slider still works, and shows the message again
    assert "KeyError" in tool.table.value


def test_an_error_for_some_weights_only_comes_and_goes(three):
    def no_zero_guard(row, weights):
        return sum(w * row[c] for c, w in weights.items()) / sum(weights.values())

    tool = venue_tool(no_zero_guard, three)
    set_weights(tool)  # every weight 0
    assert "ZeroDivisionError" in tool.error and "ZeroDivisionError" in tool.table.value
    tool.sliders["distance"].value = 2
    assert tool.error is None and tool.ranking == ["B", "C", "A"] and "<table" in tool.table.value


def test_an_unwritten_stub_is_named_as_such(three):
    def stub(row, weights):
        raise NotImplementedError()

    tool = venue_tool(stub, three)
    assert "not written yet" in tool.error and "not written yet" in tool.table.value


@pytest.mark.parametrize("result", [None, "high", True, 1 + 2j])
def test_a_result_that_is_not_a_number_is_explained(three, result):
    tool = venue_tool(lambda row, weights: result, three)
    assert "should return a number" in tool.error and repr(result) in tool.error
    assert "score(row of 'A', " in tool.error  # the row named by its venue


def test_a_nan_result_is_named_as_nan(three):
    tool = venue_tool(lambda row, weights: float("nan"), three)
    assert "returned NaN (not a number)" in tool.error and "<table" not in tool.table.value


def test_error_messages_are_escaped_in_the_table(three):
    def html_error(row, weights):
        raise ValueError("<b>bold</b>")

    tool = venue_tool(html_error, three)
    assert "&lt;b&gt;bold&lt;/b&gt;" in tool.table.value


def test_wrong_arguments_are_refused_with_advice(three):
    with pytest.raises(TypeError, match=r"venue_tool\(score, candidates\)"):
        venue_tool(weighted_mean(three.iloc[0], {"cost": 1}), three)  # the result passed, not the function
    with pytest.raises(ValueError, match="neutrality"):
        venue_tool(weighted_mean, three.drop(columns="neutrality"))


def test_the_course_candidates_are_all_ranked():
    candidates = load("venue_candidates")
    tool = venue_tool(weighted_mean, candidates)
    assert sorted(tool.ranking) == sorted(candidates["candidate"]) and tool.error is None
    assert tool.ranking[0] == "Hanoi"  # every weight 1: the notebook asks which place comes first


def test_the_notebook_questions_have_answers_in_the_course_ratings():
    """Part F asks which criterion puts Singapore first and which puts Ulaanbaatar first."""
    tool = venue_tool(weighted_mean, load("venue_candidates"))
    set_weights(tool, security_record=5, relations_with_both=1)
    assert tool.ranking[0] == "Singapore"
    set_weights(tool, neutrality=5, cost=1)
    assert tool.ranking[0] == "Ulaanbaatar"


def test_sliders_move_the_ranking_inside_a_real_kernel(tmp_path):
    """The widget's callbacks run in an IPython kernel, as in the notebook."""
    code = """
from course import load
from course.venue_tool import venue_tool
def score(row, weights):
    total = sum(weights.values())
    return sum(w * row[c] for c, w in weights.items()) / total if total else 0.0
tool = venue_tool(score, load("venue_candidates"))
for s in tool.sliders.values():
    s.value = 0
tool.sliders["security_record"].value = 5
print(tool.ranking[:2], tool.error)
def broken(row, weights):
    return row["no such column"]
print(venue_tool(broken, load("venue_candidates")).error)
"""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    NotebookClient(nb, timeout=60, resources={"metadata": {"path": str(tmp_path)}}).execute()
    out = "".join(o.get("text", "") for o in nb.cells[0].outputs)
    assert "['Singapore', 'Hanoi'] None" in out  # rated 5 and 4 for security
    assert "raised KeyError" in out and "no such column" in out
