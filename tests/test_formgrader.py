"""The teacher's feedback path in a real browser, through nbgrader's own exchange and formgrader.

A small class of the plain "squares" assignment (tests/test_own_assignment.py): two students fetch and submit
through the exchange, one of them with an answer that raises; a third hands in through Moodle and is taken in from
its download. The class is graded, its feedback written and returned. Then, in headless Chromium:

- the teacher opens JupyterLab on the course and Nbgrader > Formgrader: every student is listed (the Moodle
  student too), the one whose answer raised is flagged, and that submission's notebook shows the course's note
  (course.grading.notes) in its comment box, for the teacher only;
- that student opens the Assignments tab of their own JupyterLab (the same exchange, their own cache, as
  course.teacher.classroom has them submit) and clicks Fetch Feedback: the feedback is fetched, is listed and
  opens, and shows nothing of the note or the hidden tests;
- the Moodle student's feedback is a file to upload, named as Moodle's download named them.

The fixture does the browsing and returns what it saw; the tests read it. A view that fails is saved in
test-output/screenshots/.
"""

import contextlib
import zipfile
from pathlib import Path

import pytest

from course.grading.config import COURSE_ID, write_config_file
from course.grading.notes import NOTE
from course.teacher.classroom import Classroom
from tests.conftest import start_lab
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS
from tests.test_own_assignment import OWN
from tests.test_term import MOODLE, small_class

NOTEBOOK = f"{OWN}.ipynb"
#: The exchange students and what each writes: a right answer, and one whose cell raises when it runs (the
#: function is right, so the tests pass: the submission is graded "error", and flagged, for the error alone).
ANSWERS = {
    "ada": {"*": "solution"},
    "bo": {"squares": "def squares(n):\n    return [i * i for i in range(1, n + 1)]\n\nsquares(None)"},
}
RAISED = "bo"
#: Never in what a student sees.
TEACHER_ONLY = ("Grader's note", "BEGIN HIDDEN TESTS")

STUDENT_CONFIG = '''"""One student's Assignments tab on the course's exchange (as course.teacher.classroom submits)."""
c = get_config()  # noqa: F821
c.CourseDirectory.course_id = {course_id!r}
c.CourseDirectory.student_id = {student!r}
c.Exchange.root = {exchange!r}
c.Exchange.path_includes_course = True
c.Exchange.assignment_dir = {home!r}
c.Exchange.cache = {cache!r}
'''

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is installed by `make test`")


def graded_class(root: Path) -> tuple[Classroom, dict, dict]:
    """The class, graded, its feedback written and returned; (classroom, homes, outcomes)."""
    room, homes = small_class(root, ANSWERS)
    write_config_file(root, root / "work")  # JupyterLab's formgrader: the same course and gradebook
    outcomes = {o.student: o for o in room.autograde(OWN, room.collect(OWN))}
    room.feedback(OWN)
    room.return_feedback(OWN)
    return room, homes, outcomes


def student_lab_config(room: Classroom, student: str, home: Path) -> Path:
    """The student's nbgrader_config.py in their Lab's root, with the exchange settings of
    Classroom._student_exchange: the course's exchange, their id, their home and their own cache."""
    path = home / "nbgrader_config.py"
    path.write_text(
        STUDENT_CONFIG.format(
            course_id=COURSE_ID,
            student=student,
            exchange=str(room.config.Exchange.root),
            home=str(home),
            cache=str(home / ".nbgrader-cache"),
        ),
        encoding="utf-8",
    )
    return path


def open_nbgrader(page, base: str, token: str, item: str) -> None:
    """JupyterLab's Nbgrader menu, then ``item``, as a teacher or a student does."""
    page.goto(f"{base}/lab?token={token}")
    page.get_by_role("menuitem", name="Nbgrader", exact=True).click(timeout=90000)
    page.get_by_role("menuitem", name=item, exact=True).click()


