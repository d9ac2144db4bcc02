"""How many students one machine's hub serves at once: a load test of the course's real JupyterHub.

Each step of a ladder (10, 20, 30, 40 students by default) starts the trial hub of `make hub` afresh on loopback
(deploy/hub/trial.py: system accounts `ld-001`..., PostgreSQL gradebook, exchange, summit_outcome released), then
every simulated student at once, each in a thread, does over HTTP what their browser does:

* log in through the hub's login form (its `_xsrf` field and cookie) and start their server (`/hub/spawn`, then
  the progress stream, then JupyterLab's page through the hub's OAuth);
* fetch summit_outcome in the Assignments tab (nbgrader's `courses`, `assignments` and `assignments/fetch`);
* open the notebook and start its kernel (the contents and sessions APIs, then `kernel_info` on the kernel's
  websocket); type the instructor's answers into the answer cells and save (untimed);
* answer the five quiz questions as the widget's save does (`normalise`, then `record_answer` in the kernel);
* Run All, as a student does before submitting: every code cell sent at once on the shell channel, each done at
  its `execute_reply` and idle status; every cell must succeed (the last, Check my work, runs the saved notebook
  in a second kernel);
* save the notebook with its outputs (contents API) and submit it (`assignments/submit`).

It measures each action's wall time (median and 95th percentile per step), each student's memory (the RSS of every
process of their account: server, kernel, Check my work's kernel, summed; the peak and at the end) and processor
time (utime + stime of those processes and their reaped children), the hub's own (JupyterHub and its proxy), the
machine's memory in use and its load. The ladder stops at the first step where a student fails or the step's
deadline passes, and says what failed first. It prints a table and writes bench/hub_load.json.

Run as root, when nothing else is timing the machine: `make load` (about 10 minutes on 2 cores);
`python bench/hub_load.py --students 3` for a single step. docs/hundreds-of-students.md has the results.
"""

import argparse
import contextlib
import datetime
import json
import math
import os
import pwd
import re
import signal
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import nbformat
import requests
import websocket

CLONE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(CLONE))
sys.path.insert(0, str(CLONE / "deploy" / "hub"))
import trial  # noqa: E402

from course.grading.keys import graded_keys  # noqa: E402
from course.quiz import find_question  # noqa: E402
from course.quiz.marking import key_answer  # noqa: E402
from course.teacher.sample import solutions  # noqa: E402

ASSIGNMENT = "summit_outcome"
NOTEBOOK = f"{trial.COURSE_ID}/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"  # where nbgrader fetches it, in the student's home
ACTIONS = ("login", "spawn", "fetch", "kernel", "answers", "run_all", "save", "submit")
BUSY, RUNNING = Path("/tmp/machine-busy"), Path("/tmp/hub-load-running")
HUB_ENV = Path(os.environ.get("HUB_ENV", CLONE / ".venv-hub"))
OUT = CLONE / "bench" / "hub_load.json"
TIMEOUT = 300  # seconds for one request: a spawn may wait its 120 s start timeout, and more on a loaded machine
TICK, PAGE = os.sysconf("SC_CLK_TCK"), os.sysconf("SC_PAGE_SIZE")
SOURCE = CLONE / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
KEYS = graded_keys(SOURCE)
#: The quiz as the simulated students answer it (right), and the code the widget's save runs in their kernel.
QUIZ = {ref.split("/")[1]: key_answer(find_question(*ref.split("/")), k["key"]) for ref, k in KEYS.items()}
SAVE_ANSWERS = f"""
from course.quiz import find_question
from course.quiz.marking import normalise
from course.quiz.record import record_answer
for _qid, _answer in {QUIZ!r}.items():
    _q = find_question({ASSIGNMENT!r}, _qid)
    record_answer({ASSIGNMENT!r}, _qid, normalise(_q, _answer))
"""


def say(text: str) -> None:
    print(text, flush=True)


