"""Does a student's answer in a real JupyterLab (and Notebook 7), in a real browser, reach the grade?

JupyterLab serves a student's fetched copies of the release; headless Chromium (Debian's, driven by
Playwright) runs each quiz cell and answers every graded question: by mouse, and some by keyboard alone.
It restarts the kernel and checks the answers are still shown as saved, closes and reopens a notebook,
tries every practice question (Check, feedback, Restart and Run All), and saves. One question is answered
in Notebook 7 instead. The assignments are then submitted, collected and autograded with nbgrader, and
the quiz cells' points are read from the gradebook. Screenshots of every kind of question land in
test-output/screenshots/.

Widgets whose kernel has gone are tried on the way: after a restart and a shutdown (JupyterLab) and a restart
(Notebook 7) each widget still on screen must say so, show the answer in quiz_answers.json and take no click
until its cell is run again; a reopened notebook must show no live-looking widget. axe-core (installed by
`make test`) audits every widget, live in both modes and with its kernel gone.
"""

import json
import re
import shutil
import time
from pathlib import Path

import nbformat
import pytest

from course.grading.keys import graded_keys
from course.paths import ASSIGNMENTS, OVERVIEW, PROJECT, RELEASED
from course.quiz import describe, find_question, load_bank, normalise
from course.teacher.classroom import Classroom
from course.teacher.insight import CELL_RUNS, QUIZ_SAVED, analyse, from_work
from course.teacher.insight_report import write_report
from course.teacher.sample import fill_in
from course.teacher.similarity import similarity
from course.teacher.similarity import write_report as similarity_report
from tests.conftest import copy_course, right_answer, start_lab
from tests.test_insight import planted_class
from tests.test_similarity import planted_class as planted_submissions

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = PROJECT / "test-output" / "screenshots"
STUDENT = "pat"
#: Answered without the mouse: arrow keys in a radio group, Tab and Space on Move buttons, typing and Enter.
KEYBOARD = {"summit_outcome/hanoi_document", "summit_outcome/road_to_hanoi", "sanctions_relief/crude_barrels_per_tonne"}
#: Answered in Notebook 7, not in JupyterLab.
IN_NOTEBOOK_7 = "middle_powers/hosts_and_roles"
REOPENED = "summit_outcome"  # closed, kernel shut down, and opened again
RUN_ALL = "sanctions_relief"  # Restart and Run All with a wrong Part A answer and blank code answers above its quizzes
#: axe-core, installed by `make test` (the Makefile's `axe` target), and the rules the widgets must pass.
AXE = PROJECT / ".venv" / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
#: Wrong answers in Part A, written before the session (as in an earlier sitting), with the words of their checks'
#: advice: a failed check must show the student's line and that advice, nothing of the course's code.
WRONG_IN_PART_A = {  # assignment: (answer cell, wrong answer, a line of its test cell, words of the advice)
    "summit_outcome": (
        "days_between_answer",
        "def days_between(start, end):\n    return pd.Timestamp(end) - pd.Timestamp(start)",  # a time span
        'check("days_between", days_between',
        "is a time span (260 days 00:00:00); give the number of days",
    ),
    "middle_powers": (
        "venues_by_host_answer",
        'venues_by_host = {"Switzerland": 1}',
        'check("counts", venues_by_host',
        "Count the values of the host_country column",
    ),
}
#: Never in what a student sees: the course's code, Python's frames of it, grading internals.
INTERNALS = ("course/checks", "site-packages", "Traceback", "_record_answer", "course.export", "File /", "CheckFailed")
#: What a widget whose kernel has gone says.
RUN_AGAIN = "Run this cell again to change your answer"

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is installed by `make test`")


class Notebook:
    """One open notebook in JupyterLab or Notebook 7, driven as a student would."""

    def __init__(self, page, url: str):
        self.page = page
        page.goto(url)
        # Earlier notebooks stay open in hidden tabs: look only inside the one on show.
        self.panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
        self.panel.locator(".jp-CodeCell").first.wait_for(timeout=60000)
        self.wait_idle()
        self.answer_kernel_dialog()

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
            self.answer_kernel_dialog()
            cell.scroll_into_view_if_needed()
            # In a new kernel a cell may run again under the number it had: see it pass through [*] too.
            prompt.evaluate(
                """el => { el.dataset.queued = "no";
                           new MutationObserver((_, seen) => { if (el.textContent.includes("*")) {
                               el.dataset.queued = "yes"; seen.disconnect(); } })
                             .observe(el, { childList: true, characterData: true, subtree: true }); }"""
            )
            cell.locator(".jp-InputArea-editor").click()
            self.page.keyboard.press("Shift+Enter")
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                shown = prompt.inner_text()
                if re.fullmatch(r"\[\d+\]:", shown.strip()) and (
                    shown != before or prompt.get_attribute("data-queued") == "yes"
                ):
                    self.wait_idle()
                    return cell
                if self.page.locator(".jp-Dialog").count():
                    break  # no kernel (it was shut down): answered at the top of the next try
                self.page.wait_for_timeout(200)
        raise AssertionError(f"the cell {text!r} did not run")

    def answer_kernel_dialog(self):
        """On a busy machine JupyterLab may ask which kernel to start (its list of kernels came late) or say
        that a kernel died starting and is restarted; answer as a student would (Python 3, OK) and go on.
        Any other dialog is a failure, named by its text."""
        dialog = self.page.locator(".jp-Dialog")
        if not dialog.count():
            return
        text = dialog.first.inner_text()
        lower = text.lower()
        if "select kernel" in lower:
            choice = dialog.first.locator("select")
            if choice.count():
                choice.first.select_option(label="Python 3 (ipykernel)")
        elif "kernel" not in lower or not any(w in lower for w in ("restart", "died", "dead")):
            raise AssertionError(f"JupyterLab showed a dialog: {text!r}")
        dialog.first.locator(".jp-mod-accept").click()
        self.wait_idle()

    def quiz(self, ref: str):
        quiz, qid = ref.split("/")
        cell = self.run(f'question("{quiz}", "{qid}")')
        cell.locator("fieldset.hq").wait_for(timeout=30000)
        return cell.locator("fieldset.hq")

    def widget(self, ref: str):
        """The widget on screen in the cell of question ``ref``, without running the cell."""
        quiz, qid = ref.split("/")
        return (
            self.panel.locator(".jp-CodeCell")
            .filter(has_text=f'question("{quiz}", "{qid}")')
            .first.locator("fieldset.hq")
        )

    def menu(self, menu: str, item: str):
        self.page.get_by_role("menuitem", name=menu, exact=True).click()
        self.page.get_by_text(item, exact=True).click()

    def restart_kernel(self, and_run_all: bool = False):
        # Clearing outputs too resets the prompts, so each re-run is seen to happen.
        if and_run_all:  # an earlier run's outputs would pass for this one's: Run All does not clear them
            self.menu("Edit", "Clear Outputs of All Cells")
            self.page.wait_for_function(
                """() => { const panel = document.querySelector(".jp-NotebookPanel:not(.lm-mod-hidden)");
                           return panel && !panel.querySelector(".jp-OutputArea-output"); }""",
                timeout=30000,
            )
        self.menu(
            "Kernel",
            "Restart Kernel and Run All Cells…" if and_run_all else "Restart Kernel and Clear Outputs of All Cells…",
        )
        self.page.locator(".jp-Dialog .jp-mod-accept").click()
        if not and_run_all:
            # The outputs are cleared once the restart is done, which on a busy machine can come after a cell
            # was run again: wait for every prompt to be empty first, or that cell's run would be wiped.
            self.page.wait_for_function(
                """() => { const panel = document.querySelector(".jp-NotebookPanel:not(.lm-mod-hidden)");
                           return panel && ![...panel.querySelectorAll(".jp-InputPrompt")]
                               .some(el => /\\d/.test(el.textContent)); }""",
                timeout=60000,
            )
        self.page.wait_for_timeout(1500)
        self.wait_idle()

    def save(self):
        self.panel.locator("[data-command='docmanager:save']").click()
        self.panel.locator(".jp-mod-dirty").wait_for(state="detached", timeout=15000)


