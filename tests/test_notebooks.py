"""Are the notebooks well formed, is release/ what nbgrader makes of source/, do stubs fail and solutions pass?"""

import json
import re
import subprocess
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbclient import NotebookClient
from nbgrader.validator import Validator

from course.paths import ANSWERS_FILE, ASSIGNMENTS, OVERVIEW, PROJECT, RELEASED
from course.quiz.record import FORMAT
from course.teacher.classroom import Classroom
from tests.conftest import quiz_keys, release_notebook, right_answer, source_notebook, write_json

SEEDCHECK = PROJECT.parent / "shared" / "tools" / "seedcheck"


def nbgrader_meta(cell):
    return cell.metadata.get("nbgrader", {})


def cells(assignment):
    return nbformat.read(source_notebook(assignment), as_version=4).cells


# --- lint of the source notebook -----------------------------------------------------------------
def test_grade_ids_are_unique(assignment):
    ids = [nbgrader_meta(c)["grade_id"] for c in cells(assignment) if nbgrader_meta(c)]
    assert len(ids) == len(set(ids)), f"duplicate grade ids: {sorted({i for i in ids if ids.count(i) > 1})}"


def test_graded_cells_have_points_and_add_up_to_the_stated_total(assignment):
    cs = cells(assignment)
    graded = [nbgrader_meta(c) for c in cs if nbgrader_meta(c).get("grade") or nbgrader_meta(c).get("task")]
    assert graded and all(m.get("points", 0) > 0 for m in graded), "every test and task cell needs points"
    stated = re.search(r"graded\*\* \((\d+) points\)", "\n".join(c.source for c in cs[:2]))
    assert stated, "the header or the shared text under it should state the notebook's total points"
    assert sum(m["points"] for m in graded) == int(stated.group(1))


def test_every_autograded_answer_is_followed_by_a_test(assignment):
    cs = cells(assignment)
    answers = [i for i, c in enumerate(cs) if nbgrader_meta(c).get("solution") and c.cell_type == "code"]
    assert len(answers) >= 4
    for n, i in enumerate(answers):
        end = answers[n + 1] if n + 1 < len(answers) else len(cs)
        tests = [c for c in cs[i + 1 : end] if nbgrader_meta(c).get("grade") and c.cell_type == "code"]
        assert tests, f"answer cell {nbgrader_meta(cs[i])['grade_id']!r} has no test cell after it"


def test_every_test_goes_through_the_checking_api(assignment):
    for c in cells(assignment):
        if nbgrader_meta(c).get("grade") and c.cell_type == "code":
            code = "\n".join(ln for ln in c.source.splitlines() if not ln.lstrip().startswith(("#", '"""')))
            assert "check(" in code and not re.search(r"^\s*assert\b", code, re.MULTILINE), c.source
            assert c.source.lstrip().startswith('"""Check'), "start each test with a docstring 'Check that ...'"


def test_autograded_exercises_have_hidden_tests(assignment):
    hidden = [c for c in cells(assignment) if "BEGIN HIDDEN TESTS" in c.source and "quiz_graded" not in c.source]
    assert len(hidden) >= 4


def test_learning_goals_and_reading_list_are_present(assignment):
    cs = cells(assignment)
    header = cs[0]
    assert nbgrader_meta(header).get("locked"), "the header with the learning goals should be locked"
    assert "What you'll learn" in header.source and len(re.findall(r"^\d\. \*\*", header.source, re.M)) >= 3
    closing = "\n".join(c.source for c in cs if "## Reading list" in c.source)
    assert closing and len(re.findall(r"https?://", closing)) >= 3
    assert "koreatimes.co.kr" in closing and "thediplomat.com" in closing


def test_written_answers_carry_a_rubric_for_the_teacher(assignment):
    tasks = [c for c in cells(assignment) if nbgrader_meta(c).get("task")]
    assert tasks, "at least one manually graded written answer"
    for t in tasks:
        assert "BEGIN MARK SCHEME" in t.source and "END MARK SCHEME" in t.source
    release = release_notebook(assignment).read_text()
    assert "MARK SCHEME" not in release and "Rubric" not in release


@pytest.mark.parametrize("assignment", RELEASED)
def test_outputs_are_stripped(assignment):
    for path in (source_notebook(assignment), release_notebook(assignment)):
        for c in nbformat.read(path, as_version=4).cells:
            if c.cell_type == "code":
                assert c.outputs == [] and c.execution_count is None, f"{path.name}: outputs left in a cell"


def test_no_quiz_answer_record_in_source_or_release():
    assert list((PROJECT / "source").rglob(ANSWERS_FILE)) == []
    assert list((PROJECT / "release").rglob(ANSWERS_FILE)) == []