# -- what the machine holds: /proc --------------------------------------------------------------------------------
def processes() -> list:
    """Every process as (pid, parent, uid, rss bytes, cpu seconds with its reaped children)."""
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            uid = entry.stat().st_uid
            fields = Path(entry.path, "stat").read_text().rpartition(")")[2].split()
        except OSError:  # gone meanwhile
            continue
        cpu = sum(int(f) for f in fields[11:15]) / TICK  # utime, stime, cutime, cstime
        found.append((int(entry.name), int(fields[1]), uid, int(fields[21]) * PAGE, cpu))
    return found


def uid_cpu(uid: int) -> float:
    return sum(p[4] for p in processes() if p[2] == uid)


def memory_used() -> int:
    """The machine's memory in use (MemTotal - MemAvailable), bytes."""
    info = dict(line.split(":", 1) for line in Path("/proc/meminfo").read_text().splitlines())
    return (int(info["MemTotal"].split()[0]) - int(info["MemAvailable"].split()[0])) * 1024


def descendants(root: int, table: list) -> set:
    children, found, todo = {}, {root}, [root]
    for pid, parent, *_ in table:
        children.setdefault(parent, []).append(pid)
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


class Sampler(threading.Thread):
    """Every two seconds: each student account's RSS (summed), the machine's memory in use, the load."""

    def __init__(self, uids: dict):
        super().__init__(daemon=True)
        self.uids, self.peak_rss, self.peak_used, self.peak_load = uids, {}, 0, 0.0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(2):
            self.sample()

    def sample(self) -> dict:
        rss = dict.fromkeys(self.uids.values(), 0)
        for _, _, uid, size, _ in processes():
            if uid in rss:
                rss[uid] += size
        for uid, size in rss.items():
            self.peak_rss[uid] = max(self.peak_rss.get(uid, 0), size)
        self.peak_used = max(self.peak_used, memory_used())
        self.peak_load = max(self.peak_load, os.getloadavg()[0])
        return rss


# -- one simulated student -------------------------------------------------------------------------------------------
class Kernel:
    """A kernel's websocket, as JupyterLab speaks to it (the JSON form of the Jupyter messaging protocol)."""

    def __init__(self, url: str, cookies: str, user: str):
        self.session, self.user = uuid.uuid4().hex, user
        self.ws = websocket.create_connection(f"{url}?session_id={self.session}", cookie=cookies, timeout=TIMEOUT)

    def send(self, msg_type: str, content: dict) -> str:
        msg_id = uuid.uuid4().hex
        header = {"msg_id": msg_id, "msg_type": msg_type, "username": self.user, "session": self.session}
        header.update(date=datetime.datetime.now(datetime.timezone.utc).isoformat(), version="5.3")
        message = {"header": header, "parent_header": {}, "metadata": {}, "content": content, "channel": "shell"}
        self.ws.send(json.dumps(message))
        return msg_id

    def wait(self, msg_ids: list, limit: float) -> dict:
        """Each request's reply content and outputs, once it has replied and its iopub status is idle."""
        done = {m: {"reply": None, "idle": False, "outputs": []} for m in msg_ids}
        deadline = time.monotonic() + limit
        while not all(d["reply"] is not None and d["idle"] for d in done.values()):
            self.ws.settimeout(max(0.1, deadline - time.monotonic()))
            if time.monotonic() > deadline:
                raise TimeoutError(f"the kernel did not answer within {limit:.0f} s")
            raw = self.ws.recv()
            if isinstance(raw, bytes):
                continue  # a message with binary buffers (a widget's): nothing waited for
            msg = json.loads(raw)
            mine = done.get(msg["parent_header"].get("msg_id"))
            kind = msg["header"]["msg_type"]
            if mine is None:
                continue
            if msg["channel"] == "shell":
                mine["reply"] = msg["content"]
            elif kind == "status" and msg["content"]["execution_state"] == "idle":
                mine["idle"] = True
            elif kind in ("stream", "display_data", "execute_result", "error"):
                msg["content"].pop("transient", None)
                mine["outputs"].append(nbformat.v4.output_from_msg(msg))
        return done

    def close(self) -> None:
        self.ws.close()


