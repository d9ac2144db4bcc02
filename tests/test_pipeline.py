"""Does the real nbgrader cycle (release, submit, collect, autograde, feedback, export) give each sample
student exactly the score and status their submission should get?"""

import csv

import pytest

from course.paths import ANSWERS_FILE, ASSIGNMENTS, PROJECT
from course.teacher.classroom import Classroom
from course.teacher.sample import fill_in, load_recipes, record_quiz, solutions
from tests.conftest import copy_course


def expected_outcomes(root):
    return {(a, s): r["expect"] for a in ASSIGNMENTS for s, r in load_recipes(a, root / "sample_class").items()}


def test_every_sample_student_gets_the_expected_score_and_status(demo_run):
    got = {
        (o.assignment, o.student): {"score": o.score, "status": o.status, "needs_manual": o.needs_manual}
        for o in demo_run["outcomes"]
    }
    assert got == expected_outcomes(demo_run["root"])


def test_the_sample_class_covers_every_kind_of_submission(demo_run):
    statuses = {o.status for o in demo_run["outcomes"]}
    assert {"graded", "error", "timed out", "failed"} <= statuses
    assert len({o.student for o in demo_run["outcomes"]}) >= 6


def test_anything_not_graded_normally_has_a_reason(demo_run):
    """The reason names the answer cell that raised or looped, or says why the file is unreadable."""
    for o in demo_run["outcomes"]:
        recipe = load_recipes(o.assignment, demo_run["root"] / "sample_class")[o.student]
        custom = [cell for cell, code in recipe["answers"].items() if cell != "*" and code != "solution"]
        if o.status in ("error", "timed out"):
            assert custom and custom[0] in o.reason, (o.student, o.reason)
        if o.status == "timed out":
            assert "time limit" in o.reason
        if o.status == "failed":
            assert "not valid JSON" in o.reason and "resubmit" in o.reason
        if o.student == "blank":
            assert "left blank" in o.summary()


def test_the_instructor_solution_earns_every_autograded_point(demo_run):
    with Classroom(demo_run["root"], demo_run["root"] / "work").gradebook() as gb:
        for assignment in ASSIGNMENTS:
            sub = gb.find_submission(assignment, "full_marks")
            auto_max = sum(g.max_score for nb in sub.notebooks for g in nb.grades if g.auto_score is not None)
            assert sub.score == auto_max > 0
            assert sub.needs_manual_grade  # the written answer waits for the teacher


def test_the_rubric_reaches_the_formgrader_but_not_the_students_release(demo_run):
    for a in ASSIGNMENTS:
        autograded = demo_run["root"] / "work" / "autograded" / "full_marks" / a / f"{a}.ipynb"
        assert "BEGIN MARK SCHEME" in autograded.read_text()
        assert "MARK SCHEME" not in (demo_run["root"] / "release" / a / f"{a}.ipynb").read_text()


def quiz_expectations(root, assignment):
    """For each sample student and graded question: the recorded answer (or None) and the points it must earn,
    worked out with the scoring rules from the hidden keys."""
    from course.grading.keys import graded_keys
    from course.quiz import find_question, mark, normalise

    keys = graded_keys(root / "source" / assignment / f"{assignment}.ipynb")
    out = {}
    for student, recipe in load_recipes(assignment, root / "sample_class").items():
        for ref, spec in keys.items():
            q, given = find_question(*ref.split("/")), recipe["quiz"].get(ref.split("/")[1])
            points = (
                0
                if given is None
                else round(spec["points"] * mark(q, normalise(q, given), spec["key"], spec["feedback"]).fraction, 2)
            )
            out[student, ref] = (q, given, points, spec)
    return out


def test_quiz_answers_earn_their_points_after_a_fresh_kernel_with_partial_credit(demo_run):
    """A recorded answer reaches the grade through autograde, which replays no clicks; partial credit counts."""
    root = demo_run["root"]
    partial_seen = False
    with Classroom(root, root / "work").gradebook() as gb:
        for assignment in ASSIGNMENTS:
            for (student, ref), (_, _, points, spec) in quiz_expectations(root, assignment).items():
                if student == "malformed":
                    continue
                grade = gb.find_grade(spec["grade_id"], assignment, assignment, student)
                assert grade.score == points, (student, ref, grade.score, points)
                partial_seen |= 0 < points < spec["points"]
    assert partial_seen, "the sample class should show partial credit somewhere"


def shown_answer(q, given):
    """A recorded answer as the feedback describes it (a multiple-select answer in the order of the options)."""
    return given if q["type"] != "multiple" else [o["id"] for o in q["options"] if o["id"] in given]


