"""Item analysis (course.teacher.insight): each statistic against an independent computation, on synthetic classes
with their edge cases; the gradebook's class is tested in tests/test_pipeline.py (the demo's class)."""

import re

import numpy as np
import pandas as pd
import pytest
from scipy.stats import pointbiserialr

from course.teacher.insight import CELL_RUNS, FEW, QUIZ_SAVED, from_matrix, item_rest, reliability, upper_lower

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


# -- a synthetic class built to contain what the analysis must flag ----------------------------------------------
def planted_class(students: int = 40):
    """A class of ``students`` with three planted faults: quiz B.1's distractor 'all_sanctions' draws the strongest
    students (a bad distractor; 'troops' draws no one), A.4 is answered right more often by the weaker students
    (negative discrimination), and almost everyone misses A.5 for the same reason, in messages that differ only in
    the value each student computed."""
    from course.quiz.bank import find_question
    from course.teacher.class_work import ClassWork

    ability = np.sort(rng.normal(size=students))
    names = [f"s{i:02d}" for i in range(students)]
    hardness = {"A.1": -1.0, "A.2": -0.3, "A.3": 0.4}
    scores = pd.DataFrame(index=names, dtype=float)
    for question, hard in hardness.items():
        scores[question] = (rng.random(students) < 1 / (1 + np.exp(-(ability - hard) * 2.5))).astype(float) * 2
    scores["A.4"] = (rng.random(students) < 1 / (1 + np.exp(ability * 2.5))).astype(float) * 2
    scores["A.5"] = 0.0
    scores.loc[names[-2:], "A.5"] = 2.0
    strong, middle = ability > 0.8, (ability > -0.4) & (ability <= 0.8)
    chosen = np.where(strong, np.where(rng.random(students) < 0.5, "all_sanctions", "five_of_eleven"), "peace_treaty")
    chosen = np.where(middle, "five_of_eleven", chosen)
    scores["B.1"] = (chosen == "five_of_eleven").astype(float)
    scores["D.1"] = np.where(np.arange(students) % 4 == 0, np.nan, np.round(ability.clip(-2, 2) + 2))
    questions = pd.DataFrame(
        {"points": [2, 2, 2, 2, 2, 1, 4], "kind": ["code"] * 5 + ["quiz", "written"]}, index=scores.columns
    )
    blank = pd.DataFrame(False, index=names, columns=scores.columns)
    blank.loc[names[:3], "A.5"] = True
    failures = [
        {
            "student": s,
            "question": "A.5",
            "cell": "test_days",
            "error": "CheckFailed",
            "message": f"days_between('2018-06-12', '2019-02-27') returned Timedelta('{250 + i % 7} days'); "
            "it should return a whole number of days: take `.days` of the span.",
        }
        for i, s in enumerate(names[3:-2])
    ]
    failures += [
        {"student": s, "question": "A.5", "cell": "test_days", "error": "NotImplementedError", "message": ""}
        for s in names[:3]
    ]
    answers = {
        s: {"summit_outcome/ri_request": {"answer": c, "saved_at": f"2019-03-01T10:{i % 50:02d}:00+00:00"}}
        for i, (s, c) in enumerate(zip(names, chosen))
    }
    work = ClassWork("planted", scores, questions, blank)
    work.quizzes = {
        "B.1": {
            "ref": "summit_outcome/ri_request",
            "key": "five_of_eleven",
            "bank": find_question("summit_outcome", "ri_request"),
        }
    }
    work.answers = answers
    work.failures = pd.DataFrame(failures)
    started = pd.Timestamp("2019-03-01T09:00:00+00:00")
    work.runs = pd.DataFrame(
        [
            {"student": s, "question": q, "started": started, "ended": started + pd.Timedelta(minutes=m)}
            for s in names
            for q, m in (("A.1", 4), ("A.2", 5), ("A.3", 6), ("A.5", 40))
        ]
    )
    return work