def test_generate_refuses_a_stray_answer_record_in_source(course_root, assignment):
    from course.teacher.classroom import StepFailed

    (course_root / "source" / assignment / ANSWERS_FILE).write_text("{}")
    with pytest.raises(StepFailed, match="delete it"):
        Classroom(course_root, course_root / "work").generate(assignment)


def test_generate_keeps_the_student_version_when_nbgrader_refuses(course_root):
    """nbgrader refuses to add cells once students have submitted, after removing the old student version: the
    course puts it back and says what to do."""
    from course.teacher.classroom import StepFailed

    room = Classroom(course_root, course_root / "work")
    released = room.generate("summit_outcome") / "summit_outcome.ipynb"
    before = released.read_bytes()
    with room.gradebook() as gb:
        gb.add_student("ada")
        gb.add_submission("summit_outcome", "ada")
    source = course_root / "source" / "summit_outcome" / "summit_outcome.ipynb"
    nb = nbformat.read(source, as_version=4)
    extra = nbformat.v4.new_markdown_cell("One more paragraph.")
    extra.metadata["nbgrader"] = {"grade_id": "extra", "locked": True, "grade": False, "solution": False, "task": False}
    extra.metadata["nbgrader"]["schema_version"] = 3
    nb.cells.append(extra)
    nbformat.write(nb, source)
    with pytest.raises(StepFailed, match="make generate"):
        room.generate("summit_outcome")
    assert released.read_bytes() == before


#: A citation must name the article: its title (and the URL slug made of it) are the only runs allowed.
CITED_TITLES = ["after the hanoi summit next steps for the us north korea and vietnam the diplomat"]


@pytest.mark.skipif(not SEEDCHECK.exists(), reason="../shared/tools/seedcheck is not beside the project")
def test_no_sentence_is_copied_from_the_readings():
    run = subprocess.run([str(SEEDCHECK)], cwd=PROJECT, capture_output=True, text=True)
    runs = re.findall(r'word for word: "([^"]+)"', run.stdout)
    copied = [r for r in runs if not any(r in title for title in CITED_TITLES)]
    assert run.returncode in (0, 1) and copied == [], run.stdout + run.stderr


# --- release/ is generated, the stub fails, the solution passes -----------------------------------
@pytest.mark.parametrize("assignment", RELEASED)
def test_release_is_what_generate_assignment_makes_from_source(course_root, assignment):
    generated = Classroom(course_root, course_root / "work").generate(assignment)
    committed = PROJECT / "release" / assignment
    names = sorted(p.relative_to(generated) for p in generated.rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(committed) for p in committed.rglob("*") if p.is_file())
    for name in names:
        if name.suffix == ".ipynb":
            assert json.loads((generated / name).read_text()) == json.loads((committed / name).read_text()), (
                f"release/{assignment}/{name} is stale: run `make generate` and commit"
            )
        else:
            assert (generated / name).read_bytes() == (committed / name).read_bytes()


def copy_notebook(path: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    dest = folder / path.name
    dest.write_bytes(path.read_bytes())
    return dest


def test_no_test_passes_on_the_untouched_release(tmp_path, assignment):
    nb = copy_notebook(release_notebook(assignment), tmp_path / "student")
    results = Validator(invert=True).validate(str(nb))
    assert results.get("passed", []) == [], [r["source"][:80] for r in results["passed"]]


def test_the_instructor_solution_runs_clean_and_passes_every_test(tmp_path, assignment):
    folder = tmp_path / "instructor"
    nb = copy_notebook(source_notebook(assignment), folder)
    answers = {
        ref: {"answer": right_answer(key), "saved_at": "2019-02-28T00:00:00+00:00"}
        for ref, key in quiz_keys(source_notebook(assignment)).items()
    }
    write_json(folder / ANSWERS_FILE, {"format": FORMAT, "answers": answers})
    results = Validator(validate_all=True, ignore_checksums=True).validate(str(nb))
    assert results == {}, [(r["source"][:60], r["raw_error"][-300:]) for r in results.get("failed", [])]


def test_the_student_version_runs_to_the_end_with_only_the_intended_stub_errors(tmp_path, assignment):
    """As JupyterLab's Run All does: errors stop the run (``allow_errors=False``, ``stop_on_error``) unless the
    cell is tagged ``raises-exception``. A blank answer must not stop it, so every quiz below shows and the last
    cell (Check my work) runs."""
    folder = tmp_path / "student"
    nb = nbformat.read(copy_notebook(release_notebook(assignment), folder), as_version=4)
    NotebookClient(nb, timeout=60, allow_errors=False, resources={"metadata": {"path": str(folder)}}).execute()
    quizzes = [c for c in nb.cells if c.cell_type == "code" and "question(" in c.source]
    assert quizzes and all(
        any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in c.outputs) for c in quizzes
    ), "a quiz below a blank answer was not shown"
    assert nb.cells[-1].outputs, "Run All did not reach the last cell"
    first_error = None
    for c in nb.cells:
        errors = [o for o in c.get("outputs", []) if o.output_type == "error"]
        if not errors:
            continue
        first_error = first_error or (c, errors[0])
        if nbgrader_meta(c).get("grade"):
            continue  # a test of an unanswered question fails: that is its job
        assert {e.ename for e in errors} == {"NotImplementedError"}, (c.source[:80], errors[0].evalue)
    cell, error = first_error
    assert nbgrader_meta(cell).get("solution") and error.ename == "NotImplementedError", (
        "the first error should be an answer stub, not a crash"
    )