def test_feedback_shows_each_quiz_answer_the_right_one_and_why(demo_run):
    """For every quiz question: what the student answered (or that they did not), the right answer, and why."""
    import html

    from course.quiz import describe
    from tests.conftest import right_answer

    root = demo_run["root"]
    for assignment in ASSIGNMENTS:
        expectations = quiz_expectations(root, assignment)
        for student in ("full_marks", "partial", "blank"):
            page = html.unescape((root / "work" / "feedback" / student / assignment / f"{assignment}.html").read_text())
            mine = {ref: v for (s, ref), v in expectations.items() if s == student}
            assert page.count("Right answer: ") == len(mine) and page.count("Why: ") == len(mine)
            for ref, (q, given, _, spec) in mine.items():
                assert f"Right answer: {describe(q, right_answer(spec['key']))}" in page, (student, ref)
                if given is not None:
                    assert f"Your answer: {describe(q, shown_answer(q, given))}" in page, (student, ref)
            unanswered = sum(given is None for (_, given, _, _) in mine.values())
            assert page.count("has no recorded answer") == unanswered, (student, assignment)


def test_grades_are_exported_for_every_student_including_the_unreadable(demo_run):
    rows = list(csv.DictReader(open(demo_run["grades"], encoding="utf-8")))
    exported = {(r["assignment"], r["student_id"]): float(r["score"]) for r in rows}  # graded assignments only
    expected = {k: float(v["score"]) for k, v in expected_outcomes(demo_run["root"]).items()}
    assert exported == expected


def test_status_csv_gives_the_teacher_the_reason(demo_run):
    rows = {(r["assignment"], r["student"]): r for r in csv.DictReader(open(demo_run["status"], encoding="utf-8"))}
    for o in demo_run["outcomes"]:
        row = rows[(o.assignment, o.student)]
        assert (row["status"], float(row["score"]), float(row["max_score"])) == (o.status, o.score, o.max_score)
        assert row["reason"] == o.summary()
    assert all(rows[(a, "malformed")]["reason"] for a in ASSIGNMENTS)


def test_feedback_is_written_for_every_graded_student(demo_run):
    graded = {(o.assignment, o.student) for o in demo_run["outcomes"] if o.status != "failed"}
    written = {(p.parts[-2], p.parts[-3]) for p in demo_run["feedback"]}
    assert written == graded
    for o in demo_run["outcomes"]:
        if o.student == "full_marks":
            html = next(p for p in demo_run["feedback"] if p.parts[-3] == "full_marks" and p.parts[-2] == o.assignment)
            assert f"{o.score:g}" in html.read_text() and f"{o.max_score:g}" in html.read_text()


def test_grading_the_class_again_gives_the_same_result_and_gradebook(demo_run):
    """Re-running a grading step is idempotent: same outcomes, same scores in the gradebook, nobody lost. The demo
    graded two students at a time (one per processor); this run grades one at a time: the same for everyone."""
    root, assignment = demo_run["root"], "summit_outcome"
    room = Classroom(root, root / "work")
    with room.gradebook() as gb:
        before = {s.student.id: s.score for s in gb.assignment_submissions(assignment)}
    again = room.autograde(assignment, room.collect(assignment), jobs=1)
    key = lambda o: (o.assignment, o.student, o.score, o.status, o.summary())  # noqa: E731
    assert sorted(map(key, again)) == sorted(key(o) for o in demo_run["outcomes"] if o.assignment == assignment)
    with room.gradebook() as gb:
        assert {s.student.id: s.score for s in gb.assignment_submissions(assignment)} == before


def test_a_stray_instructor_answer_record_does_not_overwrite_the_students(tmp_path):
    """Autograde copies source/ files over submissions: the quiz record must be excluded."""
    root = copy_course(tmp_path / "course")
    room = Classroom(root, root / "work")
    room.generate("summit_outcome")
    room.release("summit_outcome")
    home = root / "work" / "students" / "ada"
    folder = room.student_fetch("summit_outcome", "ada", home)
    recipe = load_recipes("summit_outcome", root / "sample_class")["full_marks"]
    fill_in(
        folder / "summit_outcome.ipynb", recipe, solutions(root / "source" / "summit_outcome" / "summit_outcome.ipynb")
    )
    record_quiz(folder, "summit_outcome", recipe["quiz"])
    room.student_submit("summit_outcome", "ada", home)
    # the instructor answered the quiz wrongly while testing in source/, after releasing
    record_quiz(
        root / "source" / "summit_outcome",
        "summit_outcome",
        {"hanoi_document": "end_of_war", "ri_request": "troops", "official_briefing": "neither"},
    )
    [outcome] = room.autograde("summit_outcome", room.collect("summit_outcome"))
    assert (outcome.status, outcome.score) == ("graded", recipe["expect"]["score"])
    assert (root / "source" / "summit_outcome" / ANSWERS_FILE).exists()