def test_the_planted_faults_are_flagged_and_nothing_else():
    from course.teacher.insight import LEFT_BLANK, from_work, to_look_at

    found = from_work(planted_class())
    items, options = found.items, found.options.set_index("response")
    flagged = {q for q, f in items["flags"].items() if "discrimination" in f}
    assert flagged == {"A.4"} and "negative discrimination" in items.loc["A.4", "flags"]
    assert "almost no one" in items.loc["A.5", "flags"]
    # the bad distractor stands out; the key and the distractor chosen by the weaker students do not
    bad = options.loc["The lifting of all sanctions, in their entirety"]
    assert not bad["right"] and bad["point_biserial"] > 0.2 and "drew students who did well" in bad["flags"]
    assert options.loc["A peace treaty replacing the 1953 armistice, before any sanctions relief", "flags"] == ""
    key = options.loc["Partial relief: five of the eleven UN sanctions resolutions, those of 2016-2017"]
    assert key["right"] and key["flags"] == ""
    assert "distracts no one" in options.loc["The withdrawal of US troops from South Korea", "flags"]
    assert options["students"].sum() == 40 and options["share"].sum() == pytest.approx(1.0)
    # one misconception, in the students' own words, the value each computed elided; the blank ones apart
    reasons = found.reasons[found.reasons["question"] == "A.5"]
    top = reasons.iloc[0]
    assert top["students"] == 35 and top["share"] == pytest.approx(35 / 40)
    assert top["reason"] == (
        "days_between('2018-06-12', '2019-02-27') returned Timedelta(\u2026); it should return a whole number of "
        "days: take `.days` of the span."
    )
    assert "Timedelta('25" in top["example"]
    assert list(reasons["reason"]) == [top["reason"], LEFT_BLANK] and reasons.iloc[1]["students"] == 3
    # written answers: the teacher's scores so far; a quarter still awaits them
    written = found.written.set_index("question").loc["D.1"]
    assert (written["graded"], written["awaiting"]) == (30, 10)
    # time: A.5 takes far longer a point than the rest; the quiz's saves are measured from each student's first
    timing = found.timing.set_index(["question", "measure"])
    assert "far longer" in timing.loc[("A.5", CELL_RUNS), "flags"]
    assert not timing.loc[[("A.1", CELL_RUNS), ("A.3", CELL_RUNS)], "flags"].any()
    assert timing.loc[("B.1", QUIZ_SAVED), "median"] == 0  # each student's only answer is their first
    assert items.loc["A.5", "share_blank"] == pytest.approx(3 / 40)
    # what the command and the report put first: the planted faults, and nothing else
    assert [line.split(":")[0] for line in to_look_at(found)] == [
        "A.4",
        "A.5",
        "B.1, 'The lifting of all sanctions, in their entirety'",
        "A.5",
    ]


def test_every_kind_of_quiz_question_lists_its_responses_and_the_keys():
    from course.quiz.bank import find_question
    from course.quiz.marking import responses

    numeric = find_question("sanctions_relief", "crude_barrels_per_tonne")
    bands = responses(numeric, 7.0, {"value": 7.33, "tolerance": 0.1})
    assert [(made, right) for _, made, right in bands] == [(True, False), (False, True), (False, False)]
    assert bands[1][0] == "7.23 to 7.43 barrels per tonne"
    ordering = find_question("summit_outcome", "road_to_hanoi")
    key = ["singapore", "pyongyang_declaration", "white_house", "sotu", "hanoi_named"]
    swapped = ["singapore", "white_house", "pyongyang_declaration", "sotu", "hanoi_named"]
    pairs = responses(ordering, swapped, key)
    assert len(pairs) == 10 and all(right for _, _, right in pairs)
    assert [text for text, made, _ in pairs if not made] == [
        "Moon and Kim sign the September Pyongyang Joint Declaration, before: The White House says a second summit "
        "will be held in late February, place not named"
    ]
    matching = find_question("summit_outcome", "who_said_what")
    key = {"trump": "entirety", "ri": "five_resolutions", "choe": "lose_will", "kcna": "productive_talks"}
    made = [right for _, m, right in responses(matching, {"trump": "entirety", "ri": "end_of_war"}, key) if m]
    assert made == [True, False] and len(responses(matching, None, key)) == 20
    multiple = find_question("sanctions_relief", "resolution_2371_bans")
    ids = [o["id"] for o in multiple["options"]]
    ticked = responses(multiple, ids[:1], ids[:2])
    assert [(m, r) for _, m, r in ticked][:3] == [(True, True), (False, True), (False, False)]
    assert all(not m for _, m, _ in responses(multiple, None, ids[:2]))


