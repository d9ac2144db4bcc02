"""Does a student's click in a real JupyterLab, in a real browser, reach the grade?

JupyterLab serves a student's fetched copies of the release; headless Chromium (Debian's, driven by
Playwright) runs each quiz cell, answers every graded question by mouse (one by keyboard alone), restarts
the kernel, checks the answers are still shown as saved, and saves. The assignments are then submitted,
collected and autograded with nbgrader, and the quiz cells' points are read from the gradebook.
Screenshots of the quizzes land in test-output/.
"""
import json
import re
import shutil
import time
from pathlib import Path

import nbformat
import pytest

from course.classroom import Classroom
from course.paths import ASSIGNMENTS, PROJECT
from tests.conftest import copy_course, quiz_keys, start_lab

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOTS = PROJECT / "test-output" / "screenshots"
STUDENT = "pat"
KEYBOARD_QUESTION = "summit_outcome/hanoi_document"   # answered without the mouse

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is installed by `make test`")


def option_text(assignment: str, ref: str, choice: str) -> str:
    from course.quiz import load_bank
    question = next(q for q in load_bank(assignment)["questions"] if f"{assignment}/{q['id']}" == ref)
    return next(o["text"] for o in question["options"] if o["id"] == choice)


class Notebook:
    """One open notebook in JupyterLab, driven as a student would."""

    def __init__(self, page, url: str):
        self.page = page
        page.goto(url)
        # Earlier notebooks stay open in hidden tabs: look only inside the one on show.
        self.panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
        self.panel.locator(".jp-CodeCell").first.wait_for(timeout=60000)
        self.wait_idle()

    def wait_idle(self):
        self.panel.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").wait_for(timeout=60000)

    def run(self, text: str):
        """Run the code cell that contains ``text`` (click into it, Shift+Enter); return the cell.

        A run asked for while the kernel is still connecting can be dropped, so wait until the cell
        shows an execution number, and ask again if it does not.
        """
        cell = self.panel.locator(".jp-CodeCell").filter(has_text=text).first
        prompt = cell.locator(".jp-InputPrompt")
        before = prompt.inner_text()
        for _ in range(3):
            cell.scroll_into_view_if_needed()
            cell.locator(".jp-InputArea-editor").click()
            self.page.keyboard.press("Shift+Enter")
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                shown = prompt.inner_text()
                if re.fullmatch(r"\[\d+\]:", shown.strip()) and shown != before:
                    self.wait_idle()
                    return cell
                self.page.wait_for_timeout(200)
        raise AssertionError(f"the cell {text!r} did not run")

    def quiz(self, ref: str):
        assignment, qid = ref.split("/")
        cell = self.run(f'question("{assignment}", "{qid}")')
        cell.locator(".widget-radio-box").wait_for(timeout=30000)
        return cell

    def restart_kernel(self):
        self.page.get_by_role("menuitem", name="Kernel").click()
        # Clearing outputs too resets the prompts, so each re-run is seen to happen.
        self.page.get_by_text("Restart Kernel and Clear Outputs of All Cells…", exact=True).click()
        self.page.locator(".jp-Dialog .jp-mod-accept").click()
        self.page.wait_for_timeout(1000)
        self.wait_idle()

    def save(self):
        self.panel.locator("[data-command='docmanager:save']").click()
        self.panel.locator(".jp-mod-dirty").wait_for(state="detached", timeout=15000)


def status_text(cell) -> str:
    return cell.locator(".widget-html").last.inner_text()


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    """A student's whole session in the browser, then nbgrader's cycle; what was seen is returned."""
    from playwright.sync_api import sync_playwright
    root = copy_course(tmp_path_factory.mktemp("browser"))
    room = Classroom(root, root / "work")
    home = root / "work" / "students" / STUDENT
    keys = {}
    for assignment in ASSIGNMENTS:
        room.generate(assignment)
        room.release(assignment)
        room.student_fetch(assignment, STUDENT, home)
        keys[assignment] = quiz_keys(root / "source" / assignment / f"{assignment}.ipynb")
    course_folder = home / room.config.CourseDirectory.course_id
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    seen = {"saved": {}, "after_restart": {}, "screenshots": []}
    proc, base, token = start_lab(course_folder, tmp_path_factory.mktemp("lab-settings"))
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for assignment in ASSIGNMENTS:
                page = browser.new_page(viewport={"width": 1300, "height": 900})
                try:
                    answer_in_browser(page, f"{base}/lab/tree/{assignment}/{assignment}.ipynb?token={token}",
                                      assignment, keys[assignment], seen)
                except Exception:
                    page.screenshot(path=str(SCREENSHOTS / f"failure-{assignment}.png"))
                    raise
                page.close(run_before_unload=False)
            page = browser.new_page(viewport={"width": 1300, "height": 900})
            seen["venue_tool"] = drive_venue_tool(page, f"{base}/lab/tree/middle_powers/middle_powers.ipynb?token={token}")
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    for assignment in ASSIGNMENTS:
        room.student_submit(assignment, STUDENT, home)
    outcomes = {a: room.autograde(a, room.collect(a)) for a in ASSIGNMENTS}
    with room.gradebook() as gb:
        seen["quiz_points"] = {
            f"{a}/{ref.split('/')[1]}": gb.find_grade(f"test_quiz_{ref.split('/')[1]}", a, a, STUDENT).score
            for a in ASSIGNMENTS for ref in keys[a]}
    seen["keys"], seen["outcomes"], seen["home"] = keys, outcomes, course_folder
    return seen


