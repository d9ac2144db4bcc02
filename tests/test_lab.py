"""Does `make lab`'s JupyterLab load nbgrader's extensions with this course's configuration?"""

import json
import urllib.request

import pytest

from course.grading.config import write_config_file
from course.paths import ASSIGNMENTS, OVERVIEW
from course.teacher.classroom import Classroom
from tests.conftest import start_lab


def get(url: str):
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.status, r.read().decode()


@pytest.fixture
def lab(course_root):
    room = Classroom(course_root, course_root / "work")
    for name in [OVERVIEW] + ASSIGNMENTS:
        room.generate(name)
    write_config_file(course_root, course_root / "work")
    proc, base, token = start_lab(course_root, course_root / "lab-settings")
    try:
        yield base, token
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_lab_serves_the_formgrader_with_the_course_assignments(lab):
    base, token = lab
    status, body = get(f"{base}/formgrader/api/assignments?token={token}")
    assert status == 200
    assert sorted(a["name"] for a in json.loads(body)) == sorted([OVERVIEW] + ASSIGNMENTS)


def test_lab_loads_nbgrader_and_widget_extensions(lab):
    base, token = lab
    status, page = get(f"{base}/lab?token={token}")
    assert status == 200
    for extension in ("@jupyter/nbgrader", "@jupyter-widgets/jupyterlab-manager"):
        assert extension in page, f"{extension} is not loaded by JupyterLab"


def test_lab_fetches_no_news_and_checks_for_no_update_as_on_the_hub(lab):
    """`make lab` showed JupyterLab's news toast: the hub's overrides.json was not used outside the hub. `make
    lab-settings` (run by `make lab` and `make test`) puts it where the environment's JupyterLab reads it."""
    import sys
    from pathlib import Path

    from course.paths import PROJECT

    installed = Path(sys.prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    assert installed.is_file(), "run `make lab-settings` (make lab and make test do)"
    assert json.loads(installed.read_text()) == json.loads((PROJECT / "deploy" / "hub" / "overrides.json").read_text())
    base, token = lab
    status, body = get(f"{base}/lab/api/settings/@jupyterlab/apputils-extension:notification?token={token}")
    assert status == 200
    settings = json.loads(body)["settings"]
    assert settings["fetchNews"] == "false" and settings["checkForUpdates"] is False, settings
