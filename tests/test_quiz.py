"""Quiz questions of every kind: answers reach the record and survive, scoring follows its stated rules,
practice mode explains at once, graded mode reveals nothing, and the keys stay in source/.

The widget is driven as the browser drives it: the front end sets the synced ``answer`` and sends
``{"event": ...}`` messages (tests/test_browser.py does the same with real clicks).
"""

import json

import nbformat
import pytest

from course import CheckFailed, check, question
from course.grading.keys import graded_keys
from course.paths import ANSWERS_FILE, ASSIGNMENTS, OVERVIEW
from course.quiz import (
    AnswerInvalid,
    AnswerRecordError,
    check_key,
    find_question,
    load_bank,
    mark,
    normalise,
    read_answers,
    record_answer,
)
from course.quiz.kinds import texts
from tests.conftest import release_notebook, source_notebook

ROAD = ["singapore", "pyongyang_declaration", "white_house", "sotu", "hanoi_named"]
BANS = ["coal", "iron", "seafood", "lead"]
SPEAKERS = {"trump": "entirety", "ri": "five_resolutions", "choe": "lose_will", "kcna": "productive_talks"}


@pytest.fixture
def in_notebook_folder(tmp_path, monkeypatch):
    """The kernel's working folder is the notebook's folder, as in JupyterLab and in autograde."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def answer(widget, value):
    widget.answer = value  # what a click, a tick, a typed number or a move sets through the widget model


def press(widget, event):
    widget._on_message(widget, {"event": event}, [])  # what the Check / Show answer buttons send


def hidden(ref):
    quiz = ref.split("/")[0]
    return graded_keys(source_notebook(quiz))[ref]


def graded(ref):
    """Run a question's hidden check as its test cell does; return the points (0 when it raises)."""
    spec = hidden(ref)
    try:
        return check(
            "quiz_graded",
            ref,
            points=spec["points"],
            key=spec["key"],
            feedback=spec["feedback"],
            explain=spec["explain"],
        )
    except CheckFailed:
        return 0


# --- answers reach the record --------------------------------------------------------------------
@pytest.mark.parametrize(
    "ref, given, recorded",
    [
        ("summit_outcome/hanoi_document", "nothing", "nothing"),
        ("sanctions_relief/resolution_2371_bans", ["seafood", "coal"], ["coal", "seafood"]),  # bank order
        ("sanctions_relief/crude_barrels_per_tonne", " 7,6 ", 7.6),  # decimal comma
        ("sanctions_relief/crude_barrels_per_tonne", "7.62 barrels per tonne", 7.62),  # unit typed too
        ("summit_outcome/road_to_hanoi", ROAD, ROAD),
        ("summit_outcome/who_said_what", {"trump": "entirety"}, {"trump": "entirety"}),  # partly matched
    ],
)
def test_every_kind_of_answer_is_saved_beside_the_notebook_and_confirmed(in_notebook_folder, ref, given, recorded):
    w = question(*ref.split("/"))
    assert w.status == "Not answered yet."
    answer(w, given)
    saved = json.loads((in_notebook_folder / ANSWERS_FILE).read_text())
    assert saved["answers"][ref]["answer"] == recorded
    assert w.status.startswith("Saved at")
    assert not any(word in w.status.lower() for word in ("right", "correct", "wrong")), w.status
    assert w.verdict == {}


def test_a_changed_answer_replaces_the_old_one(in_notebook_folder):
    w = question("summit_outcome", "ri_request")
    answer(w, "all_sanctions")
    answer(w, "five_of_eleven")
    assert read_answers() == {
        "summit_outcome/ri_request": {
            "answer": "five_of_eleven",
            "saved_at": read_answers()["summit_outcome/ri_request"]["saved_at"],
        }
    }


def test_a_new_kernel_shows_the_saved_answer(in_notebook_folder):
    answer(question("summit_outcome", "road_to_hanoi"), ROAD)
    again = question("summit_outcome", "road_to_hanoi")  # as after a restart, a reopen, or Run All
    assert again.answer == ROAD
    assert again.status.startswith("Saved earlier")


