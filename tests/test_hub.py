"""The course on a real JupyterHub (deploy/hub/, docs/hub.md): `make test-hub`, which CI runs after `make test`.

The fixture starts the trial hub of `make hub` in a folder of its own (system accounts, the course directory, the
shared exchange, PostgreSQL on loopback, JupyterHub and its proxy, the formgrader as a hub service; the users'
environment holds the course from its wheel), then, in headless Chromium:

- three students log in with their own passwords, fetch two assignments in the Assignments tab, answer an exercise
  and a quiz of summit_outcome (each differently) and submit both;
- as each student's own account, they try to read another's work, the instructors' notebooks, the hub's settings,
  the grading account's environment and the gradebook;
- two instructors' grading runs start at once in the grading account (two assignments, one PostgreSQL gradebook),
  and a third run of an assignment being graded is refused;
- the instructor opens the formgrader (the hub service) and sees every submission; the feedback is returned and
  each student fetches theirs in the Assignments tab.

What was seen is recorded once; the tests read it. A view that fails is saved in test-output/screenshots/.
"""

import contextlib
import html
import importlib.util
import json
import os
import re
import subprocess
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from course.grading.config import COURSE_ID
from course.grading.keys import graded_keys
from course.paths import PROJECT
from course.quiz import find_question
from tests.conftest import free_port, right_answer, write_lab_settings
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, Notebook, give_answer
from tests.test_formgrader import Screens

HUB_ENV = Path(os.environ.get("HUB_ENV", PROJECT / ".venv-hub"))  # the users' environment (Makefile)
ASSIGNMENT, SECOND = "summit_outcome", "sanctions_relief"
QUIZ = f"{ASSIGNMENT}/hanoi_document"
RIGHT = "def days_between(start, end):\n    return (pd.Timestamp(end) - pd.Timestamp(start)).days\n"
OFF_BY_ONE = "def days_between(start, end):\n    return (pd.Timestamp(end) - pd.Timestamp(start)).days + 1\n"
#: What each student does in the browser: their days_between, and whether they answer the quiz right.
PLAN = {"hs-ada": (RIGHT, True), "hs-bo": (OFF_BY_ONE, True), "hs-cy": (RIGHT, False)}
DAYS_TESTS = ("test_days_between_singapore_hanoi", "test_days_between_direction")

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="the hub makes system accounts: run as root (CI does)")