def status(form) -> str:
    return form.locator(".hq-status").inner_text()


def verdict(form) -> str:
    return form.locator(".hq-verdict").inner_text()


def order_shown(form) -> list[str]:
    return form.locator(".hq-item-text").all_inner_texts()


def tab_until(page, css: str, limit: int = 40) -> None:
    """Press Tab until the focused element matches ``css`` (reading focus is looking, not clicking)."""
    for _ in range(limit):
        if page.evaluate("css => document.activeElement && document.activeElement.matches(css)", css):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {css}")


def give_answer(page, form, q: dict, answer, keyboard: bool) -> None:
    """Answer one question the way a student does: by mouse, or (``keyboard``) by keys alone."""
    kind = q["type"]
    texts = {c["id"]: c["text"] for part in ("options", "items", "left", "right") for c in q.get(part, [])}
    if kind == "single" and keyboard:
        ids = [o["id"] for o in q["options"]]
        form.locator("input[type=radio]").first.focus()  # Tab lands on the group
        page.keyboard.press("Space")  # choose the first option
        for _ in range(ids.index(answer)):
            page.keyboard.press("ArrowDown")  # arrows move the choice within the group
    elif kind == "single":
        form.get_by_label(texts[answer], exact=True).click()  # radios are labelled by their option
    elif kind == "multiple":
        for opt in q["options"]:
            box = form.get_by_label(opt["text"], exact=True)  # each box is labelled by its option
            if box.is_checked() != (opt["id"] in answer):
                form.locator("label", has_text=opt["text"]).click()
    elif kind == "numeric" and keyboard:
        form.get_by_label("Your answer").focus()  # the field is labelled
        page.keyboard.type(f"{answer}")
        page.keyboard.press("Enter")
    elif kind == "numeric":
        form.get_by_label("Your answer").click()
        form.get_by_label("Your answer").fill(f"{answer}")
        form.get_by_role("button", name="Save answer").click()
    elif kind == "ordering":
        for target, item in enumerate(answer):
            moves = order_shown(form).index(texts[item]) - target
            if not moves:
                continue
            up = form.get_by_role("button", name=f"Move up: {texts[item]}", exact=True)
            if keyboard:
                form.locator("button.hq-move:not([disabled])").first.focus()
                tab_until(page, f'button[aria-label="Move up: {texts[item]}"]')
            for _ in range(moves):
                page.keyboard.press("Space") if keyboard else up.click()  # focus stays on the moved item
        if order_shown(form) == [texts[i] for i in answer] and "Saved at" not in status(form):
            form.get_by_role("button", name="Save this order").click()
        assert order_shown(form) == [texts[i] for i in answer]
    else:  # matching: a labelled drop-down per entry
        for left, right in answer.items():
            form.get_by_label(texts[left], exact=True).select_option(right)
    # The last save, not an earlier one (a keyboard answer passes through other options on its way).
    wait_saved(form, normalise(q, answer))
    assert status(form).startswith("Saved at")


def wait_saved(form, answer, timeout: float = 15) -> None:
    """Wait until the widget says ``answer`` is the one in the record (its ``data-saved``)."""
    deadline = time.monotonic() + timeout
    while (saved := json.loads(form.get_attribute("data-saved") or "null")) != answer:
        assert time.monotonic() < deadline, f"the widget says {saved!r} is saved, not {answer!r}"
        time.sleep(0.1)


def shown_answer(form, q: dict):
    """What the widget shows as answered, read back from the page."""
    kind = q["type"]
    if kind in ("single", "multiple"):
        ticked = form.locator("input:checked").evaluate_all("els => els.map(e => e.value)")
        return ticked[0] if kind == "single" and ticked else ticked
    if kind == "numeric":
        return float(form.locator("input[type=text]").input_value())
    if kind == "ordering":
        back = {c["text"]: c["id"] for c in q["items"]}
        return [back[t] for t in order_shown(form)]
    return {el.get_attribute("data-left"): el.input_value() for el in form.locator("select").all()}


def audit(page, form, state: str, ref: str) -> dict:
    """axe-core's audit of one widget (its fieldset, the root of what widget.js draws) in ``state``."""
    q = find_question(*ref.split("/"))
    return {"state": state, "kind": q["type"], "ref": ref, "violations": axe_violations(page, form)}


def axe_violations(page, element) -> list | None:
    """axe-core's violations inside ``element`` (None when axe-core is not installed: the audit tests fail, saying
    how to install it)."""
    if not AXE.exists():
        return None
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE))
    return element.evaluate(
        """async (el, tags) => {
            el.id = el.id || `audit-${Date.now()}`;
            const result = await axe.run({ include: [[`#${CSS.escape(el.id)}`]] },
                                         { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
            return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map((n) => `${n.target.join(" ")}: ${n.failureSummary}`) }));
        }""",
        AXE_TAGS,
    )


def audit_output(page, area, what: str) -> dict:
    """axe-core's audit of what the course printed in ``area`` (a cell's outputs, a feedback page), and how its
    text wraps: JupyterLab's own CSS breaks an output line inside a word at the cell's edge, so no line the course
    prints may reach it."""
    found = {"state": what, "kind": what, "ref": what, "violations": axe_violations(page, area)}
    found["overflowing"] = area.evaluate(
        """el => [...el.querySelectorAll("pre")].flatMap(pre => {
            // What the browser must break inside a word: where the page's CSS breaks anywhere (JupyterLab's
            // outputs: word-break: break-all), a line wider than the box; where it wraps between words, a word.
            const style = getComputedStyle(pre);
            const wraps = ["pre-wrap", "pre-line", "normal", "break-spaces"].includes(style.whiteSpace);
            const anywhere = style.wordBreak === "break-all" || style.lineBreak === "anywhere" || !wraps;
            const probe = document.createElement("pre");
            probe.style.cssText = "position:absolute;visibility:hidden;white-space:pre;font:" + style.font;
            document.body.append(probe);
            const pieces = pre.innerText.split(anywhere ? "\\n" : /\\s+/);
            const too = pieces.filter(piece => { probe.textContent = piece || " ";
                return probe.getBoundingClientRect().width > pre.clientWidth + 1; });
            probe.remove();
            return too;
        })"""
    )
    return found


def answers_in(folder: Path) -> dict:
    """The answer record beside a notebook, as the grader reads it."""
    path = folder / "quiz_answers.json"
    return json.loads(path.read_text(encoding="utf-8"))["answers"] if path.exists() else {}