@pytest.mark.parametrize(
    "ref, bad",
    [
        ("sanctions_relief/crude_barrels_per_tonne", "about seven"),
        ("sanctions_relief/crude_barrels_per_tonne", "nan"),
        ("summit_outcome/hanoi_document", "not_an_option"),
        ("summit_outcome/road_to_hanoi", ROAD[:-1]),
        ("summit_outcome/who_said_what", {"trump": "nonsense"}),
    ],
)
def test_an_answer_that_does_not_fit_is_refused_with_a_reason_and_not_saved(in_notebook_folder, ref, bad):
    w = question(*ref.split("/"))
    answer(w, bad)
    assert w.status.startswith("\u2718 Not saved:")
    assert read_answers() == {}


def test_the_front_end_gets_the_question_but_never_a_key(in_notebook_folder):
    for quiz in ASSIGNMENTS + [OVERVIEW]:
        for q in load_bank(quiz)["questions"]:
            spec = question(quiz, q["id"]).spec
            assert not {"key", "feedback", "explain"} & set(spec), (quiz, q["id"])
            assert spec["prompt"] == q["prompt"] and spec["rule"]


# --- scoring rules, as stated to the student -----------------------------------------------------
def test_multiple_select_earns_a_share_per_right_tick_and_loses_one_per_wrong_tick():
    q = find_question("sanctions_relief", "resolution_2371_bans")
    fb = hidden("sanctions_relief/resolution_2371_bans")["feedback"]

    def score(ticks):
        return mark(q, normalise(q, ticks), BANS, fb).fraction

    assert score(BANS) == 1
    assert score(["coal", "seafood"]) == 0.5
    assert score(["coal", "seafood", "textiles"]) == 0.25
    assert score(["textiles", "statues", "coal"]) == 0  # never below zero
    assert score([o["id"] for o in q["options"]]) == 0.25  # ticking everything is not a strategy
    assert score([]) == 0


def test_ordering_loses_a_share_per_pair_the_wrong_way_round():
    q = find_question("summit_outcome", "road_to_hanoi")
    fb = hidden("summit_outcome/road_to_hanoi")["feedback"]

    def score(order):
        return mark(q, order, ROAD, fb).fraction

    assert score(ROAD) == 1
    assert score([ROAD[1], ROAD[0]] + ROAD[2:]) == 0.8  # one neighbouring swap: 1 of 10 pairs
    assert score(list(reversed(ROAD))) == 0
    assert "costs 20%" in mark(q, ROAD, ROAD, fb).lines[-1]


def test_matching_earns_a_share_per_right_match_and_numeric_counts_within_the_tolerance():
    q = find_question("summit_outcome", "who_said_what")
    fb = hidden("summit_outcome/who_said_what")["feedback"]
    assert mark(q, {"trump": "entirety", "ri": "end_of_war"}, SPEAKERS, fb).fraction == 0.25
    n = find_question("sanctions_relief", "crude_barrels_per_tonne")
    key, nfb = {"value": 7.62, "tolerance": 0.05}, hidden("sanctions_relief/crude_barrels_per_tonne")["feedback"]
    assert [mark(n, v, key, nfb).fraction for v in (7.57, 7.6, 7.67, 7.68, 0.13)] == [1, 1, 1, 0, 0]
    assert "Too low" in mark(n, 0.13, key, nfb).lines[0] and "Too high" in mark(n, 76.2, key, nfb).lines[0]


def test_feedback_uses_words_and_symbols_not_colour_alone():
    q = find_question("summit_outcome", "who_said_what")
    lines = mark(
        q, {"trump": "entirety", "ri": "end_of_war"}, SPEAKERS, hidden("summit_outcome/who_said_what")["feedback"]
    ).lines
    assert any(line.strip().startswith("\u2714 Donald Trump") for line in lines)
    assert any(
        line.strip().startswith("\u2718 Ri Yong-ho") and "right: North Korea asked only" in line for line in lines
    )
    assert any("no match chosen" in line for line in lines)


# --- graded checks, as the hidden tests run them -------------------------------------------------
def test_the_graded_check_returns_partial_points_and_reports_answer_right_answer_and_why(in_notebook_folder, capsys):
    answer(question("sanctions_relief", "resolution_2371_bans"), ["coal", "seafood", "textiles"])
    assert graded("sanctions_relief/resolution_2371_bans") == 0.5
    out = capsys.readouterr().out
    assert "0.5 of 2 points" in out and "Your answer: Coal; Textiles; Seafood" in out
    assert "Right answer: Coal; Iron and iron ore; Seafood; Lead and lead ore" in out
    assert "\u2718 should not be ticked: Textiles. Textiles were banned a month later, by 2375." in out
    assert "\u2718 missed: Iron and iron ore" in out and "Why: Resolution 2371 banned" in out