def trial_module():
    spec = importlib.util.spec_from_file_location("trial", PROJECT / "deploy" / "hub" / "trial.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


trial = trial_module()


def log_in(browser, hub, name: str):
    """The hub's login page, then the person's own JupyterLab (the hub starts it as their account)."""
    page = browser.new_context(viewport={"width": 1300, "height": 900}).new_page()
    page.goto(f"{hub.url}/hub/login")
    page.fill("#username_input", name)
    page.fill("#password_input", hub.passwords[name])
    page.click("#login_submit")
    page.wait_for_url(f"**/user/{name}/lab**", timeout=180000)
    return page


def lab_settings(hub, name: str) -> None:
    """The student's own JupyterLab settings, in their home and owned by them (write_lab_settings)."""
    write_lab_settings(hub.home(name) / ".jupyter" / "lab" / "user-settings")
    subprocess.run(["chown", "-R", f"{name}:{name}", hub.home(name) / ".jupyter"], check=True)


def assignments_tab(page) -> None:
    page.get_by_role("menuitem", name="Nbgrader", exact=True).click(timeout=90000)
    page.get_by_role("menuitem", name="Assignment List", exact=True).click()
    lists = ("released", "fetched", "submitted")
    page.locator(", ".join(f"#{s}_assignments_list .list_item" for s in lists)).first.wait_for(timeout=60000)


def row(page, section: str, assignment: str):
    return page.locator(f"#{section}_assignments_list .list_item", has_text=assignment).first


def fetch(page, assignment: str) -> None:
    row(page, "released", assignment).get_by_role("button", name="Fetch").click()
    row(page, "fetched", assignment).wait_for(timeout=60000)


def submit(page, assignment: str) -> None:
    row(page, "fetched", assignment).get_by_role("button", name="Submit").click()
    row(page, "submitted", assignment).wait_for(timeout=60000)


def answer(page, hub, name: str, keys: dict, seen: dict) -> None:
    """Open the fetched notebook, write days_between and run it, answer the quiz, save."""
    code, quiz_right = PLAN[name]
    nb = Notebook(page, f"{hub.url}/user/{name}/lab/tree/{COURSE_ID}/{ASSIGNMENT}/{ASSIGNMENT}.ipynb")
    nb.run("from course import")
    cell = nb.panel.locator(".jp-CodeCell").filter(has_text="def days_between").first
    cell.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(code)
    nb.run("def days_between")
    q = find_question(*QUIZ.split("/"))
    key = right_answer(keys[QUIZ]["key"])
    choice = key if quiz_right else next(o["id"] for o in q["options"] if o["id"] != key)
    give_answer(page, nb.quiz(QUIZ), q, choice, keyboard=False)
    nb.save()
    seen["answered"][name] = choice


def a_student(browser, hub, name: str, keys: dict, seen: dict) -> None:
    lab_settings(hub, name)
    page = log_in(browser, hub, name)
    seen["pages"][name] = page
    assignments_tab(page)
    seen["released"][name] = page.locator("#released_assignments_list").inner_text()
    for assignment in (ASSIGNMENT, SECOND):
        fetch(page, assignment)
    answer(page, hub, name, keys, seen)
    assignments_tab(page)
    for assignment in (ASSIGNMENT, SECOND):  # the second as fetched: a blank submission
        submit(page, assignment)
    seen["screens"][f"{name}-submitted"] = page.screenshot()
    # another student's server, and the formgrader, as this student
    for what, url in (
        ("other_server", f"{hub.url}/user/hs-ada/lab"),
        ("formgrader", f"{hub.url}/services/{COURSE_ID}/"),
    ):
        if name != "hs-ada":
            probe = page.context.new_page()
            probe.goto(url)
            probe.wait_for_load_state()
            seen["denied_pages"].setdefault(name, {})[what] = (probe.url, probe.locator("body").inner_text()[:400])
            probe.close()


def submissions(hub) -> dict:
    """What reached the exchange: (student, assignment) -> {file name: its text if it is the quiz answers}."""
    found = {}
    for folder in (hub.exchange / COURSE_ID / "inbound").iterdir():
        student, assignment = folder.name.split("+")[:2]
        found[(student, assignment)] = {
            p.name: p.read_text(encoding="utf-8") if p.name == "quiz_answers.json" else None for p in folder.iterdir()
        }
    return found


PROBE = """
import json, os, sys
import psycopg2
out = {}
for name, path in json.loads(sys.argv[1]).items():
    try:
        os.listdir(path) if os.path.isdir(path) else open(path, "rb").read(1)
        out[name] = "read"
    except PermissionError:
        out[name] = "denied"
try:
    psycopg2.connect(host="127.0.0.1", port=int(sys.argv[2]), dbname="hanoi_summit", user="grader", connect_timeout=5)
    out["gradebook"] = "connected"
except psycopg2.OperationalError as exc:
    out["gradebook"] = "refused: " + str(exc).strip().splitlines()[0]
print(json.dumps(out))
"""


def probe_as(hub, name: str, service_pid: int) -> dict:
    """What ``name``'s own account can read of what is not theirs (run as them, as their terminal would)."""
    inbound = hub.exchange / COURSE_ID / "inbound"
    return probe_as_targets(
        hub,
        name,
        {
            "another_home": str(hub.home("hs-ada")),
            "another_notebook": str(hub.home("hs-ada") / COURSE_ID / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"),
            "exchange_inbound": str(inbound),
            "course_source": str(hub.course_dir / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"),
            "course_directory": str(hub.course_dir),
            "hub_settings": str(hub.state / "hub" / "settings.json"),
            "grader_environment": f"/proc/{service_pid}/environ",
        },
    )


def probe_as_targets(hub, name: str, targets: dict) -> dict:
    """Which of ``targets`` (name: path) ``name``'s account can read, and whether it reaches the gradebook."""
    done = subprocess.run(
        [
            trial.RUNUSER,
            "-u",
            name,
            "--",
            HUB_ENV / "bin" / "python",
            "-c",
            PROBE,
            json.dumps(targets),
            str(hub._pg_port),
        ],
        capture_output=True,
        text=True,
        cwd="/",
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def service_pid(hub) -> int:
    found = subprocess.run(["pgrep", "-u", trial.GRADER, "-f", "jupyterhub-singleuser"], capture_output=True, text=True)
    return int(found.stdout.split()[0])


def grade_at_once(hub, seen: dict) -> None:
    """Two instructors start grading at the same moment, one assignment each (the first with two grading workers,
    course.teacher.parallel); a third asks for one of them."""
    env = hub.grader_env()
    command = [trial.RUNUSER, "-u", trial.GRADER, "--", HUB_ENV / "bin" / "course"]
    runs = {
        a: subprocess.Popen(
            [*command, "grade", a, "--jobs", "2" if a == ASSIGNMENT else "1"],
            cwd=hub.course_dir,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for a in (ASSIGNMENT, SECOND)
    }
    lock = hub.course_dir / "work" / "grading" / f"{ASSIGNMENT}.lock"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (lock.exists() and lock.read_text().strip()):
        time.sleep(0.2)
    seen["third"] = hub.as_grader("grade", ASSIGNMENT, check=False)
    # unprivileged, the warm kernels enter user namespaces (course.grading.warm): their templates run meanwhile
    while time.monotonic() < deadline + 60 and not seen.get("templates"):
        found = subprocess.run(["pgrep", "-u", trial.GRADER, "-f", "course.grading.warm"], capture_output=True)
        seen["templates"] = found.stdout.split()
        if all(proc.poll() is not None for proc in runs.values()):
            break
        time.sleep(0.2)
    for assignment, proc in runs.items():
        out, _ = proc.communicate(timeout=600)
        seen["runs"][assignment] = (proc.returncode, out)


def formgrader(browser, hub, seen: dict) -> None:
    """The instructor's view: the formgrader service, Manage Assignments, the assignment's submissions."""
    page = log_in(browser, hub, "hs-teacher")
    seen["pages"]["hs-teacher"] = page
    page.goto(f"{hub.url}/services/{COURSE_ID}/lab")
    page.get_by_role("menuitem", name="Nbgrader", exact=True).click(timeout=90000)
    page.get_by_role("menuitem", name="Formgrader", exact=True).click()
    fg = page.frame_locator("#formgrader iframe")
    fg.locator("#main-table tr", has_text=ASSIGNMENT).locator(".num-submissions a").click(timeout=60000)
    rows = fg.locator("#main-table tr")
    rows.locator(".student-id").first.wait_for(timeout=60000)
    seen["formgrader"] = {
        rows.nth(i).locator(".student-id").inner_text().strip(): rows.nth(i)
        .locator(".student-name")
        .inner_text()
        .strip()
        for i in range(rows.count())
    }
    seen["screens"]["formgrader"] = page.screenshot()


def grader_lab_settings(hub) -> None:
    """The grading account's JupyterLab settings (the formgrader service's): those of every browser test, and its
    terminals in screen-reader mode, so that what they print is text in the page."""
    settings = hub.home(trial.GRADER) / ".jupyter" / "lab" / "user-settings"
    write_lab_settings(settings)
    terminal = settings / "@jupyterlab" / "terminal-extension" / "plugin.jupyterlab-settings"
    terminal.parent.mkdir(parents=True, exist_ok=True)
    terminal.write_text(json.dumps({"screenReaderMode": True}))
    subprocess.run(["chown", "-R", f"{trial.GRADER}:{trial.GRADER}", hub.home(trial.GRADER) / ".jupyter"], check=True)


def teachers_terminal(hub, seen: dict) -> None:
    """The instructor types the banner's commands in a terminal of the formgrader service, as docs/hub.md says,
    and reads what they print (the terminal's screen-reader mode puts its rows in the page as text)."""
    from playwright.sync_api import expect

    page = seen["pages"]["hs-teacher"]
    page.goto(f"{hub.url}/services/{COURSE_ID}/lab")
    page.get_by_role("menuitem", name="File", exact=True).click(timeout=90000)
    page.locator(".lm-Menu-itemLabel", has_text=re.compile("^New$")).first.click()  # its submenu
    page.get_by_role("menuitem", name="Terminal", exact=True).click()
    screen = page.locator(".jp-Terminal .xterm-accessibility-tree").last
    screen.wait_for(state="attached", timeout=60000)
    done = dict(zip(trial.INSTRUCTOR_COMMANDS, ("Status CSV:", "Feedback returned for", "Report:")))
    for command in trial.INSTRUCTOR_COMMANDS:
        page.locator(".jp-Terminal").last.click()
        page.keyboard.type(f"clear; {command}")
        page.keyboard.press("Enter")
        expect(screen).to_contain_text(re.compile(f"{re.escape(done[command])}|not found|Traceback"), timeout=300000)
        seen["terminal"][command] = " ".join(screen.inner_text().split())
    seen["screens"]["teacher-terminal"] = page.screenshot()
    report = hub.course_dir / "work" / "insight" / ASSIGNMENT / "index.html"
    seen["insight"] = report.read_text(encoding="utf-8") if report.exists() else ""


DUE = """
import json, sys
from course.due import due_date
print(json.dumps([str(x) for x in due_date(sys.argv[1], sys.argv[2])]))
"""


def extensions(hub, seen: dict) -> None:
    """The instructor releases the assignment again with a due date and gives hs-ada her own (as the grading
    account, in the formgrader's terminal); each student reads, as their own account, what course.due finds."""
    hub.as_grader("release", ASSIGNMENT, "--due", "2019-03-08 17:00 +07:00")
    seen["extend"] = hub.as_grader("extend", ASSIGNMENT, "hs-ada", "--until", "2019-03-12 17:00 +07:00", check=False)
    outbound = hub.exchange / COURSE_ID / "outbound" / ASSIGNMENT
    own = hub.exchange / COURSE_ID / "due" / ASSIGNMENT
    seen["due_seen"] = {}
    for reader in ("hs-ada", "hs-bo"):
        for whose in ("hs-ada", "hs-bo"):
            done = subprocess.run(
                [trial.RUNUSER, "-u", reader, "--", HUB_ENV / "bin" / "python", "-c", DUE, str(outbound), whose],
                capture_output=True,
                text=True,
                cwd="/",
            )
            seen["due_seen"][(reader, whose)] = json.loads(done.stdout) if done.returncode == 0 else done.stderr
    seen["due_probe"] = probe_as_targets(hub, "hs-bo", {"own_dates": str(own), "ada_date": str(own / "hs-ada.json")})


REQUEST = """
import sys
from pathlib import Path
from course.regrade import _send
print(_send("A.2", "My days_between counts both the first and the last day, as a calendar does.", Path(sys.argv[1])))
"""


def regrades(hub, seen: dict) -> None:
    """hs-bo asks for a regrade of A.2 from her own account; hs-cy cannot see it; the instructor lists and decides
    it in the formgrader's terminal, writes the feedback again and returns it; hs-bo and hs-ada fetch theirs."""
    folder = hub.home("hs-bo") / COURSE_ID / ASSIGNMENT
    done = subprocess.run(
        [trial.RUNUSER, "-u", "hs-bo", "--", HUB_ENV / "bin" / "python", "-c", REQUEST, str(folder)],
        capture_output=True,
        text=True,
        cwd="/",
    )
    seen["request"] = done.stdout + done.stderr
    seen["request_probe"] = probe_as_targets(hub, "hs-cy", {"requests": str(hub.exchange / COURSE_ID / "regrades")})
    seen["regrades_listed"] = hub.as_grader("regrades", ASSIGNMENT, check=False)
    seen["regrade_decided"] = hub.as_grader(
        "regrades",
        "--decide",
        "1",
        "--points",
        "1",
        "--comment",
        "One of the two checks: a day is not counted twice.",
        check=False,
    )
    hub.as_grader("feedback", ASSIGNMENT)
    hub.as_grader("return", ASSIGNMENT)
    for name in ("hs-bo", "hs-ada"):
        fetch_feedback(hub, name, seen, into="feedback_after_regrade")


def fetch_feedback(hub, name: str, seen: dict, into: str = "feedback") -> None:
    page = seen["pages"][name]
    page.goto(f"{hub.url}/user/{name}/lab")
    assignments_tab(page)
    submitted = row(page, "submitted", ASSIGNMENT)
    submitted.get_by_role("button", name="Fetch Feedback").click()
    page.locator("#submitted_assignments_list").get_by_text("(view feedback)").first.wait_for(timeout=60000)
    pages = sorted((hub.home(name) / COURSE_ID / ASSIGNMENT / "feedback").glob("*/*.html"), key=_newest)
    seen.setdefault(into, {})[name] = pages[-1].read_text(encoding="utf-8") if pages else ""
    seen["screens"][f"{name}-{into}"] = page.screenshot()


def _newest(path: Path) -> float:
    return path.stat().st_mtime


@pytest.fixture(scope="module")
def seen():
    from playwright.sync_api import sync_playwright

    if not (HUB_ENV / ".installed").exists():
        pytest.fail("the hub's environment is missing: `make test-hub` builds it (.venv-hub)")
    keys = graded_keys(PROJECT / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    state = Path(tempfile.mkdtemp(prefix="course-hub-test-"))
    seen = {
        key: {} for key in ("pages", "released", "answered", "denied_pages", "probes", "runs", "feedback", "terminal")
    }
    seen.update(screens=Screens(), stopped=None, done=[])
    hub = trial.TrialHub(
        state, HUB_ENV, port=free_port(), students=list(PLAN), assignments=[ASSIGNMENT, SECOND], keep=False
    )
    with hub, sync_playwright() as pw, contextlib.ExitStack() as stack:
        seen["hub"] = hub
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        stack.callback(browser.close)
        step = "students"
        try:
            for name in PLAN:
                a_student(browser, hub, name, keys, seen)
            seen["inbound"] = submissions(hub)
            seen["done"].append(step)
            step = "probes"
            pid = service_pid(hub)
            seen["probes"] = {name: probe_as(hub, name, pid) for name in ("hs-bo", "hs-cy")}
            seen["done"].append(step)
            step = "grading"
            grade_at_once(hub, seen)
            seen["gradebook"] = gradebook_view(hub)
            seen["similarity"] = hub.as_grader("similarity", ASSIGNMENT, check=False)
            seen["similarity_report"] = (hub.course_dir / "work" / "similarity" / ASSIGNMENT / "index.html").exists()
            seen["done"].append(step)
            step = "formgrader"
            grader_lab_settings(hub)
            formgrader(browser, hub, seen)
            seen["done"].append(step)
            step = "terminal"
            teachers_terminal(hub, seen)
            seen["done"].append(step)
            step = "feedback"
            for name in PLAN:
                fetch_feedback(hub, name, seen)
            seen["done"].append(step)
            step = "extensions"
            extensions(hub, seen)
            seen["done"].append(step)
            step = "regrades"
            regrades(hub, seen)
            seen["done"].append(step)
        except Exception as exc:  # each test says whether its step was reached, and if not where and why
            seen["stopped"] = f"{step}: {type(exc).__name__}: {exc}".splitlines()[0]
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            for who, page in seen["pages"].items():
                page.screenshot(path=str(SCREENSHOTS / f"failure-hub-{who}.png"))
        seen["accounts_made"] = list(hub.made_accounts)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for view, png in seen["screens"].items():  # what each person saw, to look at
        (SCREENSHOTS / f"hub-{view}.png").write_bytes(png)
    seen["after_stop"] = {"state": state.exists(), "accounts": [n for n in seen["accounts_made"] if _account(n)]}
    return seen


def _account(name: str) -> bool:
    return subprocess.run(["id", name], capture_output=True).returncode == 0


def gradebook_view(hub) -> dict:
    """Every submission's autograded points per test cell, read from PostgreSQL as the formgrader reads them."""
    from nbgrader.api import Gradebook

    found = {}
    with Gradebook(hub.db_url) as gb:
        for assignment in (ASSIGNMENT, SECOND):
            for sub in gb.assignment_submissions(assignment):
                nb = gb.find_submission_notebook(assignment, assignment, sub.student.id)
                found[(assignment, sub.student.id)] = {g.name: g.auto_score for g in nb.grades}
    return found


def reached(seen, step: str) -> None:
    """Fail at once, with where and why, when the session stopped before ``step`` was done."""
    if step not in seen["done"]:
        pytest.fail(f"the hub session stopped at {seen['stopped']} (screenshots in {SCREENSHOTS})")


# -- the tests ------------------------------------------------------------------------------------------------------
def test_students_log_in_fetch_answer_and_submit_through_the_assignments_tab(seen):
    reached(seen, "students")
    for name in PLAN:
        assert ASSIGNMENT in seen["released"][name] and SECOND in seen["released"][name]
    assert sorted(seen["inbound"]) == sorted((n, a) for n in PLAN for a in (ASSIGNMENT, SECOND))
    for (_, assignment), files in seen["inbound"].items():
        assert {"timestamp.txt", f"{assignment}.ipynb"} <= set(files), (assignment, sorted(files))


def test_quiz_answers_are_submitted_with_the_notebooks(seen):
    reached(seen, "students")
    for name in PLAN:
        saved = json.loads(seen["inbound"][(name, ASSIGNMENT)]["quiz_answers.json"])
        assert json.dumps(seen["answered"][name]) in json.dumps(saved), (name, saved)


def test_a_student_cannot_read_another_students_work_the_instructors_notebooks_or_the_gradebook(seen):
    reached(seen, "probes")
    for name, found in seen["probes"].items():
        assert found.pop("gradebook").startswith("refused: "), name
        assert found == dict.fromkeys(found, "denied"), (name, found)
    for name, pages in seen["denied_pages"].items():
        url, text = pages["other_server"]
        assert f"/user/{name}/" in url or "403" in text, (name, url)  # the hub sends them to their own server
        url, text = pages["formgrader"]
        assert "403" in text and "permission" in text, (name, url, text)


def test_two_grading_runs_at_once_grade_into_one_postgresql_gradebook(seen):
    reached(seen, "grading")
    for code, out in seen["runs"].values():
        assert code == 0, out
        for name in PLAN:
            assert name in out, out
        assert "Warm kernels off" not in out and "Starting this kernel cold" not in out, out
    assert seen["templates"], "the grading account's kernels are forked from warm templates"
    third = seen["third"]
    assert third.returncode == 1 and "is already being graded" in third.stdout + third.stderr, third
    grades = seen["gradebook"]
    assert sorted(grades) == sorted((a, n) for a in (ASSIGNMENT, SECOND) for n in PLAN)
    quiz_cell = graded_keys(PROJECT / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")[QUIZ]["grade_id"]
    for name, (code, quiz_right) in PLAN.items():
        cells = grades[(ASSIGNMENT, name)]
        assert [cells[t] for t in DAYS_TESTS] == ([1, 1] if code == RIGHT else [0, 0]), (name, cells)
        assert (cells[quiz_cell] > 0) == quiz_right, (name, cells[quiz_cell])
        assert not any(cells[c] for c in cells if c not in DAYS_TESTS and c != quiz_cell and c.startswith("test_"))
        assert sum(v or 0 for v in grades[(SECOND, name)].values()) == 0  # submitted blank


def test_the_similarity_report_reads_the_grading_accounts_submissions(seen):
    """`course similarity` as the grading account: every student's submission compared; students who wrote the
    same right answer to the same stub are not worth a look."""
    reached(seen, "grading")
    done = seen["similarity"]
    assert done.returncode == 0, done.stdout + done.stderr
    said = " ".join(done.stdout.split())
    assert f"Compared {len(PLAN)} submissions of {ASSIGNMENT}" in said and "0 pair(s) worth a look" in said, said
    assert seen["similarity_report"]


def test_each_student_reads_their_own_due_date_and_no_one_elses(seen):
    """`course extend` on the hub: hs-ada's own date reaches her account alone; hs-bo reads the class's date, and
    can neither read hs-ada's file nor list whose dates were extended."""
    reached(seen, "extensions")
    assert seen["extend"].returncode == 0 and "cannot see" not in seen["extend"].stdout, seen["extend"].stdout
    due = {k: (datetime.fromisoformat(v[0]), v[1]) for k, v in seen["due_seen"].items()}
    assert due[("hs-ada", "hs-ada")] == (datetime(2019, 3, 12, 10, 0, tzinfo=timezone.utc), "True"), due
    for reader, whose in (("hs-bo", "hs-bo"), ("hs-bo", "hs-ada"), ("hs-ada", "hs-bo")):
        assert due[(reader, whose)] == (datetime(2019, 3, 8, 10, 0, tzinfo=timezone.utc), "False"), (reader, due)
    assert seen["due_probe"]["own_dates"] == "denied" and seen["due_probe"]["ada_date"] == "denied", seen["due_probe"]


def test_a_regrade_request_from_a_students_account_is_answered_to_that_student_only(seen):
    reached(seen, "regrades")
    assert "Sent: your request for a regrade of A.2" in seen["request"], seen["request"]
    assert seen["request_probe"]["requests"] == "denied", seen["request_probe"]  # hs-cy cannot list them
    listed = " ".join(seen["regrades_listed"].stdout.split())
    assert seen["regrades_listed"].returncode == 0 and "hs-bo" in listed and "A.2" in listed, listed
    assert "0 -> 1 of 2 points" in " ".join(seen["regrade_decided"].stdout.split()), seen["regrade_decided"].stdout
    after = seen["feedback_after_regrade"]
    assert "Your regrade requests" in after["hs-bo"] and "a day is not counted twice" in after["hs-bo"]
    assert "regrade" not in after["hs-ada"].lower() and after["hs-ada"]


def test_the_instructor_sees_every_submission_in_the_formgrader_service(seen):
    reached(seen, "formgrader")
    assert sorted(seen["formgrader"]) == sorted(PLAN), seen["formgrader"]
    for name, shown in seen["formgrader"].items():  # named from the class list the trial hub imported
        first, last = trial.NAMES[name]
        assert shown == f"{last}, {first}", (name, shown)


def test_the_instructor_grades_and_returns_in_the_formgraders_terminal_with_the_banners_commands(seen):
    """docs/hub.md and `make hub`'s banner say to type these in the formgrader's terminal: they must work there."""
    reached(seen, "terminal")
    graded, returned, insight = (seen["terminal"][command] for command in trial.INSTRUCTOR_COMMANDS)
    assert "not found" not in graded and "Traceback" not in graded, graded
    assert "Status CSV:" in graded and ASSIGNMENT in graded, graded
    assert "Feedback returned for" in returned, returned
    # the item analysis, read from the PostgreSQL gradebook and the grading account's work folder
    assert f"Item analysis of {ASSIGNMENT}: {len(PLAN)} graded students" in insight, insight
    assert "Report:" in insight and "Traceback" not in insight, insight
    assert all(f">{q}<" in seen["insight"] for q in ("A.1", "A.2", "C.2", "D.1")), seen["insight"][:500]


def test_each_student_fetches_their_own_feedback_in_the_assignments_tab(seen):
    reached(seen, "feedback")
    for name, (code, _) in PLAN.items():
        page = text_of(seen["feedback"][name])
        total = sum(v or 0 for v in seen["gradebook"][(ASSIGNMENT, name)].values())
        assert f"(Score: {total:.1f} / " in page, name  # their own score, not anyone else's
        assert (".days+1" in page.replace(" ", "")) == (code == OFF_BY_ONE), name  # their own answer
        assert "BEGIN HIDDEN TESTS" not in page and "quiz_graded" not in page, name


def text_of(page: str) -> str:
    """The words of an HTML page, as read (the feedback's code is split into highlighted pieces)."""
    page = re.sub(r"<(style|script)\b.*?</\1>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def test_stopping_the_hub_removes_its_accounts_and_its_folder(seen):
    assert seen["accounts_made"] == [*trial.INSTRUCTORS, *PLAN, trial.GRADER] or not seen["accounts_made"]
    assert seen["after_stop"] == {"state": False, "accounts": []}


def test_the_hub_and_the_course_agree_on_the_course_id():
    assert trial.COURSE_ID == COURSE_ID
    users = (PROJECT / "deploy" / "hub" / "users" / "nbgrader_config.py").read_text()
    assert f'course_id = "{COURSE_ID}"' in users
