"""Check my work (course/my_work.py): before submitting, a student sees every question with what is left, past
any failing test, without anything of theirs changed. The report on a tiny notebook needs no kernel; the run of a
real notebook's copy does (and the browser tests run it as a student would)."""

import hashlib
import json
import re

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from course.my_work import check_my_work, report_of, run_copy
from course.quiz import record_answer
from course.teacher.sample import fill_in, solutions
from tests.conftest import release_notebook, source_notebook


def graded(make, source, grade_id, **flags):
    cell = make(source)
    cell.metadata["nbgrader"] = {"grade_id": grade_id, "grade": False, "solution": False, "locked": True, **flags}
    return cell


def failed(cell, ename, evalue):
    cell.outputs = [new_output("error", ename=ename, evalue=evalue, traceback=[])]
    return cell


def tiny(tmp_path):
    """An executed notebook: A.1 passes, A.2's check fails, A.3 is blank, B.1 a quiz, C.1 a written answer."""
    nb = new_notebook(
        cells=[
            new_markdown_cell("### Question A.1 (1 point)"),
            graded(new_code_cell, "x = 1", "a1", solution=True, locked=False),
            graded(new_code_cell, 'check("n", x, expected=1)', "test_a1", grade=True, points=1),
            new_markdown_cell("### Question A.2 (1 point)"),
            graded(new_code_cell, "y = 3", "a2", solution=True, locked=False),
            failed(
                graded(new_code_cell, 'check("n", y, expected=2)', "test_a2", grade=True, points=1),
                "CheckFailed",
                "y is 3; expected 2. Count again.",
            ),
            new_markdown_cell("### Question A.3 (1 point)"),
            failed(
                graded(new_code_cell, "raise NotImplementedError()", "a3", solution=True, locked=False),
                "NotImplementedError",
                "",
            ),
            failed(graded(new_code_cell, "check('n', z)", "test_a3", grade=True, points=1), "NameError", "z"),
            new_markdown_cell("### Question B.1 (1 point)"),
            graded(new_code_cell, 'question("summit_outcome", "hanoi_document")', "quiz_b1"),
            graded(new_code_cell, 'check("quiz_answered", "summit_outcome/hanoi_document")', "test_quiz", grade=True),
            new_markdown_cell("### Question B.2 (1 point)"),
            graded(new_code_cell, 'check("quiz_answered", "summit_outcome/ri_request")', "test_quiz2", grade=True),
            graded(new_markdown_cell, "### Question C.1 (4 points, read by your teacher)", "c1", task=True, points=4),
            new_markdown_cell("*Write your answer here (150-250 words).*"),
        ]
    )
    record_answer("summit_outcome", "hanoi_document", "nothing", folder=tmp_path)
    return nb


def test_every_question_is_listed_with_what_is_left(tmp_path):
    report = report_of(tiny(tmp_path), tmp_path / "tiny.ipynb")
    shown = {(i.label, i.status) for i in report.items}
    assert shown == {
        ("Question A.1", "ok"),
        ("Question A.2", "failing"),
        ("Question A.3", "blank"),  # said once: its test's NameError follows from the blank answer
        ("Question B.1", "saved"),
        ("Question B.2", "unanswered"),
        ("Question C.1", "blank"),
    }
    assert all(len(line) <= 80 for line in report.text().splitlines()), report.text()
    text = re.sub(r"\s+", " ", report.text())
    assert "y is 3; expected 2. Count again." in text
    assert (
        "answer saved, marked after you submit: Nothing: the signing ceremony and the working lunch were cancelled"
        in text
    )
    assert "\u2022 Question B.1" in text and "\u2714 Question B.1" not in text  # saved, not right
    assert report.summary() == (
        "Left to do: 2 answers still blank: A.3, C.1; 1 check failing: A.2; 1 quiz question with no saved answer: B.2."
    )


def test_a_written_answer_and_all_quiz_answers_leave_nothing_to_do(tmp_path):
    nb = tiny(tmp_path)
    nb.cells = [c for c in nb.cells[:3]] + nb.cells[9:12] + nb.cells[14:]
    nb.cells[-1].source = "Hanoi was a postponement: ..."
    report = report_of(nb, tmp_path / "tiny.ipynb")
    assert [i.status for i in report.items] == ["ok", "saved", "saved"]
    assert report.summary().startswith("Nothing left to do")


def test_outside_a_jupyter_session_it_says_so_and_does_nothing(monkeypatch, capsys):
    """Under autograde, Validate or nbconvert (no session): one line, no second kernel."""
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    assert check_my_work() is None
    assert "when you run this cell yourself" in capsys.readouterr().out


def digest(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.mark.kernel
def test_a_real_notebook_with_a_wrong_answer_is_checked_past_it_and_nothing_of_the_students_changes(
    tmp_path, monkeypatch, capsys
):
    """A wrong answer in Part A, quizzes in Part B: the copy runs past the failure and every quiz is shown."""
    folder = tmp_path / "summit_outcome"
    folder.mkdir()
    notebook = folder / "summit_outcome.ipynb"
    notebook.write_bytes(release_notebook("summit_outcome").read_bytes())
    answers = solutions(source_notebook("summit_outcome"))
    answers["days_between_answer"] = "def days_between(start, end):\n    return 5"
    fill_in(notebook, {"answers": {"*": "solution"}}, answers)
    record_answer("summit_outcome", "hanoi_document", "nothing", folder=folder)
    before = digest(folder)
    monkeypatch.chdir(folder)
    monkeypatch.setenv("JPY_SESSION_NAME", str(notebook))  # as Jupyter Server sets it for the notebook's kernel
    assert check_my_work() is None  # printed: no return value under the cell (an Out[n] with a path of the machine)
    raw = capsys.readouterr().out
    out = re.sub(r"\s+", " ", raw)  # lines wrapped between words
    report = run_copy(notebook)
    assert digest(folder) == before  # the notebook and quiz_answers.json: only read
    assert "checks failing: A.2, A.6" in report.summary() and report.summary() in out, out  # A.6 uses days_between
    assert "returned 5, but '2019-02-27' comes before '2019-02-28'" in out
    assert (
        "Question B.1 answer saved, marked after you submit: Nothing" in out
        and "Question B.2 no saved quiz answer" in out
    )
    assert "Question D.1 write your answer" in out
    assert "Question C.1 visible checks pass" in out  # the run went on past every failure
    assert json.loads((folder / "quiz_answers.json").read_text())["answers"].keys() == {"summit_outcome/hanoi_document"}
    assert run_copy(notebook).summary() == report.summary()  # the same again: nothing was left behind to change it
    assert "Report(" not in out and "/tmp" not in raw.split("Checking", 1)[1].split("\n", 1)[1]
