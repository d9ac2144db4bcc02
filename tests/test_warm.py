"""Warm kernels (course.grading.warm): a kernel forked from a template enters its own sandbox and sees exactly
what a cold one sees, carries nothing of another student's kernel, and any failure of the warm path starts the
kernel cold with the student's grade unchanged. See docs/performance.md, "Warm kernels"."""

import asyncio
import json
import os
import signal
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from course.grading import warm
from course.grading.report import KERNEL_DIED
from course.grading.sandbox import GuardedExecute, SandboxKernelManager

#: What a kernel can learn about its sandbox: who it is, what it may do, what it sees.
PROBE = r"""
import json, os, resource, socket, sys
status = dict(line.split(":\t", 1) for line in open("/proc/self/status").read().splitlines() if ":\t" in line)
def listing(path):
    try:
        return sorted(os.listdir(path))
    except OSError as exc:
        return type(exc).__name__
def writable(path):
    try:
        open(os.path.join(path, ".probe"), "w").close()
        os.remove(os.path.join(path, ".probe"))
        return True
    except OSError:
        return False
others = {}
for pid in os.listdir("/proc"):
    if pid.isdigit() and int(pid) != os.getpid():
        others[pid] = open(f"/proc/{pid}/cmdline", "rb").read().split(b"\0")[0].decode()
print(json.dumps({
    "ids": [os.getuid(), os.geteuid(), os.getgid(), os.getegid(), sorted(os.getgroups())],
    "capabilities": [status[k].strip() for k in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb")],
    "no_new_privs": status["NoNewPrivs"].strip(),
    "limits": {n: resource.getrlimit(getattr(resource, n)) for n in ("RLIMIT_AS", "RLIMIT_CPU", "RLIMIT_NPROC",
               "RLIMIT_FSIZE", "RLIMIT_CORE")},
    "own_session": os.getsid(0) != GRADER_SESSION,
    "terminal": os.isatty(0) or os.isatty(1) or os.isatty(2),
    "host": socket.gethostname(),
    "network": [name for _, name in socket.if_nameindex()],
    "cwd_is_folder": os.getcwd() == FOLDER,
    "folder_writable": writable("."),
    "tmp": [name.split("-")[0] for name in listing("/tmp")],  # private folders have random names
    "tmp_writable": writable("/tmp"),
    "hidden": {p: listing(p) for p in ("/root", "/home", HIDDEN)},
    "env": sorted(k for k in os.environ if not k.startswith("JPY_")),
    "path": [p for p in sys.path if p != os.getcwd()],
    "path_starts_with_folder": sys.path[0] == os.getcwd(),
    "grading_modules": sorted(m for m in sys.modules if m.startswith(("course.grading", "nbgrader", "jsonschema"))),
    "other_processes": sorted(set(others.values())),
}))
"""


async def _run(folder: Path, hidden: Path, code: list, warm_kernels: bool) -> tuple:
    """Start a sandboxed kernel in ``folder``, run each piece of ``code``; (whether it started warm, the outputs)."""
    km = SandboxKernelManager(kernel_name="python3", hidden=[str(hidden)], warm_kernels=warm_kernels)
    await km.start_kernel(cwd=str(folder))
    kc = km.client()
    kc.start_channels()
    try:
        await kc.wait_for_ready(timeout=60)
        said = []
        for piece in code:
            out = []
            given = (str(folder.resolve()), str(hidden), os.getsid(0))
            piece = f"FOLDER, HIDDEN, GRADER_SESSION = {given!r}\n{piece}"
            await kc.execute_interactive(piece, timeout=60, output_hook=out.append)
            errors = [f"{m['content']['ename']}: {m['content']['evalue']}" for m in out if m["msg_type"] == "error"]
            assert not errors, errors
            said.append("".join(m["content"].get("text", "") for m in out if m["msg_type"] == "stream"))
        return km.started_warm, said
    finally:
        kc.stop_channels()
        await km.shutdown_kernel(now=True)


def run_kernel(folder: Path, hidden: Path, *code: str, warm_kernels: bool = True) -> tuple:
    folder.mkdir(parents=True, exist_ok=True)
    hidden.mkdir(parents=True, exist_ok=True)
    (hidden / "answers.txt").write_text("the hidden tests")
    return asyncio.run(_run(folder, hidden, list(code), warm_kernels))


@pytest.fixture
def course_like(tmp_path):
    """A student's folder and a folder the sandbox must hide, in a place every account may enter."""
    tmp_path.chmod(0o755)
    return tmp_path