class Student:
    """One student's session: a browser's cookies, their account, each action's seconds and processor seconds."""

    def __init__(self, hub, name: str, answers: dict):
        self.hub, self.name, self.answers = hub, name, answers
        self.uid = pwd.getpwnam(name).pw_uid
        self.http = requests.Session()
        self.user_url = f"{hub.url}/user/{name}"
        self.seconds, self.cpu, self.at, self.error, self.cells, self.last_cell = {}, {}, None, None, {}, ""

    @contextlib.contextmanager
    def action(self, name: str):
        self.at, cpu, start = name, uid_cpu(self.uid), time.perf_counter()
        yield
        self.seconds[name] = time.perf_counter() - start
        self.cpu[name] = uid_cpu(self.uid) - cpu

    def xsrf(self, path: str) -> str:
        """The `_xsrf` cookie the hub (path /hub/) or the user's server (/user/NAME/) set, as JupyterLab sends it."""
        return next(c.value for c in self.http.cookies if c.name == "_xsrf" and c.path.rstrip("/") == path)

    def call(self, method: str, url: str, **kw) -> requests.Response:
        """A request of the page's scripts to the user's server: with the server's _xsrf token, as JupyterLab."""
        headers = {"X-XSRFToken": self.xsrf(f"/user/{self.name}")}
        done = self.http.request(method, f"{self.user_url}/{url}", headers=headers, timeout=TIMEOUT, **kw)
        done.raise_for_status()
        return done

    def run(self) -> None:
        try:
            self.steps()
        except Exception as exc:  # recorded with the action it stopped at; the step reports the first
            self.error = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
            self.failed_at = time.monotonic()

    def steps(self) -> None:
        hub, course = self.hub.url, trial.COURSE_ID
        with self.action("login"):
            page = self.http.get(f"{hub}/hub/login", timeout=TIMEOUT)
            field = re.search(r'name="_xsrf" value="([^"]+)"', page.text).group(1)
            form = {"username": self.name, "password": self.hub.passwords[self.name], "_xsrf": field}
            done = self.http.post(f"{hub}/hub/login?next=%2Fhub%2F", data=form, allow_redirects=False, timeout=TIMEOUT)
            if done.status_code != 302 or "jupyterhub-session-id" not in self.http.cookies:
                raise RuntimeError(f"login refused ({done.status_code})")
        with self.action("spawn"):  # the hub's spawn page, its progress stream, then JupyterLab's page
            page = self.http.get(f"{hub}/hub/spawn", timeout=TIMEOUT)
            if "/spawn-pending/" in page.url:
                progress = f"{hub}/hub/api/users/{self.name}/server/progress"
                xsrf = {"_xsrf": self.xsrf("/hub")}
                with self.http.get(progress, params=xsrf, stream=True, timeout=TIMEOUT) as stream:
                    for line in stream.iter_lines(decode_unicode=True):
                        event = json.loads(line[5:]) if line.startswith("data:") else {}
                        if event.get("failed"):
                            raise RuntimeError(f"spawn failed: {event.get('message')}")
                        if event.get("ready"):
                            break
            page = self.http.get(f"{self.user_url}/lab", timeout=TIMEOUT)
            if page.status_code != 200 or not page.url.startswith(f"{self.user_url}/lab"):
                raise RuntimeError(f"JupyterLab's page did not open ({page.status_code} at {page.url})")
            self.call("GET", "api/kernelspecs")
        with self.action("fetch"):  # the Assignments tab: its course list, its assignments, Fetch
            self.call("GET", "courses")
            self.call("GET", "assignments", params={"course_id": course})
            listed = self.call("POST", "assignments/fetch", json={"course_id": course, "assignment_id": ASSIGNMENT})
            if not any(a["assignment_id"] == ASSIGNMENT and a["status"] == "fetched" for a in listed.json()["value"]):
                raise RuntimeError("the assignment was not fetched (see the server's log)")
        with self.action("kernel"):  # open the notebook: its contents, a session, the kernel's websocket ready
            opened = self.call("GET", f"api/contents/{NOTEBOOK}", params={"content": 1}).json()
            nb = nbformat.from_dict(opened["content"])
            body = {"path": NOTEBOOK, "name": Path(NOTEBOOK).name, "type": "notebook", "kernel": {"name": "python3"}}
            session = self.call("POST", "api/sessions", json=body).json()
            cookies = "; ".join(f"{c.name}={c.value}" for c in self.http.cookies if c.path.startswith("/user/"))
            ws_url = self.user_url.replace("http", "ws", 1) + f"/api/kernels/{session['kernel']['id']}/channels"
            kernel = Kernel(ws_url, cookies, self.name)
            kernel.wait([kernel.send("kernel_info_request", {})], TIMEOUT)
        try:
            for cell in nb.cells:  # the student types the answers (the instructor's) and saves, untimed
                grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
                if cell.cell_type == "code" and grade_id in self.answers:
                    cell.source = self.answers[grade_id]
            self.save(nb)
            with self.action("answers"):
                reply = kernel.wait([kernel.send("execute_request", execute(SAVE_ANSWERS, silent=True))], TIMEOUT)
                if next(iter(reply.values()))["reply"]["status"] != "ok":
                    raise RuntimeError("saving the quiz answers failed in the kernel")
            record = self.call("GET", f"api/contents/{trial.COURSE_ID}/{ASSIGNMENT}/quiz_answers.json").json()
            if len(json.loads(record["content"])["answers"]) != len(QUIZ):
                raise RuntimeError("quiz_answers.json does not hold every answer")
            with self.action("run_all"):
                self.run_all(kernel, nb)
            with self.action("save"):
                self.save(nb)
        finally:
            kernel.close()
        with self.action("submit"):
            done = self.call("POST", "assignments/submit", json={"course_id": course, "assignment_id": ASSIGNMENT})
            if not done.json().get("success"):
                raise RuntimeError(f"submit failed: {str(done.json().get('value'))[-200:]}")
        self.at = None

    def run_all(self, kernel: Kernel, nb) -> None:
        """JupyterLab's Run All: every code cell sent at once; a cell tagged raises-exception does not stop it."""
        cells = [c for c in nb.cells if c.cell_type == "code"]
        go_on = ["raises-exception" in c.metadata.get("tags", []) for c in cells]
        ids = [kernel.send("execute_request", execute(c.source, stop_on_error=not g)) for c, g in zip(cells, go_on)]
        results = kernel.wait(ids, TIMEOUT)
        for cell, msg_id in zip(cells, ids):
            reply = results[msg_id]["reply"]
            cell.outputs, cell.execution_count = results[msg_id]["outputs"], reply.get("execution_count")
        said = [o.get("text", "") for o in cells[-1].outputs if o.output_type == "stream"]
        self.last_cell = " ".join("".join(said).split())[:300]  # Check my work's summary, as the student reads it
        statuses = [results[m]["reply"]["status"] for m in ids]
        self.cells = {s: statuses.count(s) for s in set(statuses)}
        if self.cells.get("ok") != len(cells):  # every answer is the instructor's: any error is the machine's
            failing = next(c for c, m in zip(cells, ids) if results[m]["reply"]["status"] != "ok")
            raise RuntimeError(f"Run All: {self.cells} cells; first not ok: {failing.source.splitlines()[0][:80]!r}")

    def save(self, nb) -> None:
        body = {"type": "notebook", "format": "json", "content": nb}
        self.call("PUT", f"api/contents/{NOTEBOOK}", data=json.dumps(body))