def teachers_view(page, base: str, token: str, seen: dict) -> None:
    """Nbgrader > Formgrader: the assignment's submissions, the notebook's list with its flags, the flagged one."""
    open_nbgrader(page, base, token, "Formgrader")
    fg = page.frame_locator("#formgrader iframe")
    # Manage Assignments (where the formgrader opens): the number of submissions leads to them
    fg.locator("#main-table tr", has_text=OWN).locator(".num-submissions a").click(timeout=60000)
    fg.locator(".breadcrumb", has_text=OWN).wait_for()
    rows = fg.locator("#main-table tr")
    rows.locator(".student-id").first.wait_for()  # the rows are drawn from the formgrader's API in one go
    seen["submissions"] = {
        rows.nth(i).locator(".student-id").inner_text().strip(): rows.nth(i).locator(".status").inner_text().strip()
        for i in range(rows.count())
    }
    seen["screens"]["submissions"] = page.screenshot()
    # Manual Grading > the assignment > its notebook: one row per submission, flagged or not
    fg.get_by_role("link", name="Manual Grading").click()
    fg.locator("#main-table").get_by_role("link", name=OWN, exact=True).click()
    fg.locator(".breadcrumb li.active", has_text=OWN).wait_for()
    fg.locator("#main-table").get_by_role("link", name=OWN, exact=True).click()
    fg.locator("#main-table tr td.flagged").first.wait_for()
    fg.get_by_role("button", name="Show All Names").click()
    rows = fg.locator("#main-table tr")
    listed = {}
    for i in range(rows.count()):
        name = rows.nth(i).locator(".name a.name-shown")
        listed[name.inner_text().strip()] = rows.nth(i).locator(".flagged .glyphicon-flag").count() == 1
    seen["notebook_list"] = listed
    seen["screens"]["notebook_list"] = page.screenshot()
    # the flagged submission's notebook, as the teacher grades it
    flagged = [name for name, flag in listed.items() if flag]
    seen["opened"] = flagged[0] if flagged else None
    if flagged:
        fg.locator("#main-table").get_by_role("link", name=flagged[0], exact=True).click()
        comment = fg.locator("textarea.comment").first
        # the placeholder is set by the formgrader's script once the comments are loaded from its API; a
        # notebook the formgrader cannot render is its error page instead
        fg.locator("textarea.comment[placeholder], #error-500").first.wait_for(state="attached", timeout=30000)
        seen["screens"]["submission"] = page.screenshot()
        seen["submission_error"] = fg.locator("#error-500").count() > 0
        if seen["submission_error"]:
            return
        seen["comment_boxes"] = fg.locator("textarea.comment").count()
        seen["placeholder"] = comment.get_attribute("placeholder") or ""
        seen["comment_typed"] = comment.input_value()


def students_view(page, base: str, token: str, home: Path, seen: dict) -> None:
    """Nbgrader > Assignment List, Fetch Feedback on the submitted assignment, then open what it fetched."""
    open_nbgrader(page, base, token, "Assignment List")
    submitted = page.locator("#submitted_assignments_list")
    row = submitted.locator(".list_item", has_text=OWN).first
    seen["before_fetch"] = row.inner_text(timeout=60000)
    row.get_by_role("button", name="Fetch Feedback").click()
    view = submitted.get_by_text("(view feedback)")
    view.wait_for(timeout=60000)
    seen["after_fetch"] = submitted.inner_text()
    seen["fetched"] = sorted(str(p.relative_to(home)) for p in (home / COURSE_ID / OWN / "feedback").glob("*/*"))
    seen["screens"]["assignments"] = page.screenshot()
    # "(view feedback)" opens its folder in the file browser; the student opens the page there
    view.click()
    page_file = page.locator(".jp-DirListing-item", has_text=f"{OWN}.html")
    page_file.dblclick(timeout=30000)
    shown = page.frame_locator(".jp-HTMLViewer iframe").locator("body")
    shown.get_by_text("Score").first.wait_for(timeout=30000)
    seen["feedback_shown"] = shown.inner_text()
    seen["screens"]["feedback"] = page.screenshot()


class Screens(dict):
    """Screenshots of each view, by name (kept short in a failed assertion's message)."""

    def __repr__(self):
        return f"<screenshots of {', '.join(self)}>"


@pytest.fixture(scope="module")
def seen(tmp_path_factory):
    """The graded class, the teacher's formgrader and a student's Assignments tab in Chromium; what was seen."""
    from playwright.sync_api import sync_playwright

    base_dir = tmp_path_factory.mktemp("formgrader")
    root = base_dir / "course"
    room, homes, outcomes = graded_class(root)
    home = homes[RAISED]
    student_lab_config(room, RAISED, home)
    seen = {"root": root, "home": home, "outcomes": outcomes, "screens": Screens(), "stopped": {}}
    with sync_playwright() as pw, contextlib.ExitStack() as stack:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        stack.callback(browser.close)
        for who, lab_root in (("teacher", root), ("student", home)):
            proc, base, token = start_lab(lab_root, base_dir / f"{who}-settings")
            stack.callback(proc.wait, timeout=20)
            stack.callback(proc.terminate)
            page = browser.new_page(viewport={"width": 1300, "height": 900})
            try:
                if who == "teacher":
                    teachers_view(page, base, token, seen)
                else:
                    students_view(page, base, token, home, seen)
            except Exception as exc:  # said by the tests of this view; the other view is still tried
                seen["stopped"][who] = f"{type(exc).__name__}: {exc}".splitlines()[0]
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(SCREENSHOTS / f"failure-formgrader-{who}.png"))
            page.close(run_before_unload=False)
    return seen


