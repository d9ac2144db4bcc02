"""Tampered submissions earn nothing undeserved and are flagged, graded through the real pipeline.

Each file in tests/tampered/ is one student: the full-marks solution of summit_outcome with some answers
changed (``answers``, ``quiz``), then either an edit of the notebook file (``edit``: threat 1) or a few lines
at the top of the first answer cell that tamper with the kernel (``code``: threat 2). ``honest_score`` is
what the same answers earn without the tampering; the tampered student may never get more. A case with
``limit`` is a documented limit of the defence (docs/grading-safety.md): its test is expected to fail (no case
is one now: every test cell is decided outside the kernel, see course/grading/verdict.py).
All cases and the same students' honest twins are graded in the corpus tests' shared class (tests/corpus.py); the
cases in ``AGAINST_PLAIN`` are also graded by plain nbgrader, where they do earn what they should not.
"""

import copy
import json
from pathlib import Path

import nbformat
import pytest

from course.grading.report import STATUSES
from tests.corpus import ASSIGNMENT, HONEST

FIRST_ANSWER = "timeline_answer"
TAMPERED = Path(__file__).parent / "tampered"
CASES = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(TAMPERED.glob("*.json"))}
TWIN = "twin-"  # the honest twin of a case: same answers, no tampering
PLAIN = "plain-"  # the same submission, graded by plain nbgrader
#: Attacks that work against plain nbgrader (and the first design of course/grading/verdict.py, which recorded answers
#: in test cells that still held the hidden tests): a hook that reads each test cell before it runs, and a
#: ``check`` that records answers built from the expected values it is given.
AGAINST_PLAIN = ("peeks_at_running_tests", "forges_records")


def listed(value) -> list:
    return value if isinstance(value, list) else [value]


def apply_edit(notebook: Path, edit: dict) -> None:
    """Change the notebook file as a student with a text editor would."""
    nb = nbformat.read(notebook, as_version=4)
    [index] = [i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == edit["cell"]]
    cell = nb.cells[index]
    if edit.get("delete"):
        del nb.cells[index]
    elif edit.get("duplicate"):
        nb.cells.insert(index + 1, copy.deepcopy(cell))
    else:
        if "source" in edit:
            cell.source = edit["source"]
        if "points" in edit:
            cell.metadata["nbgrader"]["points"] = edit["points"]
        if "grade_id" in edit:
            cell.metadata["nbgrader"]["grade_id"] = edit["grade_id"]
        if edit.get("cell_type") == "markdown":
            nb.cells[index] = nbformat.v4.new_markdown_cell(cell.source, metadata=cell.metadata)
    nbformat.write(nb, notebook)


def submit_cases(corpus) -> None:
    """Each case, its honest twin and, for the cases in AGAINST_PLAIN, a copy for plain nbgrader (tests/corpus.py).
    Cases with the same answers share one twin (most use the full solution, as the corpus's honest student does),
    so the corpus grades fewer notebooks."""
    twins, twin_of = {json.dumps([corpus.answers, corpus.full_quiz], sort_keys=True): HONEST}, {}
    for student, case in CASES.items():
        mine = dict(corpus.answers, **case.get("answers", {}))
        quiz = case.get("quiz", corpus.full_quiz)
        same = json.dumps([mine, quiz], sort_keys=True)
        if same not in twins:
            twins[same] = TWIN + student
            corpus.submit(TWIN + student, mine, quiz)
        twin_of[student] = twins[same]
        if case.get("code"):
            mine[FIRST_ANSWER] = "\n".join(case["code"]) + "\n" + mine[FIRST_ANSWER]
        edit = (lambda path, e=case["edit"]: apply_edit(path, e)) if case.get("edit") else None
        corpus.submit(student, mine, quiz, edit)
        if student in AGAINST_PLAIN:
            corpus.submit(PLAIN + student, mine, quiz, edit)
            corpus.not_graded.add(PLAIN + student)
    corpus.extra["tampering"] = {"twin_of": twin_of}


@pytest.fixture(scope="module")
def graded(corpus):
    return {
        "root": corpus.root,
        "room": corpus.room,
        "outcomes": corpus.outcomes,
        "twin_of": corpus.extra["tampering"]["twin_of"],
        "full": corpus.full,
        "plain": grade_plainly(corpus.room, sorted(corpus.not_graded)),
    }


def grade_plainly(room, students) -> dict:
    """{student: score} under nbgrader's own autograde steps (no sandbox, tests run in the kernel)."""
    from nbgrader.converters import Autograde

    steps = room.config.Autograde.autograde_preprocessors
    room.config.Autograde.autograde_preprocessors = list(Autograde.class_traits()["autograde_preprocessors"].default())
    try:
        scores = {}
        for student in students:
            assert room.api.autograde(ASSIGNMENT, student, force=True, create=True)["success"]
            with room.gradebook() as gb:
                scores[student] = gb.find_submission(ASSIGNMENT, student).score
        return scores
    finally:
        room.config.Autograde.autograde_preprocessors = steps