def controls(form) -> list[dict]:
    return form.locator("input, select, button").evaluate_all(
        "els => els.map(e => ({ tag: e.tagName, disabled: e.disabled }))"
    )


def kernel_goes(nb, how: str, refs: list[str], folder: Path, audits: list | None = None) -> list[dict]:
    """Restart (``how="restart"``) or shut down the kernel with the widgets of ``refs`` on screen. Each must say
    so at once and take no click; what each showed, and the record before and after the clicks, is returned."""
    page = nb.page
    widgets = {ref: nb.widget(ref) for ref in refs}
    record = (folder / "quiz_answers.json").read_bytes()
    started = time.monotonic()
    if how == "restart":
        nb.menu("Kernel", "Restart Kernel…")
        page.locator(".jp-Dialog .jp-mod-accept").click()
    else:
        nb.menu("Kernel", "Shut Down Kernel")
    seconds = None  # until every widget says so; the tests fail on None, the session goes on
    while seconds is None and time.monotonic() - started < 10:
        if all(w.get_attribute("data-connected") == "false" for w in widgets.values()):
            seconds = time.monotonic() - started
        elif page.locator(".jp-Dialog .jp-mod-accept").count():
            page.locator(".jp-Dialog .jp-mod-accept").click()  # a confirmation, if this version asks
        else:
            page.wait_for_timeout(100)
    if how == "restart":
        nb.wait_idle()
    seen = []
    for ref, form in widgets.items():
        q = find_question(*ref.split("/"))
        shown = shown_answer(form, q)
        for n in range(form.locator("input, select, button").count()):  # every control, as a student might
            form.locator("input, select, button").nth(n).click(force=True, timeout=5000)
        seen.append(
            {
                "ref": ref,
                "how": how,
                "seconds": seconds,
                "signal": form.get_attribute("data-disconnected-by"),
                "notice": form.locator(".hq-gone").inner_text(),
                "controls": controls(form),
                "shown": shown,
                "record": answers_in(folder).get(ref, {}).get("answer"),
            }
        )
        if audits is not None:
            audits.append(audit(page, form, "kernel gone", ref))
    page.wait_for_timeout(1000)  # time for a click to be saved, were it sent
    for entry, (ref, form) in zip(seen, widgets.items()):
        entry["shown_after_clicks"] = shown_answer(form, find_question(*ref.split("/")))
        entry["record_unchanged"] = (folder / "quiz_answers.json").read_bytes() == record
        entry["still_gone"] = form.get_attribute("data-connected") == "false"
    return seen


def run_again(nb, ref: str, other, answer, folder: Path) -> dict:
    """Run the set-up and the question's cell again (in a new kernel): the widget is live, and an answer given
    in it changes quiz_answers.json (``other``, then ``answer`` again)."""
    q = find_question(*ref.split("/"))
    nb.run("from course import")
    form = nb.quiz(ref)
    nb.panel.locator("fieldset.hq[data-connected='true']").filter(has_text=q["prompt"]).wait_for(timeout=15000)
    live = {"connected": form.get_attribute("data-connected"), "notice": form.locator(".hq-gone").inner_text()}
    give_answer(nb.page, form, q, other, keyboard=False)
    live["record_after_other"] = answers_in(folder)[ref]["answer"]
    give_answer(nb.page, form, q, answer, keyboard=False)
    live["record_after_answer"] = answers_in(folder)[ref]["answer"]
    live["other"], live["answer"] = normalise(q, other), normalise(q, answer)
    return live


def widgets_on_reopen(nb, widgets: int) -> dict:
    """What a reopened notebook shows where its ``widgets`` widgets were, once the widget manager has settled
    (each drawn, or said to be missing)."""
    nb.page.wait_for_function(
        """n => { const shown = [...document.querySelectorAll(
                      '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output')];
                  return shown.length >= n && !shown.some(e => e.innerText.includes('Loading widget')); }""",
        arg=widgets,
        timeout=30000,
    )
    nb.page.wait_for_timeout(1000)
    forms = nb.panel.locator("fieldset.hq")
    return {
        "live": nb.panel.locator("fieldset.hq[data-connected='true']").count(),
        "widgets": [
            {
                "notice": forms.nth(n).locator(".hq-gone").inner_text(),
                "controls": controls(forms.nth(n)),
                "status": status(forms.nth(n)),
                "signal": forms.nth(n).get_attribute("data-disconnected-by"),
            }
            for n in range(forms.count())
        ],
        "outputs": nb.panel.locator(".jp-OutputArea-output").all_inner_texts(),
    }


def lab_url(base: str, token: str, assignment: str) -> str:
    """The notebook alone in a fresh workspace: tabs restored from earlier visits would hide or shadow it."""
    return f"{base}/lab/workspaces/{assignment}/tree/{assignment}/{assignment}.ipynb?reset&token={token}"


#: Each plot of a report: its text alternative, and whether it is drawn (it has a size on the page).
PLOTS = """els => els.map(e => { const box = e.getBoundingClientRect();
    return { alt: e.getAttribute("aria-label") || "", drawn: box.width > 50 && box.height > 50 }; })"""


