"""Shared fixtures: course directories are built in temporary folders, never in the project."""
import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from course.paths import ASSIGNMENTS, PROJECT

QUIZ_KEY = re.compile(r'check\("quiz_choice",\s*"(?P<ref>[\w/]+)",\s*key="(?P<key>\w+)"\)')


def source_notebook(assignment: str) -> Path:
    return PROJECT / "source" / assignment / f"{assignment}.ipynb"


def release_notebook(assignment: str) -> Path:
    return PROJECT / "release" / assignment / f"{assignment}.ipynb"


def quiz_keys(notebook: Path) -> dict:
    """{"quiz/question": key} from the hidden tests of a source notebook (the keys' only home)."""
    nb = nbformat.read(notebook, as_version=4)
    return {m["ref"]: m["key"] for cell in nb.cells for m in QUIZ_KEY.finditer(cell.source)}


def copy_course(dest: Path) -> Path:
    """A course root with the project's source/, release/ and sample_class/."""
    for part in ("source", "release", "sample_class"):
        shutil.copytree(PROJECT / part, dest / part)
    return dest


@pytest.fixture(params=ASSIGNMENTS)
def assignment(request):
    return request.param


@pytest.fixture
def course_root(tmp_path):
    return copy_course(tmp_path / "course")


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory):
    """The demo, run once for the session on a copy of the course: the real nbgrader cycle."""
    from course.demo import run_demo
    root = copy_course(tmp_path_factory.mktemp("demo"))
    result = run_demo(root, root / "work")
    result["root"] = root
    return result


def write_json(path: Path, data) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path