def _check_case(graded, case):
    expect, outcome = CASES[case]["expect"], graded["outcomes"][case]
    twin = graded["outcomes"][graded["twin_of"][case]]
    seen = f"{case}: {outcome.status}, {outcome.score:g} (twin {twin.score:g}): {outcome.summary()}"
    assert outcome.status in STATUSES
    assert outcome.score <= twin.score, seen
    assert outcome.status == expect["status"], seen
    assert any(r in outcome.summary() for r in listed(expect["reason"])), seen
    assert twin.score == expect["honest_score"], twin.summary()


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(c, marks=pytest.mark.xfail(strict=True, reason=CASES[c]["limit"])) if CASES[c].get("limit") else c
        for c in sorted(CASES)
    ],
)
def test_a_tampered_submission_is_flagged_and_earns_no_more_than_its_honest_twin(graded, case):
    """A case marked ``limit`` is expected to fail: if it ever passes, update docs/grading-safety.md."""
    _check_case(graded, case)


def test_honest_students_are_not_flagged(graded):
    honest = [o for s, o in graded["outcomes"].items() if s == HONEST or s.startswith(TWIN)]
    assert all(o.status != "flagged" for o in honest), [(o.student, o.summary()) for o in honest]
    assert graded["outcomes"][HONEST].score == graded["full"]


def test_the_gradebook_shows_the_verdict_outside_the_kernel(graded):
    """nbgrader's own grade is the verdict decided outside the kernel: no manual score needed, and the
    gradebook, formgrader, feedback and export all agree with the summary."""
    with graded["room"].gradebook() as gb:
        for case in ("patches_quiz_check", "patches_check", "swallows_exceptions"):
            assert gb.find_submission(ASSIGNMENT, case).score == graded["outcomes"][case].score
            grade = gb.find_grade("test_quiz_hanoi_document", ASSIGNMENT, ASSIGNMENT, case)
            assert grade.score == 0 and grade.manual_score is None
        for case in ("patches_code_check", "patches_test_helper", "ast_transformer", "fake_checks_module"):
            assert gb.find_submission(ASSIGNMENT, case).score == graded["outcomes"][case].score
            grade = gb.find_grade("test_us_dprk_meetings", ASSIGNMENT, ASSIGNMENT, case)
            assert grade.auto_score == 0 and grade.manual_score is None
        honest = gb.find_grade("test_us_dprk_meetings", ASSIGNMENT, ASSIGNMENT, HONEST)
        assert honest.score == 2 and honest.manual_score is None


@pytest.mark.parametrize("case", AGAINST_PLAIN)
def test_attacks_that_beat_plain_nbgrader_earn_nothing_here(graded, case):
    """The same submission: plain nbgrader pays the hidden test of meeting_gaps, the course does not."""
    twin = graded["outcomes"][graded["twin_of"][case]].score
    assert graded["plain"][PLAIN + case] > twin
    assert graded["outcomes"][case].score == twin
    with graded["room"].gradebook() as gb:
        assert gb.find_grade("test_meeting_gaps", ASSIGNMENT, ASSIGNMENT, case).score == 0
        assert gb.find_grade("test_meeting_gaps", ASSIGNMENT, ASSIGNMENT, PLAIN + case).score == 2


def test_the_kernel_never_sees_a_hidden_test_or_a_quiz_key(graded):
    """What the peeking hook saw of the test cells: under plain nbgrader the hidden tests and the quiz keys,
    here only the visible tests and the recording of answers (the feedback still shows the whole test)."""
    work = graded["root"] / "work" / "autograded"
    plain = (work / (PLAIN + "peeks_at_running_tests") / ASSIGNMENT / "seen_cells.txt").read_text()
    seen = (work / "peeks_at_running_tests" / ASSIGNMENT / "seen_cells.txt").read_text()
    for secret in ("BEGIN HIDDEN TESTS", "expected=[260, 123]", "key=", "quiz_graded"):
        assert secret in plain and secret not in seen, secret
    assert "_record_answer('meeting_gaps', meeting_gaps)" in seen
    assert 'check("meeting_gaps", meeting_gaps, count=2)' in seen
    import nbformat

    nb = nbformat.read(work / "peeks_at_running_tests" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", 4)
    [gaps] = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "test_meeting_gaps"]
    assert "BEGIN HIDDEN TESTS" in gaps.source and "expected=[260, 123]" in gaps.source