def due_in_three_days():
    from datetime import datetime, timedelta, timezone

    return datetime.now(timezone.utc) + timedelta(days=3, hours=2)


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    """A student's whole session in the browser, then nbgrader's cycle; what was seen is returned."""
    from playwright.sync_api import sync_playwright

    root = copy_course(tmp_path_factory.mktemp("browser"))
    room = Classroom(root, root / "work")
    home = root / "work" / "students" / STUDENT
    keys = {}
    for assignment in RELEASED:
        room.generate(assignment)
        # one assignment with a due date three days on: Check my work says it (course.due)
        room.release(assignment, due_in_three_days() if assignment == REOPENED else None)
        room.student_fetch(assignment, STUDENT, home)
    for assignment in ASSIGNMENTS:
        keys[assignment] = {
            ref: right_answer(spec["key"])
            for ref, spec in graded_keys(root / "source" / assignment / f"{assignment}.ipynb").items()
        }
    course_folder = home / room.config.CourseDirectory.course_id
    for assignment, (grade_id, wrong, *_) in WRONG_IN_PART_A.items():
        fill_in(course_folder / assignment / f"{assignment}.ipynb", {"answers": {grade_id: wrong}}, {grade_id: ""})
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    seen = {"saved": {}, "after_restart": {}, "after_reopen": {}, "screenshots": [], "practice": {}}
    seen.update(gone=[], run_again=[], axe=[], reopened={}, failed_check={}, my_work={}, validate={})
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        proc, base, token = start_lab(course_folder, tmp_path_factory.mktemp("lab-settings"))
        try:
            for assignment in ASSIGNMENTS:
                page = browser.new_page(viewport={"width": 1300, "height": 900})
                url = lab_url(base, token, assignment)
                try:
                    answer_in_browser(page, url, assignment, keys[assignment], seen, course_folder / assignment)
                except Exception:
                    page.screenshot(path=str(SCREENSHOTS / f"failure-{assignment}.png"))
                    raise
                page.close(run_before_unload=False)
            page = browser.new_page(viewport={"width": 1300, "height": 900})
            try:
                seen["practice"] = practise(page, lab_url(base, token, OVERVIEW), seen, course_folder / OVERVIEW)
                seen["venue_tool"] = drive_venue_tool(page, lab_url(base, token, "middle_powers"))
            except Exception:
                page.screenshot(path=str(SCREENSHOTS / "failure-practice-or-tool.png"))
                raise
            page.close(run_before_unload=False)
        finally:
            proc.terminate()
            proc.wait(timeout=20)
        # Notebook 7 saves the widgets' state in the notebook (JupyterLab does not, by default): reopened, its
        # widget is drawn from that state, with no kernel behind it.
        nb7_settings = tmp_path_factory.mktemp("nb7-settings")
        widget_settings = nb7_settings / "@jupyter-widgets" / "jupyterlab-manager" / "plugin.jupyterlab-settings"
        widget_settings.parent.mkdir(parents=True)
        widget_settings.write_text(json.dumps({"saveState": True}))
        proc, base, token = start_lab(course_folder, nb7_settings, app="notebook")
        try:
            page = browser.new_page(viewport={"width": 1300, "height": 900})
            assignment = IN_NOTEBOOK_7.split("/")[0]
            try:
                seen["notebook7"] = answer_in_notebook_7(
                    page,
                    f"{base}/notebooks/{assignment}/{assignment}.ipynb?token={token}",
                    keys[assignment][IN_NOTEBOOK_7],
                    course_folder / assignment,
                )
            except Exception:
                page.screenshot(path=str(SCREENSHOTS / "failure-notebook7.png"))
                raise
        finally:
            proc.terminate()
            proc.wait(timeout=20)
        browser.close()
    seen["gone"] += seen["notebook7"]["gone"]
    seen["run_again"].append(seen["notebook7"]["run_again"])
    seen["reopened"]["notebook 7, from saved widget state"] = seen["notebook7"]["reopened"]
    seen["failed_check"]["notebook 7"] = seen["notebook7"]["failed_check"]
    seen["my_work"]["notebook 7"] = seen["notebook7"]["my_work"]
    for assignment in ASSIGNMENTS:
        room.student_submit(assignment, STUDENT, home)
    seen["outcomes"] = {a: room.autograde(a, room.collect(a)) for a in ASSIGNMENTS}
    (returned,) = room.feedback(REOPENED, [STUDENT])
    # the teacher's item analysis of this class, and of a planted class of 40 (tests/test_insight.py)
    found = analyse(room, REOPENED)
    seen["insight_timing"] = found.timing
    reports = {
        "this class": write_report(found, tmp_path_factory.mktemp("insight")),
        "a planted class of 40": write_report(from_work(planted_class()), tmp_path_factory.mktemp("planted")),
    }
    copied = planted_submissions(tmp_path_factory.mktemp("similar"))  # tests/test_similarity.py
    similar = similarity_report(
        similarity(Classroom(copied, copied / "work"), "summit_outcome"), tmp_path_factory.mktemp("similarity")
    )
    with sync_playwright() as pw:  # the returned feedback, as the student opens it from the Assignments tab
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 900, "height": 900})
        page.goto(returned.files[0].as_uri())
        seen["feedback_page"] = {
            "audit": audit_output(page, page.locator("body"), "feedback"),
            "text": page.inner_text("body"),
        }
        seen["insight"] = {}
        for what, report in reports.items():  # as the teacher opens it from the work folder
            page.goto(report.as_uri())
            seen["insight"][what] = {
                "audit": {**audit_output(page, page.locator("body"), f"insight, {what}"), "overflowing": []},
                "images": page.locator("svg[role=img]").evaluate_all(PLOTS),
                "text": page.inner_text("body"),
            }
        # and as a teacher on a hub opens it: from JupyterLab's file browser, in its HTML viewer
        folder = reports["a planted class of 40"].parent
        proc, base, token = start_lab(folder, tmp_path_factory.mktemp("report-lab-settings"))
        try:
            page.goto(f"{base}/lab/tree/index.html?reset&token={token}")
            viewer = page.frame_locator(".jp-HTMLViewer iframe")
            viewer.locator("h1").wait_for(timeout=60000)
            seen["insight_in_lab"] = viewer.locator("svg[role=img]").evaluate_all(PLOTS)
        finally:
            proc.terminate()
            proc.wait(timeout=20)
        page.goto(similar.as_uri())
        seen["similarity_page"] = {
            "audit": audit_output(page, page.locator("body"), "similarity"),
            "marked": page.locator("mark").count(),
        }
        browser.close()
    with room.gradebook() as gb:
        seen["quiz_points"] = {}
        for assignment in ASSIGNMENTS:
            for ref, spec in graded_keys(root / "source" / assignment / f"{assignment}.ipynb").items():
                grade = gb.find_grade(spec["grade_id"], assignment, assignment, STUDENT)
                seen["quiz_points"][ref] = (grade.score, grade.max_score)
    seen["keys"], seen["home"] = keys, course_folder
    return seen


def answer_in_browser(page, url: str, assignment: str, keys: dict, seen: dict, folder: Path) -> None:
    """Answer every graded question of one notebook, restart the kernel, check, save (and maybe shut its kernel
    down with the widgets on screen, and reopen it)."""
    nb = Notebook(page, url)
    nb.run("from course import")
    for ref, key in keys.items():
        if ref == IN_NOTEBOOK_7:
            continue
        form = nb.quiz(ref)
        give_answer(page, form, find_question(*ref.split("/")), key, keyboard=ref in KEYBOARD)
        seen["saved"][ref] = status(form)
        if find_question(*ref.split("/"))["type"] == "ordering":  # what a screen reader is given to read
            seen.setdefault("ordering_said", {})[ref] = {
                "moved": form.locator(".hq-moved").inner_text(),
                "live": form.locator("[aria-live]").evaluate_all("els => els.map(e => e.className)"),
            }
        shot = SCREENSHOTS / f"graded-{find_question(*ref.split('/'))['type']}-{ref.replace('/', '-')}.png"
        form.screenshot(path=str(shot))
        seen["screenshots"].append(shot)
        seen["axe"].append(audit(page, form, "graded", ref))
    tried = seen.setdefault("keys_in_widget", {})
    for ref in keys:  # one question of each kind (each kind has its own controls)
        kind = find_question(*ref.split("/"))["type"]
        if ref != IN_NOTEBOOK_7 and kind not in {find_question(*r.split("/"))["type"] for r in tried}:
            tried[ref] = jupyter_keys(nb, ref, folder)
    if assignment == RUN_ALL:
        nb.restart_kernel(and_run_all=True)
        seen["run_all"] = after_run_all(nb, keys)
        seen["after_restart"].update(
            {ref: (shown, text) for ref, (shown, text, _) in seen["run_all"]["quizzes"].items()}
        )
    else:
        nb.restart_kernel()
        seen["after_restart"].update(read_back(nb, keys))
    nb.save()
    if assignment == REOPENED:
        refs = [ref for ref in keys if ref != IN_NOTEBOOK_7]
        seen["gone"] += kernel_goes(nb, "shutdown", refs, folder, audits=seen["axe"])
        nb.menu("File", "Close Tab")
        nb.panel.wait_for(state="detached", timeout=15000)
        nb = Notebook(page, url)
        seen["reopened"]["jupyterlab"] = widgets_on_reopen(nb, len(refs))
        seen["after_reopen"].update(read_back(nb, keys))
        seen["failed_check"]["jupyterlab"] = failed_check(nb, assignment)
        seen["validate"]["jupyterlab"] = validate(nb)
        seen["my_work"]["jupyterlab"] = check_my_work(nb, folder)