def test_a_wrong_or_missing_answer_scores_zero_with_the_right_answer_shown(in_notebook_folder):
    spec = hidden("summit_outcome/hanoi_document")
    with pytest.raises(CheckFailed, match="no recorded answer(.|\n)*Right answer: Nothing(.|\n)*Why: "):
        check(
            "quiz_graded",
            "summit_outcome/hanoi_document",
            **{k: spec[k] for k in ("points", "key", "feedback", "explain")},
        )
    answer(question("summit_outcome", "hanoi_document"), "joint_statement")
    with pytest.raises(
        CheckFailed, match=r"0 of 1 points(.|\n)*Your answer: A joint statement.*\(\u2718 Singapore ended"
    ):
        check(
            "quiz_graded",
            "summit_outcome/hanoi_document",
            **{k: spec[k] for k in ("points", "key", "feedback", "explain")},
        )


def test_a_hand_edited_answer_scores_zero_with_a_clear_message(in_notebook_folder):
    record_answer("summit_outcome", "road_to_hanoi", ["singapore", "singapore", "sotu", "hanoi_named", "white_house"])
    with pytest.raises(CheckFailed, match="cannot be read .*edited by hand or damaged"):
        check("quiz_answered", "summit_outcome/road_to_hanoi")
    assert graded("summit_outcome/road_to_hanoi") == 0


def test_a_key_that_does_not_fit_its_question_is_the_instructors_error(in_notebook_folder):
    q = find_question("summit_outcome", "road_to_hanoi")
    fb = hidden("summit_outcome/road_to_hanoi")["feedback"]
    with pytest.raises(ValueError, match="must differ from the order shown"):
        check_key(q, [i["id"] for i in q["items"]], fb)
    with pytest.raises(ValueError, match="feedback needs one entry"):
        check_key(q, ROAD, {k: v for k, v in fb.items() if k != "sotu"})
    with pytest.raises(ValueError, match="no question"):
        check("quiz_answered", "summit_outcome/no_such_question")


# --- practice mode -------------------------------------------------------------------------------
def test_practice_mode_checks_at_once_with_feedback_for_the_chosen_option(in_notebook_folder):
    w = question(OVERVIEW, "six_parties")
    assert w.mode == "practice"
    press(w, "check")
    assert w.verdict["lines"][0].startswith("Answer first")
    answer(w, ["china", "mongolia"])
    press(w, "check")
    lines = w.verdict["lines"]
    assert w.verdict["right"] is False and lines[0] == "\u2718 Not right."  # (1 - 1) / 3: nothing earned
    assert any("\u2718 should not be ticked: Mongolia. Mongolia engaged Pyongyang" in line for line in lines)
    answer(w, ["china", "japan", "russia"])
    assert w.verdict == {}  # a changed answer clears the old verdict
    press(w, "check")
    assert w.verdict["right"] is True and w.verdict["lines"][0] == "\u2714 Right."
    assert read_answers()[f"{OVERVIEW}/six_parties"]["answer"] == ["china", "japan", "russia"]


def test_practice_mode_shows_the_key_on_request_and_graded_mode_never_does(in_notebook_folder):
    w = question(OVERVIEW, "hanoi_distance")
    press(w, "show_key")
    assert w.verdict["lines"][0] == "The answer: 2735.3 km" and w.verdict["lines"][1].startswith("Why: ")
    g = question("summit_outcome", "hanoi_document")
    answer(g, "joint_statement")
    for event in ("check", "show_key"):
        press(g, event)
    assert g.verdict == {}


def test_every_practice_question_has_a_fitting_key_and_every_assignment_question_is_graded():
    for q in load_bank(OVERVIEW)["questions"]:
        assert q["mode"] == "practice"
        check_key(q, q["key"], q["feedback"])
    kinds = {q["type"] for q in load_bank(OVERVIEW)["questions"]}
    assert kinds == {"single", "multiple", "numeric", "ordering", "matching"}
    for quiz in ASSIGNMENTS:
        assert all(q.get("mode", "graded") == "graded" and "key" not in q for q in load_bank(quiz)["questions"])