def reached(seen: dict, who: str) -> None:
    """Fail at once, with the reason, if the browsing of ``who``'s view stopped before the end."""
    if who in seen["stopped"]:
        pytest.fail(f"the {who}'s view stopped: {seen['stopped'][who]} (test-output/screenshots/)")


@contextlib.contextmanager
def shown_on_failure(seen: dict, *views: str):
    """A failed assertion saves the views it was about in test-output/screenshots/."""
    try:
        yield
    except BaseException:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for view in views:
            if view in seen["screens"]:
                (SCREENSHOTS / f"failure-formgrader-{view}.png").write_bytes(seen["screens"][view])
        raise


def test_the_class_was_graded_with_one_error(seen):
    assert {s: o.status for s, o in seen["outcomes"].items()} == {"ada": "graded", "bo": "error", "cy": "graded"}


def test_the_formgrader_lists_every_submission_the_moodle_one_too(seen):
    with shown_on_failure(seen, "submissions", "notebook_list"):
        assert "submissions" in seen and "notebook_list" in seen, seen["stopped"]
        assert seen["submissions"] == {"ada": "graded", "bo": "graded", "cy": "graded"}  # nbgrader's statuses
        # Manual Grading names students by the roster: cy as the roster's "Young, Cy"
        assert set(seen["notebook_list"]) == {"ada", "bo", "Young, Cy"}


def test_the_submission_whose_answer_raised_is_flagged(seen):
    with shown_on_failure(seen, "notebook_list"):
        assert "notebook_list" in seen, seen["stopped"]
        assert seen["notebook_list"] == {"ada": False, "bo": True, "Young, Cy": False}


def test_its_notebook_in_the_formgrader_shows_the_note_as_the_comments_placeholder(seen):
    with shown_on_failure(seen, "notebook_list", "submission"):
        assert seen.get("opened") == RAISED, seen["stopped"]
        error_page = seen.get("submission_error")
        assert not error_page, "the formgrader showed its error page for the submission's notebook"
        reached(seen, "teacher")
        assert seen["comment_boxes"] == 1  # the answer cell's: nbgrader comments answers, not tests
        assert seen["placeholder"].startswith(f"{NOTE}error:")
        assert seen["placeholder"] == f"{NOTE}error: {seen['outcomes'][RAISED].summary()}"
        assert "'squares' raised TypeError" in seen["placeholder"]
        assert seen["comment_typed"] == ""  # a placeholder, not a comment written in the teacher's name


def test_fetch_feedback_in_the_assignments_tab_brings_the_feedback(seen):
    with shown_on_failure(seen, "assignments", "feedback"):
        reached(seen, "student")
        assert "(feedback available to fetch)" in seen["before_fetch"]
        assert "(view feedback)" in seen["after_fetch"]
        [fetched] = seen["fetched"]
        folder, timestamp, name = Path(fetched).parts[-3:]
        assert (folder, name) == ("feedback", f"{OWN}.html") and timestamp.endswith("UTC")
        assert Path(fetched).parts[:2] == (COURSE_ID, OWN)
        assert "Score" in seen["feedback_shown"]


def test_the_students_feedback_shows_nothing_for_the_teacher_alone(seen):
    with shown_on_failure(seen, "feedback"):
        reached(seen, "student")
        [page] = (seen["home"] / COURSE_ID / OWN / "feedback").glob(f"*/{OWN}.html")
        html = page.read_text(encoding="utf-8")
        for words in TEACHER_ONLY:
            assert words not in html, words
            assert words not in seen["feedback_shown"], words
        assert "squares(10)" not in html  # the hidden test itself


def test_the_moodle_students_feedback_is_a_file_to_upload(seen):
    returned = seen["root"] / "work" / "returned" / OWN
    page = returned / MOODLE / f"{OWN}.html"
    assert page.is_file()
    with zipfile.ZipFile(returned.with_suffix(".zip")) as z:
        assert z.namelist() == [f"{MOODLE}/{OWN}.html"]
        assert z.read(f"{MOODLE}/{OWN}.html") == page.read_bytes()
    assert not any(words in page.read_text(encoding="utf-8") for words in TEACHER_ONLY)