def jupyter_keys(nb: Notebook, ref: str, folder: Path) -> dict:
    """Shift+Enter with focus on every control of a quiz, and Ctrl+Enter on each kind of control (a button, a
    radio button, a check box, a list, a text box): does the cell run, does any saved answer change? Then Escape on
    a control: does focus leave the quiz for the notebook in command mode?"""
    found = {"ran": [], "not_run": [], "changed": [], "escape": None, "controls": 0}
    enabled = "input:not([disabled]), select:not([disabled]), button:not([disabled])"
    kinds = (
        nb.widget(ref)
        .locator(enabled)
        .evaluate_all("els => els.map(e => e.tagName.toLowerCase() + ':' + (e.type || ''))")
    )
    found["controls"] = len(kinds)
    tries = [("Shift+Enter", n) for n in range(len(kinds))]
    tries += [("Control+Enter", kinds.index(kind)) for kind in dict.fromkeys(kinds)]
    quiz, qid = ref.split("/")
    cell = nb.panel.locator(".jp-CodeCell").filter(has_text=f'question("{quiz}", "{qid}")').first
    prompt = cell.locator(".jp-InputPrompt")
    for key, n in tries:
        before = answers_in(folder)
        prompt.evaluate(
            """el => { el.dataset.queued = "no";
                       new MutationObserver((_, seen) => { if (el.textContent.includes("*")) {
                           el.dataset.queued = "yes"; seen.disconnect(); } })
                         .observe(el, { childList: true, characterData: true, subtree: true }); }"""
        )
        text = prompt.inner_text()
        nb.widget(ref).locator(enabled).nth(n).focus()
        nb.page.keyboard.press(key)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and prompt.get_attribute("data-queued") != "yes":
            if prompt.inner_text() != text:
                break
            nb.page.wait_for_timeout(50)
        ran = prompt.get_attribute("data-queued") == "yes" or prompt.inner_text() != text
        found["ran" if ran else "not_run"].append((kinds[n], n, key))
        nb.wait_idle()
        cell.locator("fieldset.hq[data-connected='true']").wait_for(timeout=30000)
        if answers_in(folder) != before:
            found["changed"].append((kinds[n], n, key))
    nb.widget(ref).locator("input, select, button").first.focus()
    nb.page.keyboard.press("Escape")
    found["escape"] = nb.page.evaluate(
        "() => { const a = document.activeElement; const notebook = a && a.closest('.jp-Notebook');"
        " return !!notebook && !a.closest('fieldset.hq') && notebook.classList.contains('jp-mod-commandMode'); }"
    )
    return found


def after_run_all(nb: Notebook, keys: dict) -> dict:
    """After Restart and Run All: what each quiz widget shows (none run by hand), and the last cell's output."""
    quizzes = {}
    for ref in keys:
        if ref == IN_NOTEBOOK_7:
            continue
        form = nb.widget(ref)
        form.wait_for(timeout=60000)
        quizzes[ref] = (
            shown_answer(form, find_question(*ref.split("/"))),
            status(form),
            form.get_attribute("data-connected"),
        )
    last = nb.panel.locator(".jp-CodeCell").last
    last.locator(".jp-OutputArea-output", has_text="to do").first.wait_for(timeout=120000)
    return {"quizzes": quizzes, "last": output_of(last)}


def read_back(nb: Notebook, keys: dict) -> dict:
    """Run the set-up and every quiz cell again; what each widget shows."""
    nb.run("from course import")
    shown = {}
    for ref in keys:
        if ref == IN_NOTEBOOK_7:
            continue
        form = nb.quiz(ref)
        shown[ref] = (shown_answer(form, find_question(*ref.split("/"))), status(form))
    return shown


def practise(page, url: str, seen: dict, folder: Path) -> dict:
    """Each practice question: a wrong answer checked, then the right one. Then the kernel is restarted with the
    widgets on screen, the single choice run again and answered; the kernel shut down, the same again; and
    last, Restart and Run All."""
    nb = Notebook(page, url)
    nb.run("from course import question")
    result = {}
    for q in load_bank(OVERVIEW)["questions"]:
        ref = f"{OVERVIEW}/{q['id']}"
        form = nb.quiz(ref)
        wrong = wrong_answer(q)
        give_answer(page, form, q, wrong, keyboard=q["type"] == "ordering")
        form.get_by_role("button", name="Check").click()
        form.locator(".hq-verdict p").first.wait_for(timeout=15000)
        first = verdict(form)
        give_answer(page, form, q, right_answer(q["key"]), keyboard=False)
        form.get_by_role("button", name="Check").click()
        form.locator(".hq-verdict", has_text="Right.").wait_for(timeout=15000)
        shot = SCREENSHOTS / f"practice-{q['type']}-{q['id']}.png"
        form.screenshot(path=str(shot))
        seen["screenshots"].append(shot)
        seen["axe"].append(audit(page, form, "practice", ref))
        result[ref] = {"wrong": first, "right": verdict(form)}
    seen["gone"] += kernel_goes(nb, "restart", list(result), folder, audits=seen["axe"])
    single = next(q for q in load_bank(OVERVIEW)["questions"] if q["type"] == "single")
    ref = f"{OVERVIEW}/{single['id']}"
    form = nb.widget(ref)
    form.screenshot(path=str(SCREENSHOTS / "practice-single-kernel-gone.png"))
    again = run_again(nb, ref, wrong_answer(single), right_answer(single["key"]), folder)
    seen["run_again"].append({"after": "restart", "where": "jupyterlab", **again})
    seen["gone"] += kernel_goes(nb, "shutdown", [ref], folder)
    again = run_again(nb, ref, wrong_answer(single), right_answer(single["key"]), folder)
    seen["run_again"].append({"after": "shutdown", "where": "jupyterlab", **again})
    nb.restart_kernel(and_run_all=True)
    forms = nb.panel.locator("fieldset.hq")
    forms.nth(len(result) - 1).wait_for(timeout=30000)
    for n, q in enumerate(load_bank(OVERVIEW)["questions"]):
        result[f"{OVERVIEW}/{q['id']}"]["after_run_all"] = (shown_answer(forms.nth(n), q), status(forms.nth(n)))
    nb.save()
    return result


def wrong_answer(q: dict):
    key = q["key"]
    if q["type"] == "single":
        return next(o["id"] for o in q["options"] if o["id"] != key)
    if q["type"] == "multiple":
        return key[:1] + [next(o["id"] for o in q["options"] if o["id"] not in key)]
    if q["type"] == "numeric":
        return key["value"] * 10
    if q["type"] == "ordering":
        return [key[1], key[0]] + key[2:]
    return {left: key[right_left] for left, right_left in zip(key, list(key)[1:] + list(key)[:1])}