# --- where the keys live ---------------------------------------------------------------------------
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_graded_question_has_one_hidden_check_whose_key_fits_and_whose_points_match(assignment):
    keys = graded_keys(source_notebook(assignment))
    asked = {f"{assignment}/{q['id']}" for q in load_bank(assignment)["questions"]}
    assert asked == set(keys), "each bank question needs exactly one hidden quiz_graded check"
    points = {
        c.metadata.nbgrader["grade_id"]: c.metadata.nbgrader["points"]
        for c in nbformat.read(source_notebook(assignment), as_version=4).cells
        if c.metadata.get("nbgrader", {}).get("grade")
    }
    for ref, spec in keys.items():
        check_key(find_question(*ref.split("/")), spec["key"], spec["feedback"])
        assert spec["explain"] and points[spec["grade_id"]] == spec["points"], ref
    release_text = release_notebook(assignment).read_text()
    assert graded_keys(release_notebook(assignment)) == {} and "quiz_graded" not in release_text


def test_the_kinds_of_question_are_all_used_in_graded_assignments():
    kinds = {q["type"] for quiz in ASSIGNMENTS for q in load_bank(quiz)["questions"]}
    assert kinds == {"single", "multiple", "numeric", "ordering", "matching"}


# --- a damaged record ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "content", ["{not json", json.dumps({"answers": []}), "\udcff".encode("utf-8", "surrogatepass")]
)
def test_a_damaged_record_gives_a_clear_message_not_a_crash(in_notebook_folder, content):
    path = in_notebook_folder / ANSWERS_FILE
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(AnswerRecordError, match="Answer the quiz questions again|answer the quiz questions again"):
        read_answers()
    with pytest.raises(CheckFailed, match="quiz"):
        check("quiz_answered", "summit_outcome/hanoi_document")
    w = question("summit_outcome", "hanoi_document")
    assert "Warning" in w.status
    answer(w, "nothing")  # answering again repairs the record
    assert read_answers()["summit_outcome/hanoi_document"]["answer"] == "nothing"


def test_a_record_from_the_first_format_is_still_read(in_notebook_folder):
    (in_notebook_folder / ANSWERS_FILE).write_text(
        json.dumps(
            {
                "format": "hanoi-course-quiz-answers/1",
                "answers": {
                    "summit_outcome/hanoi_document": {"choice": "nothing", "saved_at": "2019-02-28T00:00:00+00:00"}
                },
            }
        )
    )
    assert question("summit_outcome", "hanoi_document").answer == "nothing"


def test_record_writes_whole_files_only(in_notebook_folder):
    record_answer("summit_outcome", "hanoi_document", "nothing")
    assert [p.name for p in in_notebook_folder.iterdir()] == [ANSWERS_FILE]


def test_every_bank_follows_its_schema():
    from course.quiz.bank import banks, validate_bank

    assert set(ASSIGNMENTS) | {OVERVIEW} <= set(banks())
    for quiz in banks():
        validate_bank(quiz)


def test_a_bank_that_breaks_the_schema_is_refused(tmp_path, monkeypatch):
    import course.quiz.bank as bank

    folder = tmp_path / "bank"
    folder.mkdir()
    (folder / "schema.json").write_text(bank._bank_folder().joinpath("schema.json").read_text())
    graded_with_key = {
        "id": "q",
        "type": "single",
        "prompt": "Which one is it, really?",
        "key": "a",
        "options": [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}],
    }
    practice_without_key = dict(graded_with_key, mode="practice")
    del practice_without_key["key"]
    numeric_without_unit = {"id": "n", "type": "numeric", "prompt": "How many, roughly?"}
    monkeypatch.setattr(bank, "_bank_folder", lambda: folder)
    for n, q in enumerate([graded_with_key, practice_without_key, numeric_without_unit]):
        (folder / f"bad{n}.json").write_text(json.dumps({"quiz": f"bad{n}", "title": "Bad", "questions": [q]}))
        bank.load_bank.cache_clear()
        try:
            with pytest.raises(ValueError, match="invalid"):
                bank.validate_bank(f"bad{n}")
        finally:
            bank.load_bank.cache_clear()


def test_normalise_refuses_booleans_and_infinities_for_numbers():
    q = find_question("sanctions_relief", "crude_barrels_per_tonne")
    for bad in (True, "inf", float("nan")):
        with pytest.raises(AnswerInvalid):
            normalise(q, bad)


