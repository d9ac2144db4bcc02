"""Does a click on a graded quiz reach the answer record, and does the record survive and stay honest?"""
import json

import pytest

from course import CheckFailed, check, question
from course.paths import ANSWERS_FILE, ASSIGNMENTS
from course.quiz import AnswerRecordError, load_bank, read_answers, record_answer
from tests.conftest import quiz_keys, release_notebook, source_notebook


@pytest.fixture
def in_notebook_folder(tmp_path, monkeypatch):
    """The kernel's working folder is the notebook's folder, as in JupyterLab and in autograde."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def click(widget, option_id):
    widget.children[1].value = option_id  # what the browser's click sets through the widget model


def test_a_click_is_saved_beside_the_notebook_and_confirmed(in_notebook_folder):
    w = question("summit_outcome", "hanoi_document")
    click(w, "nothing")
    saved = json.loads((in_notebook_folder / ANSWERS_FILE).read_text())
    assert saved["answers"]["summit_outcome/hanoi_document"]["choice"] == "nothing"
    assert "Saved" in w.children[2].value
    assert "right" not in w.children[2].value.lower() and "correct" not in w.children[2].value.lower()


def test_a_changed_answer_replaces_the_old_one(in_notebook_folder):
    w = question("summit_outcome", "ri_request")
    click(w, "all_sanctions")
    click(w, "five_of_eleven")
    assert read_answers()["summit_outcome/ri_request"]["choice"] == "five_of_eleven"
    assert len(read_answers()) == 1


def test_a_new_kernel_shows_the_saved_answer(in_notebook_folder):
    click(question("summit_outcome", "official_briefing"), "ri")
    again = question("summit_outcome", "official_briefing")   # as after a restart and Run All
    assert again.children[1].value == "ri"
    assert "Saved earlier" in again.children[2].value


def test_recorded_answer_is_graded_against_a_key(in_notebook_folder):
    click(question("summit_outcome", "hanoi_document"), "joint_statement")
    check("quiz_answered", "summit_outcome/hanoi_document")
    with pytest.raises(CheckFailed, match="not the right one"):
        check("quiz_choice", "summit_outcome/hanoi_document", key="nothing")


def test_the_key_check_reports_the_answer_the_right_one_and_why(in_notebook_folder, capsys):
    click(question("summit_outcome", "ri_request"), "all_sanctions")
    with pytest.raises(CheckFailed) as wrong:
        check("quiz_choice", "summit_outcome/ri_request", key="five_of_eleven", explain="Ri said five of eleven.")
    assert "Your answer: The lifting of all sanctions" in str(wrong.value)
    assert "Right answer: Partial relief" in str(wrong.value) and "Why: Ri said five of eleven." in str(wrong.value)
    click(question("summit_outcome", "ri_request"), "five_of_eleven")
    check("quiz_choice", "summit_outcome/ri_request", key="five_of_eleven", explain="Ri said five of eleven.")
    assert "Your answer: Partial relief" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match="no recorded answer(.|\n)*Right answer: Nothing"):
        check("quiz_choice", "summit_outcome/hanoi_document", key="nothing")
    with pytest.raises(ValueError, match="not one of its options"):
        check("quiz_choice", "summit_outcome/hanoi_document", key="typo")


def test_an_unanswered_question_scores_zero_with_a_reason(in_notebook_folder):
    with pytest.raises(CheckFailed, match="no recorded answer"):
        check("quiz_answered", "summit_outcome/hanoi_document")


@pytest.mark.parametrize("content", ["{not json", json.dumps({"answers": []}), "\udcff".encode("utf-8", "surrogatepass")])
def test_a_damaged_record_gives_a_clear_message_not_a_crash(in_notebook_folder, content):
    path = in_notebook_folder / ANSWERS_FILE
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(AnswerRecordError, match="Answer the quiz questions again|answer the quiz questions again"):
        read_answers()
    with pytest.raises(CheckFailed, match="quiz"):
        check("quiz_answered", "summit_outcome/hanoi_document")
    w = question("summit_outcome", "hanoi_document")
    assert "Warning" in w.children[2].value
    click(w, "nothing")                                   # answering again repairs the record
    assert read_answers()["summit_outcome/hanoi_document"]["choice"] == "nothing"


def test_a_typo_in_a_test_cell_is_the_instructors_error(in_notebook_folder):
    with pytest.raises(ValueError, match="no question"):
        check("quiz_answered", "summit_outcome/no_such_question")


def test_record_writes_whole_files_only(in_notebook_folder):
    record_answer("summit_outcome", "hanoi_document", "nothing")
    leftovers = [p.name for p in in_notebook_folder.iterdir() if p.name != ANSWERS_FILE]
    assert leftovers == []


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_graded_question_has_a_key_in_source_and_none_in_release(assignment):
    bank = load_bank(assignment)
    keys = quiz_keys(source_notebook(assignment))
    asked = {f"{assignment}/{q['id']}" for q in bank["questions"]}
    assert asked == set(keys), "each bank question needs exactly one hidden quiz_choice test"
    for ref, key in keys.items():
        options = {o["id"] for q in bank["questions"] if f"{assignment}/{q['id']}" == ref for o in q["options"]}
        assert key in options, f"the key {key!r} of {ref} is not one of its options"
    assert quiz_keys(release_notebook(assignment)) == {}
    release_text = release_notebook(assignment).read_text()
    assert "quiz_choice" not in release_text


def test_a_bank_that_breaks_the_schema_is_refused(tmp_path, monkeypatch):
    import course.quiz as quiz
    from importlib import resources
    folder = tmp_path / "course" / "quizbank"
    folder.mkdir(parents=True)
    real = resources.files("course").joinpath("quizbank")
    (folder / "schema.json").write_text(real.joinpath("schema.json").read_text())
    (folder / "bad.json").write_text(json.dumps({"quiz": "bad", "title": "Bad", "questions": [
        {"id": "q", "prompt": "Which one is it, really?", "options": [{"id": "a", "text": "A", "key": True}]}]}))
    monkeypatch.setattr(quiz.resources, "files", lambda pkg: tmp_path / "course")
    quiz.load_bank.cache_clear()
    try:
        with pytest.raises(ValueError, match="invalid"):
            quiz.load_bank("bad")
    finally:
        quiz.load_bank.cache_clear()