def answer_in_notebook_7(page, url: str, answer, folder: Path) -> dict:
    """Notebook 7 renders the same widget: answer one question there, confirm it, run it again, see it kept.
    Restart the kernel with the widget on screen, run it again and answer; then shut the kernel down (the widget
    on screen) and reopen the notebook, its widget drawn from the saved widget state."""
    nb = Notebook(page, url)
    nb.run("from course import")
    q = find_question(*IN_NOTEBOOK_7.split("/"))
    form = nb.quiz(IN_NOTEBOOK_7)
    give_answer(page, form, q, answer, keyboard=False)
    saved = status(form)
    form.screenshot(path=str(SCREENSHOTS / "notebook7-matching.png"))
    again = nb.quiz(IN_NOTEBOOK_7)
    shown = (shown_answer(again, q), status(again))
    keys = jupyter_keys(nb, IN_NOTEBOOK_7, folder)
    gone = kernel_goes(nb, "restart", [IN_NOTEBOOK_7], folder)
    other = wrong_answer({**q, "key": answer})
    live = {"after": "restart", "where": "notebook 7", **run_again(nb, IN_NOTEBOOK_7, other, answer, folder)}
    nb.save()
    gone += kernel_goes(nb, "shutdown", [IN_NOTEBOOK_7], folder)
    nb = Notebook(page, url)
    reopened = widgets_on_reopen(nb, 1)
    nb.run("from course import")
    checked = failed_check(nb, IN_NOTEBOOK_7.split("/")[0])
    mine = check_my_work(nb, folder)
    return {
        "saved": saved,
        "shown": shown,
        "page": page.url,
        "gone": gone,
        "run_again": live,
        "reopened": reopened,
        "failed_check": checked,
        "my_work": mine,
        "keys": keys,
    }


def output_of(cell) -> str:
    return "\n".join(cell.locator(".jp-OutputArea-output").all_inner_texts())


def failed_check(nb, assignment: str) -> dict:
    """Run the wrong Part A answer and the test cell under it: what the red box says."""
    _, wrong, test, advice = WRONG_IN_PART_A[assignment]
    nb.run(wrong.splitlines()[0])
    cell = nb.run(test)
    cell.locator(".jp-OutputArea-output").first.wait_for(timeout=15000)
    return {
        "output": output_of(cell),
        "advice": advice,
        "audit": audit_output(nb.page, cell.locator(".jp-OutputArea").first, "failed check"),
    }


def validate(nb) -> dict:
    """nbgrader's Validate button (it saves first): the results dialog's text."""
    nb.panel.locator(".validate-button").first.click()
    dialog = nb.page.locator(".jp-Dialog")
    dialog.first.wait_for(timeout=120000)
    nb.page.wait_for_function(
        "() => !document.querySelector('.jp-Dialog').innerText.includes('Validating')", timeout=120000
    )
    text = dialog.first.inner_text()
    dialog.first.locator(".jp-mod-accept, .jp-mod-reject").first.click()
    return {"text": text}


def check_my_work(nb, folder: Path) -> dict:
    """Save, then run the notebook's last cell (Check my work): its output, and whether the record changed."""
    nb.save()
    record = (folder / "quiz_answers.json").read_bytes()
    cell = nb.run("check_my_work()")
    cell.locator(".jp-OutputArea-output", has_text="to do").first.wait_for(timeout=120000)
    return {
        "output": output_of(cell),
        "record_unchanged": (folder / "quiz_answers.json").read_bytes() == record,
        "audit": audit_output(nb.page, cell.locator(".jp-OutputArea").first, "Check my work"),
    }


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
    page.wait_for_function(
        "([el, old]) => el.innerText !== old", arg=[first_row.element_handle(), before], timeout=10000
    )
    tool.screenshot(path=str(SCREENSHOTS / "middle_powers-venue_tool.png"))
    return {"before": before, "after": first_row.inner_text(), "readout": readout.inner_text()}


def normalised(ref: str, answer):
    return normalise(find_question(*ref.split("/")), answer)


def test_every_graded_question_answered_in_the_browser_is_saved_and_confirmed_without_a_verdict(session):
    refs = [ref for keys in session["keys"].values() for ref in keys if ref != IN_NOTEBOOK_7]
    assert sorted(session["saved"]) == sorted(refs)
    for ref, text in session["saved"].items():
        q = find_question(*ref.split("/"))
        said = (
            "the order shown above" if q["type"] == "ordering" else describe(q, normalised(ref, keys_of(session, ref)))
        )
        assert text.startswith("Saved at") and said in text, (ref, text)
        assert not any(word in text.lower() for word in ("correct", "wrong", "right")), (ref, text)


def test_an_ordering_move_announces_only_what_moved(session):
    """After a restart an ordering question once read out the whole order, five long items, at every move."""
    said = session["ordering_said"]
    assert said
    for ref, seen in said.items():
        assert re.fullmatch(r"Moved (up|down) to \d(st|nd|rd|th) of \d+\.", seen["moved"]), (ref, seen)
        assert "hq-status" not in seen["live"] and "hq-moved" in seen["live"], (ref, seen)  # the save line is not read


def keys_of(session, ref: str):
    return session["keys"][ref.split("/")[0]][ref]


def test_questions_answered_by_keyboard_alone_are_saved(session):
    kinds = {find_question(*ref.split("/"))["type"] for ref in KEYBOARD}
    assert kinds == {"single", "ordering", "numeric"}
    for ref in KEYBOARD:
        assert session["saved"][ref].startswith("Saved at"), ref


def test_jupyters_run_keys_run_the_quiz_cell_and_never_change_an_answer_and_escape_leaves_it(session):
    """Shift+Enter on a focused Move button once moved an item and saved the new order; Escape did nothing. One
    question of each kind in JupyterLab, and the matching question in Notebook 7."""
    found = {**session["keys_in_widget"], IN_NOTEBOOK_7: session["notebook7"]["keys"]}
    kinds = {kind for entry in found.values() for kind, *_ in entry["ran"] + entry["not_run"]}
    assert {"button:button", "input:radio", "input:checkbox", "input:text", "select:select-one"} <= kinds, kinds
    assert {find_question(*ref.split("/"))["type"] for ref in found} == {
        "single",
        "multiple",
        "numeric",
        "ordering",
        "matching",
    }
    for ref, e in found.items():  # every control with Shift+Enter, each kind of control with Ctrl+Enter
        tried = e["ran"] + e["not_run"]
        assert sorted({n for _, n, key in tried if key == "Shift+Enter"}) == list(range(e["controls"])), ref
        assert {key for *_, key in tried} == {"Shift+Enter", "Control+Enter"}, ref
    assert not [(ref, e["changed"]) for ref, e in found.items() if e["changed"]], "an answer changed"
    not_run = [(ref, e["not_run"]) for ref, e in found.items() if e["not_run"]]
    assert not not_run, f"the keys did not run the cell: {not_run}"
    assert all(e["escape"] for e in found.values()), {ref: e["escape"] for ref, e in found.items()}


def test_answers_are_still_shown_as_saved_after_a_kernel_restart(session):
    for ref, (shown, text) in session["after_restart"].items():
        assert shown == normalised(ref, session["keys"][ref.split("/")[0]][ref]), ref
        assert text.startswith("Saved earlier"), (ref, text)


def test_restart_and_run_all_goes_past_blank_and_wrong_answers_to_every_quiz_and_check_my_work(session):
    """Run All once stopped at the first blank answer, so every quiz below it looked empty."""
    seen = session["run_all"]
    keys = session["keys"][RUN_ALL]
    assert sorted(seen["quizzes"]) == sorted(keys)
    for ref, (shown, text, connected) in seen["quizzes"].items():
        assert connected == "true" and shown == normalised(ref, keys[ref]) and text.startswith("Saved earlier"), ref
    assert "Left to do" in seen["last"] and "still blank" in seen["last"], seen["last"]