def test_a_warm_kernel_is_in_the_same_sandbox_as_a_cold_one(course_like):
    cold, [cold_said] = run_kernel(course_like / "cold", course_like / "secret", PROBE, warm_kernels=False)
    started, [warm_said] = run_kernel(course_like / "warm", course_like / "secret", PROBE)
    assert (cold, started) == (False, True)
    seen_cold, seen_warm = json.loads(cold_said), json.loads(warm_said)
    # the one difference: the holder (course.grading.warm) waits inside the sandbox, started by bwrap
    cold_processes, warm_processes = seen_cold.pop("other_processes"), seen_warm.pop("other_processes")
    assert set(seen_warm["env"]) ^ set(seen_cold["env"]) == set()
    assert seen_warm == seen_cold
    assert set(warm_processes) - set(cold_processes) <= {sys.executable}, (
        "nothing from outside the sandbox (the template, the grader) is visible"
    )
    assert seen_warm["capabilities"] == ["0000000000000000"] * 5 and seen_warm["no_new_privs"] == "1"
    assert seen_warm["network"] == ["lo"] and seen_warm["hidden"][str(course_like / "secret")] == []
    assert seen_warm["grading_modules"] == [] and seen_warm["folder_writable"] and seen_warm["own_session"]


def test_each_warm_kernel_is_fresh_with_nothing_of_the_one_before(course_like):
    first = (
        "import course, os, random, pandas\n"
        "course.left_behind = 'ada'\n"
        "pandas.set_option('display.max_rows', 3)\n"
        "os.environ['LEFT_BEHIND'] = 'ada'\n"
        "open('/tmp/left_behind', 'w').write('ada')\n"
        "print(random.random(), os.getpid())"
    )
    second = (
        "import course, os, random, pandas, sys\n"
        "print(hasattr(course, 'left_behind'), pandas.get_option('display.max_rows'), 'LEFT_BEHIND' in os.environ,\n"
        "      os.path.exists('/tmp/left_behind'), os.listdir('.'), 'pandas' in sys.modules)\n"
        "print(random.random(), os.getpid())"
    )
    started_a, [said_a] = run_kernel(course_like / "ada", course_like / "secret", first)
    template = warm._template.process.pid
    started_b, [said_b] = run_kernel(course_like / "bo", course_like / "secret", second)
    assert started_a and started_b and warm._template.process.pid == template, "both forked from one template"
    state, randoms = said_b.splitlines()
    assert state == "False 60 False False [] True"
    assert randoms.split()[0] != said_a.split()[0], "each kernel's random numbers are its own"


def tiny_notebook(path: Path, code: str) -> nbformat.NotebookNode:
    nb = new_notebook(cells=[new_code_cell(code)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path.mkdir(parents=True, exist_ok=True)
    return nb


def execute(folder: Path, code: str) -> tuple:
    """Run a one-cell notebook as autograde does (GuardedExecute, sandboxed): (its output, the kernel was warm)."""
    nb = tiny_notebook(folder, code)
    step = GuardedExecute(sandbox=True, timeout=60, start_retry_wait=0.1)
    nb, _ = step.preprocess(nb, {"metadata": {"path": str(folder)}})
    return "".join(o.get("text", o.get("evalue", "")) for o in nb.cells[0].outputs), step.started_warm


def test_a_warm_path_that_fails_starts_the_kernel_cold_and_grades_the_same(course_like, monkeypatch, caplog):
    """The holder dies at once (as when the template cannot enter the namespaces): the kernel is started
    again, cold, and runs the code; later kernels of this process start cold."""
    monkeypatch.setattr(warm, "_broken", None)
    monkeypatch.setattr(warm, "HOLDER", f"import os; os._exit({warm.WARM_FAILED})")
    said, was_warm = execute(course_like / "ada", "print(6 * 7)")
    assert (said.strip(), was_warm) == ("42", False)
    assert warm.unusable() and KERNEL_DIED not in said
    assert any("trying again" in r.getMessage() for r in caplog.records)
    said, was_warm = execute(course_like / "bo", "print(6 * 7)")
    assert (said.strip(), was_warm) == ("42", False)


def test_a_template_that_died_is_started_again(course_like, monkeypatch):
    monkeypatch.setattr(warm, "_broken", None)
    said, was_warm = execute(course_like / "ada", "print('ada')")
    assert (said.strip(), was_warm) == ("ada", True)
    old = warm._template.process
    os.kill(old.pid, signal.SIGKILL)
    old.wait(10)
    said, was_warm = execute(course_like / "bo", "print('bo')")
    assert (said.strip(), was_warm) == ("bo", True)
    assert warm._template.process.pid != old.pid and not warm.unusable()


def test_a_student_who_kills_the_holder_stops_only_their_own_kernel(course_like):
    """The holder is the one process of the warm path the student's code can see (pid 2 of the sandbox)."""
    nb = tiny_notebook(course_like / "ada", "")
    nb.cells = [
        new_code_cell("print('before')"),
        new_code_cell("import os, signal, time\nos.kill(2, signal.SIGKILL)\ntime.sleep(10)"),
        new_code_cell("print('after')"),
    ]
    step = GuardedExecute(sandbox=True, timeout=60)
    nb, _ = step.preprocess(nb, {"metadata": {"path": str(course_like / "ada")}})
    first, killer, last = ([o.get("text", o.get("evalue", "")) for o in c.outputs] for c in nb.cells)
    assert step.started_warm and first == ["before\n"]
    assert "the kernel was killed" in killer[-1] and last[0].startswith("not run: the kernel was killed")
    said, was_warm = execute(course_like / "bo", "print('bo')")
    assert (said.strip(), was_warm) == ("bo", True), "the next student's kernel is warm as before"
