"""Does `make lab`'s JupyterLab load nbgrader's extensions with this course's configuration?"""
import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from course.classroom import Classroom
from course.config import write_config_file
from course.paths import ASSIGNMENTS, OVERVIEW

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str):
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.status, r.read().decode()


@pytest.fixture
def lab(course_root):
    room = Classroom(course_root, course_root / "work")
    for name in [OVERVIEW] + ASSIGNMENTS:
        room.generate(name)
    write_config_file(course_root, course_root / "work")
    port, token = free_port(), "course-test"
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "jupyter"), "lab", "--allow-root", "--no-browser", f"--port={port}",
         "--ip=127.0.0.1", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={course_root}"],
        cwd=course_root, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            get(f"{base}/api/status?token={token}")
            break
        except OSError:
            if proc.poll() is not None:
                pytest.fail(f"jupyter lab exited: {proc.stderr.read()[-2000:]}")
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("jupyter lab did not answer within 60 s")
    yield base, token
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
