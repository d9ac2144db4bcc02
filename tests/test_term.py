"""A teacher's term after grading, through the real nbgrader exchange: feedback written again without autograding,
then returned to every student by the route they came in (Fetch Feedback for the exchange, a file to upload for
the LMS), one student's trouble stopping no one. A small plain assignment keeps it quick
(tests/test_own_assignment.py)."""

import csv
import json
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from course.paths import PROJECT
from course.teacher.classroom import Classroom
from course.teacher.cli import main
from course.teacher.sample import fill_in, solutions
from tests.test_own_assignment import OWN, plain_assignment

NOTEBOOK = f"{OWN}.ipynb"


#: How Moodle's "Download all submissions" names Cy's folder; the roster maps its id to "cy".
MOODLE = "Cy Young_123456_assignsubmission_file_"


def small_class(root, answers_by_student: dict):
    """The plain assignment released; students fetch, answer (``{student: recipe}``) and submit through the
    exchange; cy hands in through Moodle (the class list imported, then the download taken in). (room, homes)"""
    plain_assignment(root)
    room = Classroom(root, root / "work")
    room.generate(OWN)
    room.release(OWN)
    answers = solutions(root / "source" / OWN / NOTEBOOK)
    homes = {}
    for student, recipe in answers_by_student.items():
        homes[student] = root / "work" / "students" / student
        folder = room.student_fetch(OWN, student, homes[student])
        fill_in(folder / NOTEBOOK, {"answers": recipe}, answers)
        room.student_submit(OWN, student, homes[student])
    # the class list: the LMS knows every student, whichever way they hand in
    (root / "roster.csv").write_text(
        "id,first_name,last_name,email,lms_user_id\nada,,,,\nbo,,,,\ncy,Cy,Young,,123456\n"
    )
    room.import_roster(root / "roster.csv")
    mine = root / "cy.ipynb"  # cy's full-marks answer, as uploaded to Moodle
    mine.write_bytes((root / "release" / OWN / NOTEBOOK).read_bytes())
    fill_in(mine, {"answers": {"*": "solution"}}, answers)
    with zipfile.ZipFile(root / "download.zip", "w") as z:
        z.write(mine, f"{MOODLE}/{NOTEBOOK}")
    room.intake(OWN, root / "download.zip")
    return room, homes


@pytest.fixture(scope="module")
def term(tmp_path_factory):
    root = tmp_path_factory.mktemp("term") / "course"
    room, homes = small_class(root, {"ada": {"*": "solution"}, "bo": {"squares": "def squares(n):\n    return []"}})
    # as `course grade` does: two workers, each writing a student's feedback as soon as it has graded them
    graded = room.autograde(OWN, room.collect(OWN), jobs=2, feedback=True)
    outcomes = {o.student: o for o in graded}
    written = {s: (root / "work" / "feedback" / s / OWN / f"{OWN}.html").read_text() for s in outcomes}
    return {"root": root, "room": room, "homes": homes, "outcomes": outcomes, "written": written}


def test_everyone_is_graded_whatever_their_route(term):
    assert {s: (o.status, o.score) for s, o in term["outcomes"].items()} == {
        "ada": ("graded", 3.0),
        "bo": ("graded", 1.0),
        "cy": ("graded", 3.0),
    }


def test_each_students_feedback_is_written_by_the_worker_that_graded_them(term):
    """One feedback converter per worker serves every student it grades: each page is its own student's."""
    assert {s: o.feedback for s, o in term["outcomes"].items()} == dict.fromkeys(("ada", "bo", "cy"), "written")
    for student, page in term["written"].items():
        score = term["outcomes"][student].score
        assert f"Score: {score:g}" in page.replace(".0 /", " /"), student
        assert term["outcomes"][student].seconds["feedback"] > 0