def test_a_recipe_naming_an_unknown_answer_cell_is_refused(tmp_path):
    root = copy_course(tmp_path / "course")
    nb = root / "release" / "summit_outcome" / "summit_outcome.ipynb"
    with pytest.raises(ValueError, match="do not exist"):
        fill_in(nb, {"answers": {"no_such_answer": "x = 1"}}, {})


def test_feedback_names_each_item_by_its_question_and_awaits_the_teacher(demo_run):
    """The table of contents and the heading of each graded cell name the question; a written answer not yet
    graded says so instead of showing 0; long lines wrap (course/grading/feedback.py)."""
    import html
    import re

    for assignment in ASSIGNMENTS:
        page = html.unescape(
            (demo_run["root"] / "work" / "feedback" / "partial" / assignment / f"{assignment}.html").read_text()
        )
        toc = page[page.index('<div id="toc">') : page.index("</ol>", page.index('<div id="toc">'))]
        items = [re.sub(r"<[^>]+>|\s+", " ", li).strip() for li in re.findall(r"<li>.*?</li>", toc, re.S)]
        graded = [i for i in items if not i.startswith("Comment on")]
        assert graded and all(re.match(r"Question [A-G]\.\d+, ", i) for i in graded), graded
        assert "Test cell" not in toc
        written = [i for i in graded if "written answer" in i]
        assert written and all("awaiting your teacher" in i and "Score" not in i for i in written), written
        assert re.search(r'class="nbgrader-label">Question A\.1, test', page)
        assert "white-space: pre-wrap" in page


#: What a student's feedback must never show under the default policy: hidden tests, quiz keys in the test
#: source, the rubric, grading internals.
NEVER_SHOWN = ("BEGIN HIDDEN TESTS", "quiz_graded", "MARK SCHEME", "_record_answer", "course.export", "Grader's note")


def test_feedback_never_shows_a_hidden_test_a_rubric_or_grading_internals(demo_run):
    import html
    import re

    from course.grading.keys import graded_keys

    root = demo_run["root"]
    for path in demo_run["feedback"]:
        page = html.unescape(path.read_text(encoding="utf-8"))
        assert not [s for s in NEVER_SHOWN if s in page], path
    page = (root / "work" / "feedback" / "partial" / "summit_outcome" / "summit_outcome.html").read_text()
    page = html.unescape(re.sub(r"<[^>]+>", "", page))  # the source as text, without its highlighting
    assert 'check("meeting_gaps", meeting_gaps, count=2)' in page  # the visible test
    assert "expected=[260, 123]" not in page  # the hidden one
    assert "Provisional feedback" in page  # the written answer awaits the teacher
    keys = graded_keys(root / "source" / "summit_outcome" / "summit_outcome.ipynb")
    assert page.count("Right answer: ") == len(keys)  # shown by default, in the results, not in the source


def test_feedback_of_a_blank_and_a_partial_submission_is_in_words_with_nothing_left_over(demo_run):
    """What a student reads: "left blank" rather than two tracebacks, a check's message without its class name,
    the quiz verdicts without internal ids, no empty output of a quiz widget, no score a test cell returned, no line
    of Check my work (which runs only for the student)."""
    import html
    import re

    from course.grading.feedback import LEFT_BLANK, NOT_CHECKED

    root = demo_run["root"]
    for assignment in ASSIGNMENTS:
        for student in ("blank", "partial"):
            raw = (root / "work" / "feedback" / student / assignment / f"{assignment}.html").read_text()
            page = html.unescape(raw)
            where = f"{student}/{assignment}"
            assert LEFT_BLANK in page and NOT_CHECKED in page, where
            for leftover in ("CheckFailed", "Quiz question '", "Check my work runs", "\x1b[", "[0;31m", "Traceback ("):
                assert leftover not in page, (where, leftover)
            assert "output_widget_view" not in raw, where  # an empty Out[n] under each quiz
            cells = re.split(r'<div [^>]*class="cell border-box-sizing code_cell rendered', raw)  # then its tags
            tests = [c for c in cells if re.search(r'nbgrader-label">Question [A-Z]\.\d+, (test|quiz)', c)]
            assert tests and not [c for c in tests if "output_execute_result" in c], (where, "a test's returned score")
            outputs = re.findall(
                r'<div class="output_subarea output_stream output_stdout output_text">\s*<pre>(.*?)</pre>', raw, re.S
            )
            assert not [o for o in outputs if "NotImplementedError" in o or "NameError" in o], where


