"""Item analysis (course.teacher.insight): each statistic against an independent computation, on synthetic classes
with their edge cases; the gradebook's class is tested in tests/test_pipeline.py (the demo's class)."""

import numpy as np
import pandas as pd
import pytest
from scipy.stats import pointbiserialr

from course.teacher.insight import FEW, from_matrix, item_rest, reliability, upper_lower

rng = np.random.default_rng(2019)


def right_or_wrong_class(students: int = 60, questions: int = 8) -> pd.DataFrame:
    """Answers driven by each student's ability, so that the questions measure one thing."""
    ability = rng.normal(size=students)
    hardness = np.linspace(-1.5, 1.5, questions)
    right = rng.random((students, questions)) < 1 / (1 + np.exp(-(ability[:, None] - hardness[None, :]) * 1.7))
    return pd.DataFrame(right.astype(float), columns=[f"A.{i + 1}" for i in range(questions)])


def test_item_rest_is_scipys_point_biserial_for_a_right_or_wrong_question():
    scores = right_or_wrong_class()
    found = item_rest(scores)
    for question in scores.columns:
        rest = scores.drop(columns=question).sum(axis=1)
        assert found[question] == pytest.approx(pointbiserialr(scores[question], rest).statistic, abs=1e-12)


def test_alpha_agrees_with_the_covariance_form_and_kr20_with_p_times_q():
    scores = right_or_wrong_class()
    points = pd.Series(1.0, index=scores.columns)
    found = reliability(scores, points)
    k = scores.shape[1]
    cov = np.cov(scores.to_numpy(), rowvar=False)
    assert found["value"] == pytest.approx(k / (k - 1) * (1 - np.trace(cov) / cov.sum()), abs=1e-12)
    p = scores.mean()
    kr20 = k / (k - 1) * (1 - (p * (1 - p)).sum() / scores.sum(axis=1).var(ddof=0))
    assert found["name"] == "KR-20" and found["value"] == pytest.approx(kr20, abs=1e-12)
    assert found["low"] < found["value"] < found["high"] and found["students"] == 60


def test_the_confidence_interval_narrows_with_more_students():
    small, large = right_or_wrong_class(25), right_or_wrong_class(400)
    points = pd.Series(1.0, index=small.columns)
    width = {n: r["high"] - r["low"] for n, r in ((25, reliability(small, points)), (400, reliability(large, points)))}
    assert width[400] < width[25] / 2


def test_partial_credit_is_cronbachs_alpha_not_kr20():
    scores = right_or_wrong_class() * 2
    scores.iloc[0, 0] = 1.0  # half the points
    assert reliability(scores, pd.Series(2.0, index=scores.columns))["name"] == "Cronbach's alpha"


def test_upper_lower_index_by_hand():
    # 10 students: the top 3 by total all earned A.1, the bottom 3 none: index 1; A.2 the other way round: -1
    total_order = list(range(10))
    a1 = [0, 0, 0, 1, 0, 1, 0, 1, 1, 1]
    a2 = [1, 1, 1, 0, 1, 0, 1, 0, 0, 0]
    rest = [i * 3 for i in total_order]  # the rest decides the order
    scores = pd.DataFrame({"A.1": a1, "A.2": a2, "B.1": rest}, dtype=float)
    points = pd.Series({"A.1": 1.0, "A.2": 1.0, "B.1": 27.0})
    found = upper_lower(scores, points)
    assert found["A.1"] == pytest.approx(1.0) and found["A.2"] == pytest.approx(-1.0)


def test_a_planted_bad_question_is_flagged_and_good_ones_are_not():
    scores = right_or_wrong_class(80)
    scores["C.9"] = 1.0 - scores.sum(axis=1).rank(pct=True).round()  # the strong students get it wrong
    questions = pd.DataFrame({"points": 1.0, "kind": "quiz"}, index=scores.columns)
    items = from_matrix("synthetic", scores, questions).items
    assert "negative discrimination" in items.loc["C.9", "flags"]
    assert items.loc["C.9", "item_rest"] < 0 and items.loc["C.9", "upper_lower"] < 0
    assert not items.loc["A.4", "flags"], items.loc["A.4"]


def test_edge_cases_say_what_they_can_and_never_crash():
    scores = pd.DataFrame({"A.1": [1.0, 1.0, 1.0], "A.2": [0.0, 1.0, np.nan], "A.3": [np.nan] * 3})
    questions = pd.DataFrame({"points": [1.0, 1.0, 1.0], "kind": "code"}, index=scores.columns)
    found = from_matrix("edge", scores, questions)
    items = found.items
    assert items.loc["A.1", "difficulty"] == 1 and np.isnan(items.loc["A.1", "item_rest"])  # everyone right
    assert "almost everyone" in items.loc["A.1", "flags"]
    assert items.loc["A.3", "students"] == 0 and np.isnan(items.loc["A.3", "difficulty"])  # nobody graded yet
    assert "only 3 students" in items.loc["A.1", "flags"] and "only 2 students" in items.loc["A.2", "flags"]
    assert found.warnings  # below FEW
    # A.3, graded for no one yet (a written answer awaiting the teacher), is left out, not every student: alpha over
    # the two students with A.1 and A.2 is 2 * (1 - (0 + 0.5) / var([1, 2]) = 0.5) = 0
    assert (found.reliability["students"], found.reliability["questions"]) == (2, 2)
    assert found.reliability["value"] == pytest.approx(0.0)
    one = from_matrix("one", scores.iloc[:1, :2], questions.iloc[:2])
    assert np.isnan(one.reliability["value"]) and 3 < FEW