def test_feedback_is_written_again_without_autograding_and_returned_by_each_route(term, capsys):
    root, room = term["root"], term["room"]
    work = ["--work", str(root / "work")]
    autograded = (root / "work" / "autograded" / "ada" / OWN / NOTEBOOK).stat().st_mtime_ns
    assert main([*work, "feedback", OWN, "--root", str(root)]) == 0
    out = capsys.readouterr().out
    assert all(s in out for s in ("ada", "bo", "cy")) and f"--work {root / 'work'} return {OWN}" in out
    assert (root / "work" / "autograded" / "ada" / OWN / NOTEBOOK).stat().st_mtime_ns == autograded  # not regraded

    assert main([*work, "return", OWN, "--root", str(root)]) == 0
    out = capsys.readouterr().out
    assert out.count("returned through the exchange") == 2 and "file to upload to the LMS" in out
    # the exchange students find it with Fetch Feedback
    for student in ("ada", "bo"):
        pages = room.student_fetch_feedback(OWN, student, term["homes"][student])
        assert [p.name for p in pages] == [f"{OWN}.html"], student
        assert f"Score: {term['outcomes'][student].score:g}" in pages[0].read_text().replace(".0 /", " /")
    # the Moodle student's file, alone and in the zip to upload, named as Moodle's "upload feedback files" wants
    moodle = MOODLE
    assert (root / "work" / "returned" / OWN / moodle / f"{OWN}.html").is_file()
    with zipfile.ZipFile(root / "work" / "returned" / f"{OWN}.zip") as z:
        assert z.namelist() == [f"{moodle}/{OWN}.html"]
    # `course status`: each student's route back, and their grade, in one table
    assert main([*work, "status", OWN, "--root", str(root)]) == 0
    rows = {line.split()[1]: line for line in capsys.readouterr().out.splitlines() if line.startswith("│")}
    assert set(rows) == {"ada", "bo", "cy"}
    assert "exchange" in rows["ada"] and "exchange" in rows["bo"] and "file to" in rows["cy"]
    assert "3 of 3" in rows["ada"] and "written" in rows["ada"] and "not submitted" not in rows["cy"]


def test_a_regrade_request_reaches_the_teacher_and_the_answer_comes_back_to_that_student_only(
    term, capsys, monkeypatch, tmp_path
):
    """bo asks from their notebook, after their feedback came back; the teacher lists it, decides, and the answer
    comes back in bo's feedback, not in ada's. Every step is kept: who, when, the points before and after."""
    from course import request_regrade
    from course.grading.feedback import regrade_decisions

    root, room, homes = term["root"], term["room"], term["homes"]
    work = ["--work", str(root / "work"), "--root", str(root)]
    assert main([*work, "return", OWN]) == 0  # as in the test before: feedback back, through the exchange
    for student in ("ada", "bo"):
        room.student_fetch_feedback(OWN, student, homes[student])
    folder = homes["bo"] / room.config.CourseDirectory.course_id / OWN
    monkeypatch.setenv("JUPYTERHUB_USER", "bo")
    capsys.readouterr()
    early = tmp_path / OWN  # the same notebook before any feedback came back
    shutil.copytree(folder, early, ignore=shutil.ignore_patterns("feedback"))
    request_regrade("correct_squares", "My function is right for every n that I tried myself.", early)
    assert "has not come back yet" in capsys.readouterr().out
    request_regrade("A.9", "My function is right for every n that I tried myself.", folder)
    assert (
        "no question 'A.9'" in capsys.readouterr().out
        and "correct_squares" in capsys.readouterr().out + "correct_squares"
    )
    request_regrade("correct_squares", "wrong", folder)
    assert "at least 5 words" in capsys.readouterr().out
    # the teacher's window, from nbgrader_config.py: none at all here, so bo's request is listed as late
    settings = root / "nbgrader_config.py"
    before = settings.read_text() if settings.exists() else "c = get_config()  # noqa: F821\n"
    settings.write_text(before + "c.RegradeRequests.window_days = 0\n")
    time.sleep(1.1)  # a second after the feedback went back (the record counts whole seconds)
    request_regrade("correct_squares", "My function is right for every n that I tried myself.", folder)
    assert "Sent: your request for a regrade of correct_squares" in " ".join(capsys.readouterr().out.split())
    request_regrade("correct_squares", "Please look again, I am sure it is right now.", folder)
    assert "already asked" in capsys.readouterr().out
    # the teacher's list, then the decision, into the gradebook
    assert main([*work, "regrades", OWN]) == 0
    listed = " ".join(capsys.readouterr().out.split())
    assert "bo" in listed and "correct_squares" in listed and "0 of 2" in listed, listed
    with room.gradebook() as gb:  # where the formgrader shows bo's answer beside its rubric
        assert f"Answer and rubric: formgrader/submissions/{gb.find_submission_notebook(OWN, OWN, 'bo').id}" in listed
    [noted] = json.loads((root / "work" / "regrades.json").read_text())
    assert noted["note"] == "sent more than 0 days after the feedback went back" and "sent more" in listed
    assert main([*work, "regrades", "--decide", "1", "--points", "1", "--comment", "Half: n = 3 still fails."]) == 0
    assert "0 -> 1 of 2 points" in " ".join(capsys.readouterr().out.split())
    with room.gradebook() as gb:
        assert gb.find_grade("correct_squares", OWN, OWN, "bo").score == 1
    [kept] = regrade_decisions(root / "work", OWN, "bo")
    assert kept["decision"]["points_before"] == 0 and kept["decision"]["points_after"] == 1 and kept["decision"]["by"]
    assert main([*work, "regrades"]) == 0 and "No regrade request is waiting" in capsys.readouterr().out
    # the answer comes back with bo's feedback, and only bo's
    assert main([*work, "feedback", OWN]) == 0 and main([*work, "return", OWN]) == 0
    pages = {s: room.student_fetch_feedback(OWN, s, homes[s])[-1].read_text() for s in ("ada", "bo")}
    assert "Your regrade requests" in pages["bo"] and "Half: n = 3 still fails." in pages["bo"]
    assert "regrade" not in pages["ada"].lower()
    with room.gradebook() as gb:  # the shared class back as graded, for the tests after this one
        gb.find_grade("correct_squares", OWN, OWN, "bo").manual_score = None
        gb.db.commit()


