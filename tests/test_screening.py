"""The grading steps that need no kernel, on tiny notebooks: screening a submission before it runs, and reading
the autograded notebook into the student's outcome and findings (course.grading.screening, course.grading.report).
The corpus tests (test_malformed, test_tampering, test_intake) prove the same through a whole graded class."""

import os

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from course.grading.intake import Intake, write_refusals
from course.grading.report import KERNEL_DIED, META, NOT_RUN, read_autograded
from course.grading.screening import screen

NAME = "tiny.ipynb"


def cell(source, grade_id=None, **flags):
    c = new_code_cell(source)
    if grade_id:
        c.metadata["nbgrader"] = {"grade_id": grade_id, "grade": False, "solution": False, "locked": False, **flags}
    return c


def tiny(*extra, outputs=None) -> nbformat.NotebookNode:
    nb = new_notebook()
    nb.cells = [
        cell("from course import check", "setup", locked=True),
        cell("answer = 1", "answer_a1", solution=True),
        cell("check('a1', answer)", "test_a1", grade=True, locked=True, points=2),
        *extra,
    ]
    for index, outs in (outputs or {}).items():
        nb.cells[index].outputs = outs
    return nb


@pytest.fixture
def course(tmp_path):
    """A released master and a submission folder holding a copy of it."""
    master, submitted = tmp_path / "release", tmp_path / "submitted"
    master.mkdir()
    submitted.mkdir()
    nbformat.write(tiny(), master / NAME)
    nbformat.write(tiny(), submitted / NAME)
    return master, submitted


def test_an_untouched_submission_passes_screening(course):
    master, submitted = course
    result = screen(submitted, master)
    assert (result.unreadable, result.findings, result.links) == (None, [], [])


@pytest.mark.parametrize(
    "damage, reason",
    [
        (lambda p: p.write_bytes(b"\xff\xfe{}"), "is not UTF-8 text"),
        (lambda p: p.write_text('{"cells": ['), "is not valid JSON (broken at line 1)"),
        (lambda p: p.write_text('{"cells": 3}'), "is not a valid notebook"),
        (lambda p: p.unlink(), "tiny.ipynb is missing from the submission"),
        (lambda p: p.rename(p.with_name("tiny (1).ipynb")), "rename it to tiny.ipynb"),
    ],
    ids=["not-utf8", "broken-json", "not-a-notebook", "missing", "misnamed"],
)
def test_a_submission_that_cannot_be_graded_is_said_to_be_so(course, damage, reason):
    master, submitted = course
    damage(submitted / NAME)
    assert reason in screen(submitted, master).unreadable


def test_no_folder_and_a_notebook_that_is_a_link_cannot_be_graded(course, tmp_path):
    master, submitted = course
    assert screen(tmp_path / "nobody", master).unreadable == "no submission folder was collected"
    (submitted / NAME).rename(tmp_path / "elsewhere.ipynb")
    os.symlink(tmp_path / "elsewhere.ipynb", submitted / NAME)
    assert "is a link to" in screen(submitted, master).unreadable


def test_tampering_links_and_intake_refusals_are_one_list_of_findings(course, tmp_path):
    master, submitted = course
    nb = tiny()
    nb.cells[2].source = "pass"  # the locked test, retyped
    nb.cells[1].source = "check = lambda *a, **k: None"
    nbformat.write(nb, submitted / NAME)
    os.symlink("/etc/passwd", submitted / "notes.txt")

    refusals = tmp_path / "refusals.json"
    stamp = "2019-02-28 12:00:00 UTC"
    write_refusals([Intake("ada", [NAME], [("big.bin", "larger than the limit")], timestamp=stamp)], refusals)
    result = screen(submitted, master, refusals, "ada", stamp)
    assert result.unreadable is None
    assert [link.name for link in result.links] == ["notes.txt"]
    found = " | ".join(result.findings)
    for words in (
        "'test_a1' (locked) was edited",
        "'answer_a1' rebinds check",
        "'notes.txt' is a link to '/etc/passwd'",
    ):
        assert words in found, found
    assert "'big.bin' was refused when the archive was taken in" in found
    # a refusal written for an earlier submission does not follow the student to a new one
    assert not any("refused" in f for f in screen(submitted, master, refusals, "ada", "later").findings)