def test_answers_survive_closing_the_notebook_and_shutting_its_kernel_down(session):
    reopened = session["after_reopen"]
    assert sorted(reopened) == sorted(r for r in session["keys"][REOPENED])
    for ref, (shown, text) in reopened.items():
        assert shown == normalised(ref, session["keys"][REOPENED][ref]) and text.startswith("Saved earlier"), ref


def test_practice_questions_give_immediate_feedback_and_survive_restart_and_run_all(session):
    practice = session["practice"]
    assert len(practice) == len(load_bank(OVERVIEW)["questions"]) == 5
    for ref, seen in practice.items():
        q = find_question(*ref.split("/"))
        assert seen["wrong"].startswith("\u2718 Not right"), (ref, seen["wrong"])
        assert "Why: " not in seen["wrong"] and "Right answer:" not in seen["wrong"], (ref, seen["wrong"])
        assert "Try again, or press Show answer" in seen["wrong"]  # the key only on request or a second wrong try
        assert seen["right"].startswith("\u2714 Right.") and "Why: " in seen["right"]
        shown, text = seen["after_run_all"]
        assert shown == normalise_practice(q) and text.startswith("Saved earlier"), (ref, shown, text)


def normalise_practice(q):
    return normalise(q, right_answer(q["key"]))


def test_notebook_7_renders_and_records_the_same_widget(session):
    seen = session["notebook7"]
    assert "/notebooks/" in seen["page"] and "/lab/" not in seen["page"]
    assert seen["saved"].startswith("Saved at")
    assert seen["shown"][0] == session["keys"]["middle_powers"][IN_NOTEBOOK_7]
    assert seen["shown"][1].startswith("Saved earlier")


def test_the_saved_notebooks_are_what_was_submitted(session):
    for assignment in ASSIGNMENTS:
        nb = nbformat.read(session["home"] / assignment / f"{assignment}.ipynb", as_version=4)
        ran = [c for c in nb.cells if c.cell_type == "code" and c.get("execution_count")]
        assert ran and any("widget-view" in json.dumps(c.outputs) for c in ran), assignment


def test_answers_given_in_the_browser_earn_their_points_through_nbgrader(session):
    points = session["quiz_points"]
    assert len(points) == sum(len(k) for k in session["keys"].values())
    assert all(score == top for score, top in points.values()), points


def test_a_screenshot_of_every_kind_of_question_in_both_modes_is_written(session):
    kinds = {
        mode: {p.name.split("-")[1] for p in session["screenshots"] if p.name.startswith(mode)}
        for mode in ("graded", "practice")
    }
    assert kinds["graded"] == kinds["practice"] == {"single", "multiple", "numeric", "ordering", "matching"}
    for shot in session["screenshots"]:
        assert shot.stat().st_size > 5000 and shot.read_bytes()[:4] == b"\x89PNG"


def test_the_venue_tool_reranks_when_a_slider_moves(session):
    """All weights 1: Hanoi leads (4.0). Security weighted 5: Singapore (38/9) overtakes Hanoi (36/9)."""
    seen = session["venue_tool"]
    assert seen["readout"].strip() == "5"
    assert seen["before"].split()[0:2] != seen["after"].split()[0:2]
    assert "Hanoi" in seen["before"] and "Singapore" in seen["after"]


def gone_problems(entry: dict) -> list[str]:
    """What is wrong with a widget whose kernel has gone, as it was seen (empty when nothing)."""
    q = find_question(*entry["ref"].split("/"))
    problems = []
    if RUN_AGAIN not in entry["notice"]:
        problems.append(f"it says {entry['notice']!r}")
    if not entry["controls"] or not all(c["disabled"] for c in entry["controls"]):
        problems.append(f"not every control is disabled: {entry['controls']}")
    if not entry["still_gone"] or not entry["record_unchanged"]:
        problems.append("clicking its controls woke it or changed quiz_answers.json")
    if entry["shown_after_clicks"] != entry["shown"]:
        problems.append(f"clicks changed what it shows: {entry['shown']} -> {entry['shown_after_clicks']}")
    # Any answer shown as saved is the one in quiz_answers.json.
    if entry["shown"] != entry["record"]:
        problems.append(f"it shows {entry['shown']}, the record holds {entry['record']}")
    if f"Saved when the kernel stopped: {describe(q, normalise(q, entry['record']))}" not in entry["notice"]:
        problems.append(f"it does not name the saved answer: {entry['notice']!r}")
    return problems


def test_widgets_still_on_screen_when_the_kernel_restarts_say_so_and_take_no_clicks(session):
    gone = [e for e in session["gone"] if e["how"] == "restart" and e["ref"].startswith(OVERVIEW)]
    kinds = {find_question(*e["ref"].split("/"))["type"] for e in gone}
    assert kinds == {"single", "multiple", "numeric", "ordering", "matching"}
    for entry in gone:
        assert entry["seconds"] is not None and not gone_problems(entry), (entry, gone_problems(entry))


def test_widgets_still_on_screen_when_the_kernel_is_shut_down_say_so_and_take_no_clicks(session):
    gone = [e for e in session["gone"] if e["how"] == "shutdown"]
    # practice and graded questions in JupyterLab, a graded one in Notebook 7
    assert {e["ref"].split("/")[0] for e in gone} == {OVERVIEW, REOPENED, IN_NOTEBOOK_7.split("/")[0]}
    for entry in gone:
        assert entry["seconds"] is not None and not gone_problems(entry), (entry, gone_problems(entry))


def test_a_widget_run_again_after_a_restart_or_a_shutdown_is_live_and_saves_answers(session):
    runs = {(r["where"], r["after"]): r for r in session["run_again"]}
    assert set(runs) == {("jupyterlab", "restart"), ("jupyterlab", "shutdown"), ("notebook 7", "restart")}
    for where, run in runs.items():
        assert run["connected"] == "true" and run["notice"] == "", where
        assert run["other"] != run["answer"], where
        assert run["record_after_other"] == run["other"] and run["record_after_answer"] == run["answer"], (where, run)


def test_notebook_7_widgets_say_so_when_the_kernel_restarts_or_is_shut_down(session):
    gone = session["notebook7"]["gone"]
    assert [(e["ref"], e["how"]) for e in gone] == [(IN_NOTEBOOK_7, "restart"), (IN_NOTEBOOK_7, "shutdown")]
    for entry in gone:
        assert entry["seconds"] is not None and not gone_problems(entry), (entry, gone_problems(entry))


def test_a_reopened_notebook_shows_no_live_looking_widget(session):
    """JupyterLab (no saved widget state): no widget is drawn at all. Notebook 7 (saved widget state): the widget
    is drawn with no kernel behind it, says so, has every control disabled and claims no saved answer (the saved
    state may be older than quiz_answers.json)."""
    lab = session["reopened"]["jupyterlab"]
    assert lab["live"] == 0 and not lab["widgets"], lab
    assert any("model not found" in text for text in lab["outputs"]), lab["outputs"]
    nb7 = session["reopened"]["notebook 7, from saved widget state"]
    assert nb7["live"] == 0 and len(nb7["widgets"]) == 1, nb7
    for widget in nb7["widgets"]:
        assert RUN_AGAIN in widget["notice"] and "Saved" not in widget["notice"] + widget["status"], widget
        assert widget["controls"] and all(c["disabled"] for c in widget["controls"]), widget