def test_a_new_question_kind_is_one_registered_object(tmp_path, monkeypatch):
    """The recipe of CONTRIBUTING.md: a kind is a QuestionKind registered under its type; the bank, marking
    and feedback then handle it with no other change (its widget builder is the one table in widget.js)."""
    import course.quiz.bank as bank
    from course.quiz.kinds import KINDS, QuestionKind, register_kind

    class YesNo(QuestionKind):
        name = "yes_no"  # the prompt is the statement: no field of its own (one would go in schema.json)

        def feedback_ids(self, q):
            return ["yes", "no"]

        def key_fits(self, q, key):
            return key in ("yes", "no")

        def credit_rule(self, q):
            return "Choose yes or no."

        def normalise(self, q, raw):
            if raw not in ("yes", "no"):
                raise AnswerInvalid("choose yes or no")
            return raw

        def describe(self, q, answer):
            return answer

        def mark(self, q, answer, key, feedback):
            return float(answer == key), [f"Your answer: {answer} ({feedback[answer]})"]

    monkeypatch.setitem(KINDS, "yes_no", None)  # removed again after the test
    register_kind(YesNo())
    folder = tmp_path / "bank"
    folder.mkdir()
    (folder / "schema.json").write_text(bank._bank_folder().joinpath("schema.json").read_text())
    q = {
        "id": "walked_out",
        "type": "yes_no",
        "prompt": "Did Trump leave Hanoi early?",
        "mode": "practice",
        "key": "yes",
        "feedback": {"yes": "Right.", "no": "He did."},
        "explain": "The lunch and the signing were cancelled.",
    }
    (folder / "toy.json").write_text(json.dumps({"quiz": "toy", "title": "Toy", "questions": [q]}))
    monkeypatch.setattr(bank, "_bank_folder", lambda: folder)
    bank.load_bank.cache_clear()
    try:
        assert bank.validate_bank("toy")["questions"][0]["type"] == "yes_no"
        assert mark(q, normalise(q, "yes"), "yes", q["feedback"]).fraction == 1
        assert mark(q, normalise(q, "no"), "yes", q["feedback"]).fraction == 0
        with pytest.raises(AnswerInvalid):
            normalise(q, "maybe")
    finally:
        bank.load_bank.cache_clear()


def test_a_question_of_no_known_kind_is_refused_naming_the_kinds():
    from course.quiz.bank import check_question

    with pytest.raises(ValueError, match="the kinds are matching, multiple, numeric, ordering, single"):
        check_question({"id": "x", "type": "essay", "prompt": "Write about Hanoi."}, "toy.json")


def test_a_saved_graded_answer_says_saved_never_passed_right_or_wrong(in_notebook_folder, capsys):
    """The visible test of a graded question cannot know if the answer is right (the key is hidden): it says the
    answer is saved and marked after submission, with no ✔ and no "passed" that would read as "right"."""
    from course.checks.quizzes import SAVED

    for answer in ("nothing", "joint_statement"):  # the right answer and a wrong one
        record_answer("summit_outcome", "hanoi_document", answer)
        check("quiz_answered", "summit_outcome/hanoi_document")
        out = capsys.readouterr().out
        assert out.strip() == SAVED and "passed" not in out and "\u2714" not in out


def test_practice_mode_keeps_the_key_back_until_a_second_wrong_try_or_show_answer(in_notebook_folder):
    """Check gave "Right answer: ..." on the first wrong try, so there was nothing left to try."""
    from course.quiz.widget import TRY_AGAIN

    for qid, wrong in (("six_parties", ["china", "mongolia"]), ("terms", None)):
        w = question(OVERVIEW, qid)
        q = find_question(OVERVIEW, qid)
        if wrong is None:  # a matching: every left item given the first right-hand choice that is not its key
            wrong = {k: next(r for r in texts(q, "right") if r != v) for k, v in q["key"].items()}
        answer(w, wrong)
        press(w, "check")
        first = "\n".join(w.verdict["lines"])
        assert w.verdict["right"] is False and TRY_AGAIN in first, first
        assert "Right answer:" not in first and "Why:" not in first and "; right: " not in first, first
        press(w, "check")
        second = "\n".join(w.verdict["lines"])
        assert "Right answer:" in second and TRY_AGAIN not in second, second