def error(ename, evalue=""):
    return new_output("error", ename=ename, evalue=evalue, traceback=[])


def autograded(tmp_path, nb) -> tuple:
    folder = tmp_path / "autograded"
    folder.mkdir(exist_ok=True)
    nbformat.write(nb, folder / NAME)
    return read_autograded(folder, "ada", "tiny")


def test_a_normal_run_is_graded_and_a_blank_answer_is_counted(tmp_path):
    outcome, findings = autograded(tmp_path, tiny())
    assert (outcome.status, outcome.reason, outcome.notes, findings) == ("graded", "", [], [])
    nb = tiny(outputs={1: [error("NotImplementedError")]})
    nb.cells[1].source = "raise NotImplementedError()"
    outcome, _ = autograded(tmp_path, nb)
    assert (outcome.status, outcome.notes) == ("graded", ["1 answer(s) left blank"])


def test_a_failing_test_is_not_an_error_but_a_failing_answer_is(tmp_path):
    outcome, _ = autograded(tmp_path, tiny(outputs={2: [error("AssertionError")]}))
    assert outcome.status == "graded"
    outcome, _ = autograded(tmp_path, tiny(outputs={1: [error("ZeroDivisionError", "division by zero")]}))
    assert (outcome.status, outcome.reason) == ("error", "'answer_a1' raised ZeroDivisionError: division by zero")


def test_a_cell_stopped_at_the_time_limit_or_a_dead_kernel_is_named(tmp_path):
    outcome, _ = autograded(tmp_path, tiny(outputs={1: [error("CellTimeoutError"), error("KeyboardInterrupt")]}))
    assert (outcome.status, outcome.reason) == ("timed out", "answer_a1 ran over the time limit and was stopped")
    outcome, _ = autograded(
        tmp_path, tiny(outputs={1: [error(KERNEL_DIED, "the kernel died (out of memory?)")], 2: [error(NOT_RUN)]})
    )
    assert outcome.status == "kernel died"
    assert (
        outcome.reason == "'answer_a1': the kernel died (out of memory?); 1 later cell(s) were not run and earn nothing"
    )


def test_the_verdicts_findings_come_with_the_outcome_and_an_unreadable_file_never_stops_the_class(tmp_path):
    nb = tiny()
    nb.metadata[META] = {"findings": ["'test_a1' passed in the kernel but fails outside it"]}
    outcome, findings = autograded(tmp_path, nb)
    assert (outcome.status, findings) == ("graded", ["'test_a1' passed in the kernel but fails outside it"])
    (tmp_path / "autograded" / "second.ipynb").write_text("{not json")
    _, findings = autograded(tmp_path, nb)
    assert findings[0].startswith("second.ipynb could not be read after grading"), findings


def test_markdown_cells_are_not_read_as_code(tmp_path):
    outcome, _ = autograded(tmp_path, tiny(new_markdown_cell("raise NotImplementedError()")))
    assert outcome.notes == []


def test_a_missing_quiz_answers_file_is_named_for_the_teacher_not_taken_for_unanswered_quizzes(course):
    master, submitted = course
    nb = tiny(cell('check("quiz_answered", "summit_outcome/hanoi_document")', "test_quiz", grade=True, points=1))
    nbformat.write(nb, master / NAME)
    nbformat.write(nb, submitted / NAME)
    result = screen(submitted, master)
    assert [n for n in result.notes if "quiz_answers.json is missing" in n] and not result.findings
    (submitted / "quiz_answers.json").write_text("{}")
    assert screen(submitted, master).notes == []
    nbformat.write(tiny(), master / NAME)  # an assignment without quizzes needs no file
    (submitted / "quiz_answers.json").unlink()
    assert screen(submitted, master).notes == []