def test_every_kind_of_question_passes_an_axe_audit_in_both_modes_and_with_its_kernel_gone(session):
    audits = session["axe"]
    if any(a["violations"] is None for a in audits):
        pytest.fail(f"axe-core is not installed ({AXE.relative_to(PROJECT)}): `make test` installs it (`make node`)")
    for state in ("graded", "practice", "kernel gone"):
        kinds = {a["kind"] for a in audits if a["state"] == state}
        assert kinds == {"single", "multiple", "numeric", "ordering", "matching"}, (state, kinds)
    failed = [a for a in audits if a["violations"]]
    assert not failed, "axe-core found:\n" + "\n".join(
        f"- {a['ref']} ({a['state']}): {v['id']} ({v['impact']}) {v['help']}: {'; '.join(v['nodes'])}"
        for a in failed
        for v in a["violations"]
    )


def test_check_boxes_check_my_work_and_the_feedback_pass_axe_and_wrap_between_words(session):
    audits = [session["failed_check"][app]["audit"] for app in session["failed_check"]]
    audits += [session["my_work"][app]["audit"] for app in session["my_work"]] + [session["feedback_page"]["audit"]]
    assert {a["state"] for a in audits} == {"failed check", "Check my work", "feedback"}
    if any(a["violations"] is None for a in audits):
        pytest.fail(f"axe-core is not installed ({AXE.relative_to(PROJECT)}): `make test` installs it (`make node`)")
    failed = [
        f"- {a['state']}: {v['id']} ({v['impact']}) {v['help']}: {'; '.join(v['nodes'])}"
        for a in audits
        for v in a["violations"]
    ]
    assert not failed, "axe-core found:\n" + "\n".join(failed)
    overflowing = {a["state"]: a["overflowing"] for a in audits if a["overflowing"]}
    assert not overflowing, f"lines the page must break inside a word: {overflowing}"


def test_the_item_analysis_report_renders_its_plots_with_text_and_passes_axe(session):
    """The teacher's report (course insight) opened from the work folder and in JupyterLab: every plot drawn, with a
    text alternative that says what it shows; axe-core finds nothing."""
    reports = session["insight"]
    assert set(reports) == {"this class", "a planted class of 40"}
    for what, seen in reports.items():
        assert seen["images"] and all(i["drawn"] for i in seen["images"]), (what, seen["images"])
        assert all(len(i["alt"]) > 40 for i in seen["images"]), (what, seen["images"])
        assert "What did the class learn" in seen["text"]
        violations = seen["audit"]["violations"]
        if violations is None:
            pytest.fail(f"axe-core is not installed ({AXE.relative_to(PROJECT)}): `make test` installs it")
        assert not violations, (what, violations)
    planted = reports["a planted class of 40"]
    assert len(planted["images"]) == 4 and "A.4 (r \u2212" in planted["images"][0]["alt"], planted["images"]
    # the same page in JupyterLab's HTML viewer (a hub's file browser), where files beside it are not shown
    assert session["insight_in_lab"] == planted["images"], session["insight_in_lab"]
    assert "1 graded students" not in reports["this class"]["text"]  # one student, said as such
    assert "Only 1 graded student" in reports["this class"]["text"]


def test_the_similarity_report_passes_axe_and_wraps_its_passages(session):
    """The teacher's similarity report of the planted class, opened from the work folder: the shared passages are
    marked (highlighted and underlined, not by colour alone), every line wraps inside its box, axe-core finds
    nothing."""
    seen = session["similarity_page"]
    assert seen["marked"] >= 4  # each answer of both pairs
    if seen["audit"]["violations"] is None:
        pytest.fail(f"axe-core is not installed ({AXE.relative_to(PROJECT)}): `make test` installs it")
    assert not seen["audit"]["violations"], seen["audit"]["violations"]
    assert not seen["audit"]["overflowing"], seen["audit"]["overflowing"]


def test_jupyterlab_records_when_each_question_was_worked_on(session):
    """The module's JupyterLab settings turn on cell timing (deploy/hub/overrides.json), so the student's submitted
    notebook says when each question's cells ran, and the item analysis reads it."""
    timing = session["insight_timing"]
    runs = timing[timing["measure"] == CELL_RUNS].set_index("question")
    assert {"A.2", "B.1", "C.2"} <= set(runs.index), timing  # the code and the quizzes she worked in the browser
    assert (runs["students"] == 1).all() and (runs["median"] >= 0).all()
    assert set(timing.loc[timing["measure"] == QUIZ_SAVED, "question"]) >= {"B.1", "C.2"}


def test_the_returned_feedback_says_what_a_student_needs_and_nothing_of_the_grader(session):
    text = session["feedback_page"]["text"]
    assert "Question A.2" in text and "left blank" in text.lower()
    for leftover in (*INTERNALS, "Quiz question '", "Check my work runs"):
        assert leftover not in text, leftover


@pytest.mark.parametrize("app", ["jupyterlab", "notebook 7"])
def test_a_failed_check_shows_the_students_line_and_the_advice_and_nothing_of_the_course(session, app):
    seen = session["failed_check"][app]
    assert seen["advice"] in " ".join(seen["output"].split()) and "check(" in seen["output"], seen["output"]
    assert not [w for w in INTERNALS if w in seen["output"]], seen["output"]


def test_validate_lists_the_failed_check_with_its_advice_and_nothing_of_the_course(session):
    """Every failing cell is listed; a blank answer's NameError keeps Python's traceback (it is the student's)."""
    text = session["validate"]["jupyterlab"]["text"]
    assert WRONG_IN_PART_A["summit_outcome"][3] in " ".join(text.split()), text
    assert not [w for w in INTERNALS if w != "Traceback" and w in text], text


@pytest.mark.parametrize("app", ["jupyterlab", "notebook 7"])
def test_check_my_work_shows_every_quiz_and_what_is_left_past_a_wrong_answer(session, app):
    """A wrong answer in Part A, quizzes answered in Part B: every quiz shows its saved answer, every question
    its state, and one line says what is left; quiz_answers.json is untouched."""
    seen = session["my_work"][app]
    out = re.sub(r"[ \t]*\n[ \t]*(?=\S)", " ", seen["output"])  # a line wrapped between words, read as one
    assignment = "summit_outcome" if app == "jupyterlab" else "middle_powers"
    failing = "A.2"
    assert re.search(rf"checks? failing: [^;]*{failing}", out), out
    assert "Left to do:" in out and "answers still blank" in out
    keys = session["keys"][assignment]
    for ref, key in keys.items():
        q = find_question(*ref.split("/"))
        assert f"answer saved, marked after you submit: {describe(q, normalise(q, key))}" in out, (ref, out)
    assert "passed" not in "".join(ln for ln in seen["output"].splitlines() if "answer saved" in ln)
    assert "Report(" not in out, "check_my_work's return value is not shown under the cell"
    assert seen["record_unchanged"]
    if app == "jupyterlab":  # released with a due date (course.due); middle_powers without one
        assert re.search(r"Due \w+day \d+ \w+ \d{4}, \d\d:\d\d \(UTC[^)]*\): in 3 days\.", out), out
    else:
        assert "Due " not in out, out