def execute(code: str, silent: bool = False, stop_on_error: bool = True) -> dict:
    return {
        "code": code,
        "silent": silent,
        "store_history": not silent,
        "user_expressions": {},
        "allow_stdin": False,
        "stop_on_error": stop_on_error,
    }


# -- one step of the ladder ------------------------------------------------------------------------------------------
def percentile(values: list, share: float) -> float:
    """The nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def spread(values: list) -> dict:
    return {"median": round(statistics.median(values), 2), "p95": round(percentile(values, 0.95), 2)} if values else {}


def one_step(students: int, deadline: float) -> dict:
    """A fresh hub with ``students`` accounts, all of them at once; what each action took, what the machine held."""
    names = [f"ld-{i:03d}" for i in range(1, students + 1)]
    answers = solutions(SOURCE)
    baseline = memory_used()
    state = Path(tempfile.mkdtemp(prefix="course-hub-load-"))
    hub = trial.TrialHub(
        state, HUB_ENV, port=trial.free_port(), instructors=["ld-teacher"], students=names,
        assignments=[ASSIGNMENT], keep=False,
    )  # fmt: skip
    started = time.monotonic()
    with hub:
        say(f"  hub started in {time.monotonic() - started:.0f} s; {students} students at once ...")
        table = processes()
        hub_pids = {p[0] for p in table if p[2] == 0} & descendants(hub.processes[0].pid, table)
        hub_cpu0 = sum(p[4] for p in table if p[0] in hub_pids)
        crowd = [Student(hub, name, answers) for name in names]
        sampler = Sampler({s.name: s.uid for s in crowd})
        sampler.start()
        threads = [threading.Thread(target=s.run, daemon=True) for s in crowd]
        begun = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(max(0.0, begun + deadline - time.monotonic()))
        wall = time.monotonic() - begun
        late = [s for s, t in zip(crowd, threads) if t.is_alive()]
        end_rss = sampler.sample()  # every server and kernel still running: what each student holds at rest
        sampler.done.set()
        table = processes()
        # read before the hub stops: stopping it would fail the students still at work when the deadline passed
        failed = sorted((s for s in crowd if s.error), key=lambda s: s.failed_at)
        first = f"{failed[0].name} at {failed[0].at}: {failed[0].error}" if failed else None
        if late and not first:
            first = f"deadline ({deadline:.0f} s): {len(late)} students still at {sorted({s.at for s in late})}"
        mib = 2**20
        result = {
            "students": students,
            "completed": sum(1 for s in crowd if not s.error and s.at is None),
            "failed": [{"student": s.name, "action": s.at, "error": s.error} for s in failed],
            "first_failure": first,
            "wall_seconds": round(wall, 1),
            "seconds": {a: spread([s.seconds[a] for s in crowd if a in s.seconds]) for a in ACTIONS},
            "cpu_seconds": {a: spread([s.cpu[a] for s in crowd if a in s.cpu]) for a in ACTIONS},
            "per_student": {
                "rss_peak_mib": spread([v / mib for v in sampler.peak_rss.values()]),
                "rss_end_mib": spread([v / mib for v in end_rss.values()]),
                "cpu_seconds": spread([sum(p[4] for p in table if p[2] == uid) for uid in end_rss]),
                "max_rss_peak_mib": round(max(sampler.peak_rss.values(), default=0) / mib),
            },
            "hub": {
                "rss_mib": round(sum(p[3] for p in table if p[0] in hub_pids) / mib),
                "cpu_seconds": round(sum(p[4] for p in table if p[0] in hub_pids) - hub_cpu0, 1),
                "formgrader_rss_mib": round(
                    sum(p[3] for p in table if p[2] == pwd.getpwnam(trial.GRADER).pw_uid) / mib
                ),
            },
            "machine": {
                "baseline_used_gib": round(baseline / 2**30, 2),
                "peak_used_gib": round(sampler.peak_used / 2**30, 2),
                "peak_used_per_student_mib": round((sampler.peak_used - baseline) / mib / students),
                "peak_load_1min": round(sampler.peak_load, 2),
            },
            "run_all_cells": next((s.cells for s in crowd if s.cells), {}),
            "check_my_work_said": next((s.last_cell for s in crowd if s.last_cell), ""),
            "submissions_in_exchange": len(
                list((hub.exchange / trial.COURSE_ID / "inbound").glob(f"*+{ASSIGNMENT}+*"))
            ),
        }
        say(f"  done in {wall:.0f} s; stopping the hub ...")
    return result


def table(steps: list) -> str:
    """The measured figures: one column per step."""

    def pair(d: dict, form: str = "{}") -> str:
        return f"{form.format(d['median'])} / {form.format(d['p95'])}" if d else "-"

    rows = [[f"{a} (median / p95 s)"] + [pair(s["seconds"][a]) for s in steps] for a in ACTIONS]
    per = {
        "memory per student, peak (median / p95 MiB)": lambda s: pair(s["per_student"]["rss_peak_mib"], "{:.0f}"),
        "memory per student at the end (median / p95 MiB)": lambda s: pair(s["per_student"]["rss_end_mib"], "{:.0f}"),
        "CPU per student, all actions (median / p95 s)": lambda s: pair(s["per_student"]["cpu_seconds"]),
        "CPU per student in Run All (median / p95 s)": lambda s: pair(s["cpu_seconds"]["run_all"]),
        "hub and proxy (MiB; CPU s)": lambda s: f"{s['hub']['rss_mib']}; {s['hub']['cpu_seconds']}",
        "machine memory used, peak (GiB)": lambda s: f"{s['machine']['peak_used_gib']}",
        "peak load (1 min)": lambda s: f"{s['machine']['peak_load_1min']}",
        "wall time of the step (s)": lambda s: f"{s['wall_seconds']}",
        "completed": lambda s: f"{s['completed']}/{s['students']}",
    }
    rows += [[label] + [fmt(s) for s in steps] for label, fmt in per.items()]
    head = ["students"] + [str(s["students"]) for s in steps]
    widths = [max(len(r[i]) for r in [head] + rows) for i in range(len(head))]
    cells = [[c.ljust(w) for c, w in zip(r, widths)] for r in [head, ["-" * w for w in widths]] + rows]
    return "\n".join("| " + " | ".join(r) + " |" for r in cells)


def wait_for_machine() -> None:
    """Another engineer's benchmarks and tests set /tmp/machine-busy; a hub of theirs runs as the grading account."""
    while BUSY.exists() or any(p[2] == _uid(trial.GRADER) for p in processes()):
        say(f"waiting: {BUSY} exists or another trial hub is running ...")
        time.sleep(30)


