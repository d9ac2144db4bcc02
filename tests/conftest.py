"""Shared fixtures: course directories are built in temporary folders, never in the project."""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from course.paths import ASSIGNMENTS, PROJECT

#: The slow tiers (docs: CONTRIBUTING.md, "Tests"). `make test-fast` runs everything else, without kernels.
#: A whole file whose tests grade a class in the sandbox, drive a browser, or start kernels.
TIER_OF_FILE = {
    "test_browser.py": "browser",
    "test_lab.py": "browser",
    "test_formgrader.py": "browser",
    "test_pipeline.py": "sandbox",
    "test_tampering.py": "sandbox",
    "test_malformed.py": "sandbox",
    "test_sandbox.py": "sandbox",
    "test_resume.py": "sandbox",
    "test_intake.py": "sandbox",
    "test_grading_machine.py": "sandbox",
    "test_own_assignment.py": "sandbox",
    "test_recipes.py": "sandbox",
    "test_term.py": "sandbox",
    "test_student_view.py": "kernel",
    "test_installed.py": "sandbox",
    "test_warm.py": "sandbox",
    "test_hub.py": "hub",  # not in make test: make test-hub, which CI runs after it
}
#: Single tests elsewhere that start a kernel (nbgrader's Validator, generate_assignment, a real IPython kernel).
KERNEL_TESTS = (
    "test_release_is_what_generate_assignment_makes",
    "test_no_test_passes_on_the_untouched_release",
    "test_the_instructor_solution_runs_clean",
    "test_the_student_version_runs_to_the_end",
    "test_generate_refuses_a_stray",
    "test_generate_keeps_the_student_version",
    "inside_a_real_kernel",
    "test_every_honest_test_cell_passes_when_decided_outside",
    "test_typed_keys_earn_nothing_and_computed_answers_everything_when_graded",
)


#: The files that share one graded class (tests/corpus.py): they go to one worker, which grades it once.
CORPUS_FILES = ("test_sandbox.py", "test_tampering.py", "test_malformed.py", "test_intake.py")


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist, absent under -p no:xdist
def pytest_xdist_make_scheduler(config, log):
    """`make test` sends each test file whole to a worker (--dist loadfile), and the corpus files together.
    (pytest-xdist's own grouping by mark, --dist loadgroup, does not group on pytest 9.2.)"""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class CourseScheduling(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            file = super()._split_scope(nodeid)
            return "tests/corpus" if Path(file).name in CORPUS_FILES else file

    return CourseScheduling(config, log)


def pytest_collection_modifyitems(config, items):
    for item in items:
        tier = TIER_OF_FILE.get(item.path.name)
        if tier is None and any(name in item.name for name in KERNEL_TESTS):
            tier = "kernel"
        if tier:
            item.add_marker(getattr(pytest.mark, tier))
            if tier in ("browser", "sandbox", "hub"):
                item.add_marker(pytest.mark.kernel)  # they all start kernels too


def source_notebook(assignment: str) -> Path:
    return PROJECT / "source" / assignment / f"{assignment}.ipynb"


def release_notebook(assignment: str) -> Path:
    return PROJECT / "release" / assignment / f"{assignment}.ipynb"


def quiz_keys(notebook: Path) -> dict:
    """{"quiz/question": key} from the hidden tests of a source notebook (the keys' only home)."""
    from course.grading.keys import graded_keys

    return {ref: spec["key"] for ref, spec in graded_keys(notebook).items()}


def right_answer(key):
    """The answer a student gives to earn a key's full points (a numeric key holds a value and a margin)."""
    return key["value"] if isinstance(key, dict) and set(key) == {"value", "tolerance"} else key


def copy_course(dest: Path) -> Path:
    """A course root with the project's source/, release/ and sample_class/."""
    for part in ("source", "release", "sample_class"):
        shutil.copytree(PROJECT / part, dest / part)
    return dest


def released_course(base: Path, assignment: str, timeout: int, sandbox: bool = True):
    """A course copy under ``base`` with ``assignment`` generated and released, graded with a short cell
    time limit (the corpus tests grade many submissions in one run); returns (root, classroom)."""
    from course.teacher.classroom import Classroom

    root = copy_course(base / "course")
    room = Classroom(root, root / "work", sandbox=sandbox)
    room.config.Execute.timeout = timeout
    room.generate(assignment)
    room.release(assignment)
    return root, room


@pytest.fixture(params=ASSIGNMENTS)
def assignment(request):
    return request.param


@pytest.fixture
def course_root(tmp_path):
    return copy_course(tmp_path / "course")


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory):
    """The demo, run once for the session on a copy of the course: the real nbgrader cycle."""
    from course.teacher.demo import run_demo

    root = copy_course(tmp_path_factory.mktemp("demo"))
    said = []
    result = run_demo(root, root / "work", say=said.append, jobs=2)  # graded in parallel (course.teacher.parallel)
    result["root"], result["said"] = root, said
    return result


@pytest.fixture(scope="session")
def corpus(tmp_path_factory):
    """The class of every hostile, tampered, malformed and taken-in submission, graded once (tests/corpus.py)."""
    from tests.corpus import grade_corpus

    return grade_corpus(tmp_path_factory.mktemp("corpus"))


def _dataset_fixture(name: str):
    @pytest.fixture(scope="session", name=name)
    def loaded():
        from course import load

        return load(name)

    return loaded


# One session fixture per data set, named after it (`resolutions`, `caps`, `hosting_costs`, ...).
from course.data import DATASETS  # noqa: E402

for _name in DATASETS:
    globals()[f"dataset_{_name}"] = _dataset_fixture(_name)


def fails(match: str, check_name: str, answer, /, **expected) -> None:
    """Assert that a check rejects an answer with advice matching ``match``."""
    from course import CheckFailed, check

    with pytest.raises(CheckFailed, match=match):
        check(check_name, answer, **expected)


@pytest.fixture(autouse=True)
def close_figures():
    """Plots made by one test must not leak into the next one's checks."""
    yield
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_lab_settings(settings: Path) -> None:
    """JupyterLab user settings for the browser tests: no news pop-ups, and every cell drawn (JupyterLab 4 leaves
    far-off cells undrawn, which a test cannot then scroll to)."""
    user_settings = {
        "apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
        "notebook-extension/tracker": {"windowingMode": "none"},
    }
    for name, values in user_settings.items():
        path = settings / "@jupyterlab" / f"{name}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))


def start_lab(root: Path, settings: Path, app: str = "lab") -> tuple:
    """JupyterLab (or, with ``app="notebook"``, Notebook 7) on ``root``, without news pop-ups;
    returns (process, base URL, token)."""
    write_lab_settings(settings)
    port, token = free_port(), "browser-test"
    env = dict(os.environ, JUPYTERLAB_SETTINGS_DIR=str(settings), JUPYTERLAB_WORKSPACES_DIR=str(settings / "ws"))
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "jupyter"),
            app,
            "--allow-root",
            "--no-browser",
            f"--port={port}",
            "--ip=127.0.0.1",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={root}",
        ],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=5)
            return proc, base, token
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise RuntimeError(f"jupyter {app} did not start within 60 s")


def write_json(path: Path, data) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path