def test_a_student_whose_feedback_cannot_be_returned_stops_no_one(term, capsys):
    root = term["root"]
    (root / "work" / "feedback" / "ada" / OWN / "submission_secret.txt").write_text("")  # damaged
    (root / "work" / "feedback" / "ada" / OWN / "timestamp.txt").unlink()
    results = {r.student: r for r in term["room"].return_feedback(OWN)}
    assert results["ada"].note != "returned through the exchange (Fetch Feedback)"
    assert results["bo"].note == "returned through the exchange (Fetch Feedback)"
    assert results["cy"].files


def said(capsys) -> str:
    """What the command printed, as one line (the console wraps long lines)."""
    return " ".join(capsys.readouterr().out.split())


def generated_as_in_the_repository(root, scratch) -> None:
    """release/ as a clone has it: `make generate` makes it with a gradebook of its own, not the term's."""
    assert main(["--work", str(scratch), "generate", OWN, "--root", str(root)]) == 0


def test_a_new_term_in_a_new_work_folder_runs_on_the_documented_commands(tmp_path, capsys):
    """docs/running-a-class.md, step by step, in a work folder that holds nothing yet (a new term, `make clean`,
    a second section with --work): no `course generate` the docs do not ask for."""
    root = tmp_path / "course"
    plain_assignment(root)
    generated_as_in_the_repository(root, tmp_path / "scratch")
    work = tmp_path / "term-2"
    opts = ["--course", str(root), "--work", str(work)]
    (tmp_path / "roster.csv").write_text(
        "id,first_name,last_name,email,lms_user_id\nada,Ada,Lee,,\nbo,Bo,Kim,,\ncy,Cy,Young,,123456\n"
    )
    assert main([*opts, "roster", str(tmp_path / "roster.csv")]) == 0
    assert main([*opts, "release", OWN, "--due", "2030-03-08 17:00"]) == 0
    capsys.readouterr()

    room = Classroom(root, work)  # the students' side: fetch, answer, submit through the exchange
    answers = solutions(root / "source" / OWN / NOTEBOOK)
    homes = {}
    for student, recipe in {"ada": {"*": "solution"}, "bo": {"squares": "def squares(n):\n    return []"}}.items():
        homes[student] = tmp_path / "homes" / student
        folder = room.student_fetch(OWN, student, homes[student])
        fill_in(folder / NOTEBOOK, {"answers": recipe}, answers)
        room.student_submit(OWN, student, homes[student])
    mine = tmp_path / "cy.ipynb"  # cy hands in through Moodle
    mine.write_bytes((root / "release" / OWN / NOTEBOOK).read_bytes())
    fill_in(mine, {"answers": {"*": "solution"}}, answers)
    with zipfile.ZipFile(tmp_path / "download.zip", "w") as z:
        z.write(mine, f"{MOODLE}/{NOTEBOOK}")
    assert main([*opts, "intake", OWN, str(tmp_path / "download.zip")]) == 0
    assert f"Grade them with: course --course {root} --work {work} grade {OWN}" in said(capsys)

    assert main([*opts, "grade", OWN, "--jobs", "2"]) == 0
    out = said(capsys)
    with open(work / f"status-{OWN}.csv", encoding="utf-8") as fh:
        rows = {r["student"]: (r["status"], r["score"]) for r in csv.DictReader(fh)}
    assert rows == {"ada": ("graded", "3"), "bo": ("graded", "1"), "cy": ("graded", "3")}, out
    assert f"course --course {root} --work {work} feedback {OWN}" in out

    assert main([*opts, "feedback", OWN]) == 0
    assert main([*opts, "return", OWN]) == 0
    assert said(capsys).count("returned through the exchange") == 2
    [page] = room.student_fetch_feedback(OWN, "ada", homes["ada"])
    assert "Score: 3" in page.read_text().replace(".0 /", " /")
    assert (work / "returned" / OWN / MOODLE / f"{OWN}.html").is_file()

    for lms in ("canvas", "moodle", "nbgrader"):
        assert main([*opts, "export", "--lms", lms]) == 0, said(capsys)
    with open(work / "grades-moodle.csv", encoding="utf-8") as fh:
        assert {r["Username"]: r[OWN] for r in csv.DictReader(fh)} == {"ada": "3", "bo": "1", "cy": "3"}