def _uid(name: str) -> int:
    try:
        return pwd.getpwnam(name).pw_uid
    except KeyError:
        return -1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, help="a single step of this many students")
    parser.add_argument("--steps", default="10,20,30,40", help="the ladder (default: 10,20,30,40)")
    parser.add_argument("--deadline", type=float, default=600, help="seconds per step (default: 600)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    if os.geteuid() != 0:
        say("The load test makes system accounts and starts the hub: run it as root.")
        return 1
    if not (HUB_ENV / ".installed").exists():
        say(f"The users' environment {HUB_ENV} is missing: `make load` builds it.")
        return 1
    ladder = [args.students] if args.students else [int(n) for n in args.steps.split(",")]
    wait_for_machine()
    RUNNING.touch()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that the hub stops and its accounts go
    steps, first = [], None
    try:
        for n in ladder:
            say(f"Step: {n} students (deadline {args.deadline:.0f} s) ...")
            try:
                step = one_step(n, args.deadline)
            except trial.HubFailed as exc:
                first = f"{n} students: the hub did not start: {exc}"
                say(first)
                break
            steps.append(step)
            say(table([step]))
            if step["first_failure"]:
                first = f"{n} students: {step['first_failure']}"
                say(f"Stopped the ladder. First failure: {first}")
                break
    finally:
        RUNNING.unlink(missing_ok=True)
    result = {
        "date": datetime.date.today().isoformat(),
        "cores": os.cpu_count(),
        "memory_gib": round(os.sysconf("SC_PHYS_PAGES") * PAGE / 2**30, 1),
        "assignment": ASSIGNMENT,
        "deadline_seconds": args.deadline,
        "ladder": ladder,
        "first_failure": first,
        "steps": steps,
    }
    args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    say(f"\n{table(steps)}\n\nFirst failure: {first or 'none'}. Written to {args.out}.")
    return 0 if not first else 2


if __name__ == "__main__":
    sys.exit(main())