def regenerated(demo_run, tmp_path, student, assignment, **policy):
    """The feedback page of one student regenerated under another FeedbackPolicy, into tmp_path."""
    import html

    root = demo_run["root"]
    room = Classroom(root, root / "work")
    for name, value in policy.items():
        setattr(room.config.FeedbackPolicy, name, value)
    room.api.coursedir.feedback_directory = str(tmp_path / "feedback")
    assert room.api.generate_feedback(assignment, student, force=True)["success"]
    return html.unescape((tmp_path / "feedback" / student / assignment / f"{assignment}.html").read_text())


def test_quiz_keys_can_be_held_back_and_everything_shown_when_the_teacher_chooses(demo_run, tmp_path):
    held = regenerated(demo_run, tmp_path / "held", "partial", "summit_outcome", quiz_keys="never")
    assert "Right answer: " not in held and "Why: " not in held
    assert "Your answer: " in held
    assert "The right answers are shown later." in held
    full = regenerated(demo_run, tmp_path / "full", "partial", "summit_outcome", content="full")
    assert "BEGIN HIDDEN TESTS" in full and "Right answer: " in full
    # per assignment: keys never shown for summit_outcome only
    override = {"summit_outcome": {"quiz_keys": "never"}}
    assert "Right answer: " not in regenerated(
        demo_run, tmp_path / "a", "partial", "summit_outcome", assignments=override
    )
    assert "Right answer: " in regenerated(demo_run, tmp_path / "b", "partial", "middle_powers", assignments=override)


def test_keys_wait_until_every_student_has_submitted(demo_run, tmp_path):
    from course.grading.feedback import keys_shown

    room = Classroom(demo_run["root"], demo_run["root"] / "work")
    submitted = room.config.FeedbackPolicy.submitted_directory
    with room.gradebook() as gb:
        assert keys_shown(gb, "summit_outcome", "after_all_submitted", submitted)  # the whole sample class
        gb.add_student("late_student")
        try:
            assert not keys_shown(gb, "summit_outcome", "after_all_submitted", submitted)
        finally:
            gb.remove_student("late_student")


def test_each_verdict_reaches_the_formgrader_flagged_with_its_reason(demo_run):
    """What the terminal and the status CSV say is where the teacher grades: submissions not graded normally are
    flagged, with the reason as the comment the formgrader shows; the unreadable one is listed too."""
    from course.grading.notes import NOTE

    outcomes = {(o.assignment, o.student): o for o in demo_run["outcomes"]}
    with Classroom(demo_run["root"], demo_run["root"] / "work").gradebook() as gb:
        for (assignment, student), o in outcomes.items():
            sub = gb.find_submission(assignment, student)  # the malformed one too: it is listed
            notes = [
                c.auto_comment for nb in sub.notebooks for c in nb.comments if (c.auto_comment or "").startswith(NOTE)
            ]
            flagged = any(nb.flagged for nb in sub.notebooks)
            if o.status == "graded":
                assert not flagged, (assignment, student)
            else:
                assert flagged and notes == [f"{NOTE}{o.status}: {o.summary()}"], (assignment, student, notes)


def test_the_demo_has_written_answers_to_grade_and_says_what_it_is_doing(demo_run):
    """Two sample students wrote an answer of different quality to each written question: the teacher has
    something to grade with the rubric. The demo says each step and each student as it goes."""
    import nbformat

    for assignment in ASSIGNMENTS:
        recipes = load_recipes(assignment, demo_run["root"] / "sample_class")
        for student in ("full_marks", "partial"):
            [(task, text)] = recipes[student]["written"].items()
            nb = nbformat.read(
                demo_run["root"] / "work" / "autograded" / student / assignment / f"{assignment}.ipynb", 4
            )
            [index] = [i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == task]
            assert nb.cells[index + 1].source == text
        assert len(recipes["full_marks"]["written"][task]) > 3 * len(recipes["partial"]["written"][task])
        graded = [line for line in demo_run["said"] if line.startswith("  ")]
        assert (
            f"{assignment}: {len(recipes)} sample students submitted; grading each in the sandbox" in demo_run["said"]
        )
    assert len(graded) == sum(len(load_recipes(a, demo_run["root"] / "sample_class")) for a in ASSIGNMENTS)


def test_feedback_again_says_why_the_unreadable_submission_has_none(demo_run, tmp_path):
    room = Classroom(demo_run["root"], demo_run["root"] / "work")
    room.api.coursedir.feedback_directory = str(tmp_path / "feedback")
    results = {r.student: r for r in room.feedback("summit_outcome", ["malformed", "full_marks"])}
    assert results["malformed"].files is None and "could not be graded" in results["malformed"].note
    assert results["full_marks"].files and results["full_marks"].note.startswith("provisional")