def test_intake_then_grade_in_a_new_work_folder_needs_no_release(tmp_path, capsys):
    """A teacher who only takes archives in (no release to the exchange) grades in a work folder of its own."""
    root = tmp_path / "course"
    plain_assignment(root)
    generated_as_in_the_repository(root, tmp_path / "scratch")
    answers = solutions(root / "source" / OWN / NOTEBOOK)
    folder = tmp_path / "dl" / "dee"
    folder.mkdir(parents=True)
    (folder / NOTEBOOK).write_bytes((root / "release" / OWN / NOTEBOOK).read_bytes())
    fill_in(folder / NOTEBOOK, {"answers": {"*": "solution"}}, answers)
    with zipfile.ZipFile(tmp_path / "dl.zip", "w") as z:
        z.write(folder / NOTEBOOK, f"dee/{NOTEBOOK}")
    opts = ["--course", str(root), "--work", str(tmp_path / "section-b")]
    assert main([*opts, "intake", OWN, str(tmp_path / "dl.zip")]) == 0
    assert main([*opts, "grade", OWN, "--jobs", "1"]) == 0
    out = said(capsys)
    assert "Traceback" not in out and "MissingEntry" not in out
    with open(tmp_path / "section-b" / f"status-{OWN}.csv", encoding="utf-8") as fh:
        assert [(r["student"], r["status"], r["score"]) for r in csv.DictReader(fh)] == [("dee", "graded", "3")]