def test_the_overview_ties_the_module_together():
    """Learning goals, every assignment in order with its time, both readings in full, and how to submit."""
    text = "\n".join(c.source for c in nbformat.read(source_notebook(OVERVIEW), as_version=4).cells)
    assert "What you will be able to do" in text and len(re.findall(r"^\d\. \*\*", text, re.M)) >= 4
    positions = [text.index(f"`{a}`") for a in ASSIGNMENTS]
    assert positions == sorted(positions), "the overview lists the assignments in teaching order"
    assert len(re.findall(r"about \d+ min", text)) >= len(ASSIGNMENTS)
    assert "koreatimes.co.kr" in text and "thediplomat.com" in text and "Mishra" in text
    assert "Submit" in text and "Restart Kernel and Run All" in text and "quiz_answers.json" in text
    for a in ASSIGNMENTS:  # the overview's points agree with each notebook's header
        header = "\n".join(c.source for c in nbformat.read(source_notebook(a), as_version=4).cells[:2])
        stated = re.search(r"graded\*\* \((\d+) points\)", header).group(1)
        row = next(line for line in text.splitlines() if f"`{a}`" in line)
        assert row.rstrip(" |").endswith(stated) or "see the notebook" in row, row


def test_the_overview_is_released_but_not_graded():
    nb = nbformat.read(release_notebook(OVERVIEW), as_version=4)
    assert not any(c.metadata.get("nbgrader", {}).get("grade") for c in nb.cells)
    assert OVERVIEW not in ASSIGNMENTS and RELEASED[0] == OVERVIEW


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_shared_text_comes_from_one_template(assignment):
    """ "How this notebook is graded" and "Before you submit" are written by course generate from
    course/teacher/notebook_text.py; edit the template, not the notebook, then run make generate."""
    from course.teacher.notebook_text import CHECK_MY_WORK, shared_text

    texts = shared_text(nbformat.read(source_notebook(assignment), 4))
    for path in (source_notebook(assignment), release_notebook(assignment)):
        nb = nbformat.read(path, as_version=4)
        for grade_id, text in texts.items():
            shared = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id]
            assert len(shared) == 1 and shared[0].source == text, (path.name, grade_id)
        assert nb.cells[-1].metadata["nbgrader"]["grade_id"] == CHECK_MY_WORK  # the last thing a student runs


#: Sentences a reviewer found wrong or one-sided, with why; none may come back (docs: the fact sheet's rules).
REVIEWED_OUT = {
    "unsigned *Diplomat* article": "the fact sheet says only that the stored copy has no byline",
    "a number a little above 8": "8.54 is about 8.5",
    "fraction of Singapore's notice": "states the UNVERIFIED two months' notice as fact",
    "last two resolutions of 2017 touched oil": "2270 (2016) banned aviation and rocket fuel",
    "the ten it adopted": "the ten are South Korea's count",
    "Designations appear in seven of the ten": "2321 and 2375 also designated",
    "A deal delayed is better": "Trump's line, which Mishra takes up",
}


def test_no_sentence_the_review_found_wrong_comes_back():
    texts = {p: p.read_text(encoding="utf-8") for p in sorted(PROJECT.glob("source/*/*.ipynb"))}
    texts.update({p: p.read_text(encoding="utf-8") for p in sorted(PROJECT.glob("course/checks/*.py"))})
    for phrase, why in REVIEWED_OUT.items():
        found = [p.name for p, text in texts.items() if phrase.lower() in text.lower()]
        assert not found, f"{phrase!r} in {found}: {why}"


def test_the_dayfirst_advice_is_given_only_for_swapped_days():
    from course import CheckFailed, check, load

    events = load("timeline", parse_dates=False)
    shifted = events.assign(date=pd.to_datetime(events["date"]) + pd.Timedelta(days=3))
    with pytest.raises(CheckFailed) as failure:
        check("timeline_sorted", shifted.sort_values("date"), original=events)
    assert "dayfirst" not in str(failure.value)