def test_the_report_shows_every_table_with_its_plots_and_their_text(tmp_path):
    from course.teacher.insight import from_work
    from course.teacher.insight_report import TABLES, write_report

    found = from_work(planted_class())
    page = write_report(found, tmp_path / "insight")
    html = page.read_text(encoding="utf-8")
    for question in found.questions.index:
        assert f">{question}<" in html
    # every plot held in the page (JupyterLab's HTML viewer shows no file beside it), an image named by its text
    plots = re.findall(r'<svg role="img" aria-label="([^"]*)"[^>]*><title>([^<]*)</title>', html)
    assert len(plots) == 4 and all(len(label) > 40 and label == title for label, title in plots)  # and B.1's
    assert "A.4 (r \u2212" in plots[0][0]  # the flagged question named in the text alternative, not by colour
    ids = re.findall(r' id="([^"]+)"', html)
    assert ids and len(ids) == len(set(ids)), "two plots on one page share an id"
    assert "<img" not in html and len(list(page.parent.glob("*.svg"))) == 4  # the files too, for other uses
    assert "Timedelta(\u2026)" in html and "40 graded students" in html
    assert "Cronbach&#39;s alpha" in html and "drew students who did well" in html
    for name in TABLES:
        table = pd.read_csv(page.parent / f"{name}.csv")
        assert len(table) == len(getattr(found, name))
    assert 'src="http' not in html and 'href="http' not in html and "<script" not in html  # nothing fetched


def test_a_submitted_notebook_says_when_each_question_was_worked_and_which_were_left_blank(tmp_path):
    """JupyterLab's cell timing (recordTiming) read per question, the quiz's widget cell counted with its question;
    a question is blank when its answer cells, or a written task's cells below it, read as released."""
    import nbformat

    from course.labels import nbgrader_meta
    from course.paths import RELEASE
    from course.teacher.class_work import RUN_ENDED, RUN_STARTED, _given

    released = RELEASE / "summit_outcome" / "summit_outcome.ipynb"
    nb = nbformat.read(released, as_version=4)
    ids = {nbgrader_meta(c).get("grade_id"): n for n, c in enumerate(nb.cells)}
    answer = nb.cells[ids["timeline_answer"]]
    answer.source = "timeline = events.sort_values('date')"
    answer.metadata["execution"] = {RUN_STARTED: "2019-03-01T10:00:00Z", RUN_ENDED: "2019-03-01T10:00:01Z"}
    test = nb.cells[ids["test_timeline_sorted"]]
    test.metadata["execution"] = {RUN_STARTED: "2019-03-01T10:12:00Z", RUN_ENDED: "2019-03-01T10:12:02Z"}
    widget = next(c for c in nb.cells if "hanoi_document" in c.source and "question(" in c.source)
    widget.metadata["execution"] = {RUN_STARTED: "2019-03-01T10:30:00Z", RUN_ENDED: "2019-03-01T10:30:01Z"}
    task = ids["written_failure_or_postponement"]
    nb.cells[task + 1].source = "A postponement: both sides kept talking."
    nbformat.write(nb, tmp_path / "summit_outcome.ipynb")
    runs, blank = _given(tmp_path / "summit_outcome.ipynb", released)
    spans = {r["question"]: (r["ended"] - r["started"]).total_seconds() for r in runs}
    assert spans == {"A.1": 12 * 60 + 2, "B.1": 1}
    assert "A.1" not in blank and "D.1" not in blank and {"A.2", "A.3", "C.1"} <= blank