def test_grades_export_in_the_formats_canvas_and_moodle_import(term, capsys):
    root = term["root"]
    work = ["--work", str(root / "work")]
    for lms in ("canvas", "moodle"):
        assert main([*work, "export", "--lms", lms, "--root", str(root)]) == 0
    with open(root / "work" / "grades-canvas.csv", encoding="utf-8") as fh:
        canvas = list(csv.reader(fh))
    assert canvas[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", OWN]
    assert canvas[1][0].strip() == "Points Possible" and canvas[1][-1] == "3"
    assert {r[3]: (r[0], r[1], r[-1]) for r in canvas[2:]} == {
        "ada": ("ada", "", "3"),
        "bo": ("bo", "", "1"),
        "cy": ("Young, Cy", "123456", "3"),  # the roster's names and Canvas id
    }
    with open(root / "work" / "grades-moodle.csv", encoding="utf-8") as fh:
        moodle = list(csv.DictReader(fh))
    assert {r["Username"]: (r["First name"], r[OWN]) for r in moodle} == {
        "ada": ("", "3"),
        "bo": ("", "1"),
        "cy": ("Cy", "3"),
    }


def test_release_with_a_due_date_and_a_per_day_late_penalty(tmp_path, capsys):
    """`course release --due` puts the date in the gradebook; late work loses a share per day, up to a cap."""
    from course.grading.late import PerDayLate

    root = tmp_path / "course"
    plain_assignment(root)
    work = ["--work", str(root / "work")]
    assert main([*work, "generate", OWN, "--root", str(root)]) == 0
    assert main([*work, "release", OWN, "--due", "2019-03-08 17:00 +07:00", "--root", str(root)]) == 0
    assert "due 2019-03-08 17:00" in capsys.readouterr().out
    room = Classroom(root, root / "work")
    with room.gradebook() as gb:
        assert str(gb.find_assignment(OWN).duedate) == "2019-03-08 10:00:00"  # kept in UTC
    room.config.AssignLatePenalties.plugin_class = PerDayLate
    room.config.PerDayLate.percent_per_day = 10
    room.config.PerDayLate.max_percent = 50
    home = root / "work" / "students" / "late"
    folder = room.student_fetch(OWN, "late", home)
    fill_in(folder / NOTEBOOK, {"answers": {"*": "solution"}}, solutions(root / "source" / OWN / NOTEBOOK))
    room.student_submit(OWN, "late", home)  # years after the due date
    [outcome] = room.autograde(OWN, room.collect(OWN))
    assert (outcome.status, outcome.score, outcome.max_score) == ("graded", 1.5, 3.0)
    assert "day(s): 1.5 point(s) taken" in outcome.summary()
    assert PerDayLate(percent_per_day=10, max_percent=50).late_submission_penalty("x", 3.0, 3600) == 0.3
    assert PerDayLate().late_submission_penalty("x", 3.0, 0) is None


def test_an_extension_spares_one_late_student_and_course_status_shows_the_class(tmp_path, capsys, monkeypatch):
    """`course extend` gives one student their own due date: graded after it, nbgrader's late penalty counts from
    it; another, as late, loses the share per day. A grant after grading goes into the gradebook at once; `course
    status` shows the whole class in one table. Each student sees their own due date in Check my work."""
    from datetime import datetime, timezone

    from course.grading.late import PerDayLate

    root = tmp_path / "course"
    plain_assignment(root)
    work = ["--work", str(root / "work"), "--root", str(root)]
    assert main([*work, "generate", OWN]) == 0
    assert main([*work, "extend", OWN, "excused", "--by", "2d"]) == 1  # nothing to extend yet
    assert "has no due date" in capsys.readouterr().out
    assert main([*work, "release", OWN, "--due", "2019-03-08 17:00 +07:00"]) == 0
    room = Classroom(root, root / "work")
    room.config.AssignLatePenalties.plugin_class = PerDayLate
    room.config.PerDayLate.percent_per_day = 10
    room.config.PerDayLate.max_percent = 50
    answers = solutions(root / "source" / OWN / NOTEBOOK)
    folders = {}
    for student in ("excused", "late"):  # both hand in years after the due date
        home = root / "work" / "students" / student
        folder = folders[student] = room.student_fetch(OWN, student, home)
        fill_in(folder / NOTEBOOK, {"answers": {"*": "solution"}}, answers)
        room.student_submit(OWN, student, home)
    room.collect(OWN)
    capsys.readouterr()
    assert main([*work, "extend", OWN, "excusd", "--by", "2d"]) == 1
    assert "did you mean excused" in capsys.readouterr().out
    assert main([*work, "extend", OWN, "excused", "--until", "2019-03-01 12:00"]) == 1  # before the class's date
    assert "not after the class's due date" in capsys.readouterr().out
    assert main([*work, "extend", OWN, "excused", "--until", "2100-01-01 17:00 +00:00", "--why", "illness"]) == 0
    assert "excused: squares due Friday 01 January 2100" in " ".join(capsys.readouterr().out.split())
    # each student sees their own due date where they work: Check my work, from assignment.json and their own file
    from course.due import due_date
    from course.my_work import check_my_work

    assert due_date(folders["excused"], "excused") == (datetime(2100, 1, 1, 17, 0, tzinfo=timezone.utc), True)
    assert due_date(folders["late"], "late")[0] == datetime(2019, 3, 8, 10, 0, tzinfo=timezone.utc)
    assert due_date(folders["late"], "late")[1] is False  # the class's date: excused's is not theirs
    monkeypatch.setenv("JUPYTERHUB_USER", "excused")
    monkeypatch.setenv("JPY_SESSION_NAME", str(folders["excused"] / NOTEBOOK))
    check_my_work(folders["excused"] / NOTEBOOK)
    said = " ".join(capsys.readouterr().out.split())
    assert "Your own due date (extended): Friday 1 January 2100, 17:00 (UTC): in " in said, said
    monkeypatch.setenv("JUPYTERHUB_USER", "late")
    check_my_work(folders["late"] / NOTEBOOK)
    said = " ".join(capsys.readouterr().out.split())
    assert "Due Friday 8 March 2019" in said and "days ago" in said and "2100" not in said, said
    outcomes = {o.student: o for o in room.autograde(OWN, ["excused", "late"])}
    assert (outcomes["excused"].score, outcomes["late"].score) == (3.0, 1.5)
    assert "late" not in outcomes["excused"].summary() and "1.5 point(s) taken" in outcomes["late"].summary()
    with room.gradebook() as gb:
        assert str(gb.find_submission(OWN, "excused").duedate) == "2100-01-01 17:00:00"  # nbgrader's own field
    # many at once, after grading: a CSV such as an office of accommodations sends (tests/test_extensions.py)
    (root / "office.csv").write_text("student,by,why\nlate,3d,accommodation\n", encoding="utf-8")
    assert main([*work, "extend", OWN, "--csv", str(root / "office.csv")]) == 0
    with room.gradebook() as gb:
        submission = gb.find_submission(OWN, "late")
        assert submission.extension is not None and submission.duedate > gb.find_assignment(OWN).duedate
    kept = json.loads((root / "work" / "extensions.json").read_text())[OWN]
    assert kept["excused"]["why"] == "illness" and kept["late"]["why"] == "accommodation" and kept["late"]["by"]
    capsys.readouterr()
    assert main([*work, "status", OWN]) == 0
    table = capsys.readouterr().out
    rows = {line.split()[1]: line for line in table.splitlines() if line.strip().startswith("│")}
    assert "until" in rows["excused"] and "3 of 3" in rows["excused"] and "days" not in rows["excused"]
    assert "days" in rows["late"] and "1.5 of 3" in rows["late"], table


def test_nbgraders_own_command_works_in_a_fresh_clone(tmp_path):
    """A clone has no work/ yet: nbgrader's own generate_assignment, run where the course's nbgrader_config.py is,
    must not stop on a gradebook whose folder does not exist ("upgrade your database")."""
    root = tmp_path / "course"
    plain_assignment(root)
    shutil.copy(PROJECT / "nbgrader_config.py", root / "nbgrader_config.py")
    done = subprocess.run(
        [str(Path(sys.executable).parent / "nbgrader"), "generate_assignment", OWN, "--force"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert (root / "work" / "gradebook.db").is_file() and (root / "release" / OWN / NOTEBOOK).is_file()


def test_a_student_fetching_on_this_machine_gets_the_assignment_in_the_work_folder(tmp_path):
    """Fetching (the Assignments tab of `make lab`, or nbgrader's fetch_assignment, run where the course's
    nbgrader_config.py is) wrote hanoi-summit/ into the course's own folder, which git then showed as untracked."""
    root = tmp_path / "course"
    plain_assignment(root)
    shutil.copy(PROJECT / "nbgrader_config.py", root / "nbgrader_config.py")
    room = Classroom(root, root / "work")
    room.generate(OWN)
    room.release(OWN)
    done = subprocess.run(
        [str(Path(sys.executable).parent / "nbgrader"), "fetch_assignment", OWN],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    course_id = room.config.CourseDirectory.course_id
    assert (root / "work" / "student" / course_id / OWN / NOTEBOOK).is_file()
    assert not (root / course_id).exists()