def test_item_analysis_reads_the_demo_class_from_its_gradebook(demo_run, capsys):
    """`course insight` on the demo class: every question named as in the notebook, with its points and kind; the
    figures rest on the graded students only (a written answer awaiting the teacher counts for no one yet, and
    the malformed submission for nothing); the sample class's recipes show in the quiz responses and the reasons."""
    from course.teacher.cli import main
    from course.teacher.insight import LEFT_BLANK, NO_ANSWER, analyse

    root = demo_run["root"]
    found = analyse(Classroom(root, root / "work"), "summit_outcome")
    assert list(found.questions.index[:3]) == ["A.1", "A.2", "A.3"]
    assert found.questions["points"].sum() == 24 and set(found.questions["kind"]) == {"code", "quiz", "written"}
    assert found.questions.loc["D.1", "kind"] == "written" and found.items.loc["D.1", "students"] == 0
    full = found.scores.loc["full_marks"].drop("D.1")
    assert (full == found.questions["points"].drop("D.1")).all()  # every autograded point
    assert found.scores.loc["blank"].drop("D.1").sum() < full.sum()
    assert found.scores.loc["malformed"].isna().all() and found.items.loc["A.1", "students"] == 5
    assert "only" in found.items.loc["A.1", "flags"] and found.warnings  # five graded students
    assert found.reliability["questions"] == 12  # D.1, graded for no one yet, left out
    # quiz: C.2 (ri_request) as the recipes answered it: three with the key, partial with Trump's account
    c2 = found.options[found.options["question"] == "C.2"].set_index("response")
    assert c2.loc["The lifting of all sanctions, in their entirety", "students"] == 1
    assert c2.loc[c2["right"], "students"].item() == 3 and c2.loc[NO_ANSWER, "students"] == 1
    # code: the blank student counted as such, the raises student by what the check told them
    a1 = found.reasons[found.reasons["question"] == "A.1"].set_index("reason")
    assert a1.loc[LEFT_BLANK, "who"] == "blank"
    assert [w for r, w in a1["who"].items() if r != LEFT_BLANK] == ["raises"]
    assert found.written.set_index("question").loc["D.1", ["graded", "awaiting"]].tolist() == [0, 5]

    assert main(["--course", str(root), "--work", str(root / "work"), "insight", "summit_outcome"]) == 0
    said = capsys.readouterr().out
    page = root / "work" / "insight" / "summit_outcome" / "index.html"
    assert "5 graded students" in said and "index.html" in said and page.exists()
    html = page.read_text(encoding="utf-8")
    assert all(f">{q}<" in html for q in found.questions.index) and "Left blank" in html
    assert (page.parent / "options.csv").exists() and (page.parent / "reasons.csv").exists()


def test_the_docs_notebook_of_the_item_analysis_runs_on_the_demo_class(demo_run):
    """docs/insight.ipynb, as a teacher runs it after `make demo`: every cell, and its tables show the class."""
    import shutil

    import nbformat
    from nbclient import NotebookClient

    docs = demo_run["root"] / "docs"
    docs.mkdir(exist_ok=True)
    shutil.copy(PROJECT / "docs" / "insight.ipynb", docs / "insight.ipynb")
    nb = nbformat.read(docs / "insight.ipynb", as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(docs)}}).execute()
    shown = "\n".join(out.get("data", {}).get("text/plain", "") for cell in nb.cells for out in cell.get("outputs", []))
    assert "A.1" in shown and "Cronbach" in shown and "Left blank" in shown
    assert not [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]


def test_course_status_shows_the_demo_class_with_each_grading_outcome(demo_run, capsys):
    """`course status` after the demo: every sample student in one table, each with the outcome of grading."""
    from course.teacher.cli import main

    root = demo_run["root"]
    capsys.readouterr()
    assert main(["--course", str(root), "--work", str(root / "work"), "status", "summit_outcome"]) == 0
    rows = {
        line.split()[1]: line
        for line in capsys.readouterr().out.splitlines()
        if line.startswith("│ ") and line.split()[1] != "│"
    }
    assert {"blank", "full_marks", "loops_forever", "malformed", "partial", "raises"} <= set(rows), rows
    assert "failed" in rows["malformed"] and "(error)" in rows["raises"] and "(timed out)" in rows["loops_forever"]
    assert "20 of 24" in rows["full_marks"] and "not submitted" not in "".join(rows.values())