def answer_in_browser(page, url: str, assignment: str, keys: dict, seen: dict) -> None:
    """Answer every graded question of one notebook, restart the kernel, check, save."""
    nb = Notebook(page, url)
    nb.run("from course import")
    for ref, key in keys.items():
        cell = nb.quiz(ref)
        wanted = option_text(assignment, ref, key)
        if ref == KEYBOARD_QUESTION:
            radios = cell.locator("input[type=radio]")
            index = [radios.nth(i).evaluate("e => e.parentElement.textContent")
                     for i in range(radios.count())].index(wanted)
            radios.first.focus()
            for _ in range(index):
                page.keyboard.press("Tab")
            page.keyboard.press("Space")
        else:
            cell.locator("label", has_text=wanted).click()
        cell.get_by_text("Saved at").wait_for(timeout=15000)
        seen["saved"][ref] = status_text(cell)
        shot = SCREENSHOTS / f"{ref.replace('/', '-')}.png"
        cell.screenshot(path=str(shot))
        seen["screenshots"].append(shot)
    nb.restart_kernel()
    nb.run("from course import")
    for ref, key in keys.items():
        cell = nb.quiz(ref)
        checked = cell.locator("input[type=radio]:checked")
        seen["after_restart"][ref] = (
            checked.count(),
            checked.first.evaluate("e => e.parentElement.textContent") if checked.count() else None,
            status_text(cell), option_text(assignment, ref, key))
    nb.save()


#: What a student might type for Question F.1 of middle_powers (the tool's graded function).
STUDENT_SCORE = """def score(row, weights):
    total = sum(weights.values())
    if total == 0:
        return 0.0
    return sum(w * row[c] for c, w in weights.items()) / total
"""


def drive_venue_tool(page, url: str) -> dict:
    """Write score() in the browser, open the venue tool, and move one slider with the keyboard."""
    nb = Notebook(page, url)
    nb.run("from course import")
    nb.run('candidates = load("venue_candidates")')
    answer = nb.panel.locator(".jp-CodeCell").filter(has_text="def score(row, weights)").first
    answer.scroll_into_view_if_needed()
    answer.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(STUDENT_SCORE)  # typed text without the editor's auto-brackets
    nb.run("def score(row, weights)")
    tool = nb.run("tool = venue_tool(score, candidates)")
    first_row = tool.locator("table tbody tr").first
    first_row.wait_for(timeout=30000)
    before = first_row.inner_text()
    slider = tool.locator(".widget-slider").filter(has_text="security record")
    slider.locator(".noUi-handle").focus()
    for _ in range(4):  # 1 -> 5
        page.keyboard.press("ArrowRight")
    readout = slider.locator(".widget-readout")
    page.wait_for_function("el => el.textContent.trim() === '5'", arg=readout.element_handle(), timeout=10000)
    page.wait_for_function("([el, old]) => el.innerText !== old", arg=[first_row.element_handle(), before],
                           timeout=10000)
    tool.screenshot(path=str(SCREENSHOTS / "middle_powers-venue_tool.png"))
    return {"before": before, "after": first_row.inner_text(), "readout": readout.inner_text()}


def test_every_graded_quiz_answered_in_the_browser_is_saved_and_confirmed(session):
    refs = [ref for keys in session["keys"].values() for ref in keys]
    assert sorted(session["saved"]) == sorted(refs)
    for ref, text in session["saved"].items():
        assert text.startswith("Saved at"), (ref, text)
        assert "correct" not in text.lower() and "wrong" not in text.lower()


def test_a_question_answered_by_keyboard_alone_is_saved(session):
    assert session["saved"][KEYBOARD_QUESTION].startswith("Saved at")


def test_answers_are_still_shown_as_saved_after_a_kernel_restart(session):
    for ref, (checked, label, status, wanted) in session["after_restart"].items():
        assert (checked, label) == (1, wanted), ref
        assert status.startswith("Saved earlier"), (ref, status)


def test_the_saved_notebooks_are_what_was_submitted(session):
    for assignment in ASSIGNMENTS:
        nb = nbformat.read(session["home"] / assignment / f"{assignment}.ipynb", as_version=4)
        ran = [c for c in nb.cells if c.cell_type == "code" and c.get("execution_count")]
        assert ran and any("widget-view" in json.dumps(c.outputs) for c in ran), assignment


def test_clicked_answers_earn_their_points_through_nbgrader(session):
    assert session["quiz_points"] and all(points == 1 for points in session["quiz_points"].values()), \
        session["quiz_points"]


def test_screenshots_of_the_quizzes_are_written(session):
    assert session["screenshots"]
    for shot in session["screenshots"]:
        assert shot.stat().st_size > 5000 and shot.read_bytes()[:4] == b"\x89PNG"


def test_the_venue_tool_reranks_when_a_slider_moves(session):
    """All weights 1: Hanoi leads (4.0). Security weighted 5: Singapore (38/9) overtakes Hanoi (36/9)."""
    seen = session["venue_tool"]
    assert seen["readout"].strip() == "5"
    assert seen["before"].split()[0:2] != seen["after"].split()[0:2]
    assert "Hanoi" in seen["before"] and "Singapore" in seen["after"]
