"""The course installed as a normal package (a wheel, not this clone) serves a course directory anywhere, found
as nbgrader finds its nbgrader_config.py: the working directory or a folder above it, --course, or $COURSE_DIR.
Its students' kernels import the same installed package (docs/hub.md, "One package, any course directory")."""

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from course.paths import PROJECT
from course.teacher.classroom import Classroom
from course.teacher.sample import load_recipes, solutions, submit_as

ASSIGNMENT = "summit_outcome"


def tracked(folder: str) -> list[str]:
    out = subprocess.run(["git", "ls-files", folder], cwd=PROJECT, capture_output=True, text=True, check=True)
    return out.stdout.split()


@pytest.fixture(scope="module")
def environment(tmp_path_factory) -> Path:
    """A fresh environment holding the course from its wheel. Its dependencies are the clone's .venv's,
    reached by one .pth line (nothing downloads), which leaves out .venv's editable install of this clone; their
    data files by JUPYTER_PATH (python())."""
    base = tmp_path_factory.mktemp("installed")
    tree = base / "tree"  # build from a copy: pip builds in the tree, and the clone stays clean
    for name in tracked("course") + ["pyproject.toml"]:
        (tree / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(PROJECT / name, tree / name)
    pip = [sys.executable, "-m", "pip", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", base / "wheels", tree], check=True)
    env = base / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", env], check=True)
    site = Path(sysconfig.get_path("purelib", vars={"base": env, "platbase": env}))
    (site / "dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    wheel = next((base / "wheels").glob("*.whl"))
    subprocess.run([*pip, "install", "--no-deps", "--no-index", "--target", site, wheel], check=True)
    return env


def python(env: Path, *args, cwd: Path, **extra) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "COURSE_DIR")}
    # The dependencies' data files (nbconvert's templates, the kernel spec) sit under .venv's prefix.
    environ.update(JUPYTER_PATH=str(Path(sys.prefix) / "share" / "jupyter"), **extra)
    return subprocess.run([env / "bin" / "python", *args], cwd=cwd, env=environ, capture_output=True, text=True)


def test_the_wheel_carries_every_file_of_the_package(environment):
    """Data a notebook reads (datasets, quiz bank, widget) and the grader's templates are package data: one
    forgotten in pyproject.toml would only show on a hub."""
    where = python(environment, "-c", "import course; print(course.__file__)", cwd=environment)
    installed = Path(where.stdout.strip()).parent
    assert installed.is_relative_to(environment) and not installed.is_relative_to(PROJECT)
    missing = [name for name in tracked("course") if not (installed.parent / name).is_file()]
    assert not missing


def test_an_installed_course_grades_a_course_directory_it_is_run_in(environment, tmp_path):
    """A course directory with no course/ package in it, graded from a folder inside it by the installed
    package, in the sandbox, its kernels importing the installed package."""
    term = tmp_path / "term"
    for part in ("source", "release"):
        shutil.copytree(PROJECT / part, term / part)
    shutil.copy2(PROJECT / "nbgrader_config.py", term)
    for step in (["generate", ASSIGNMENT], ["release", ASSIGNMENT]):
        done = python(environment, "-m", "course", *step, cwd=term)
        assert done.returncode == 0, done.stdout + done.stderr
    room = Classroom(term)  # the students' side: fetch, answer, submit through the exchange
    assert room.work == term / "work"
    recipe = load_recipes(ASSIGNMENT, PROJECT / "sample_class")["full_marks"]
    submit_as(room, ASSIGNMENT, "ada", recipe, solutions(term / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"))

    kernel = python(environment, "-c", "import course, sys; print(course.__file__, sys.executable)", cwd=term)
    module, interpreter = kernel.stdout.split()
    assert Path(module).is_relative_to(environment), kernel.stderr  # what the students' kernels import
    graded = python(environment, "-m", "course", "grade", ASSIGNMENT, "--jobs", "1", cwd=term / "source")
    assert graded.returncode == 0, graded.stdout + graded.stderr
    assert "ada" in graded.stdout and "graded" in graded.stdout
    assert (term / "work" / "feedback" / "ada" / ASSIGNMENT / f"{ASSIGNMENT}.html").is_file()
    with room.gradebook() as gb:
        grades = gb.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, "ada").grades
        auto = [g for g in grades if g.auto_score is not None]  # the written answers wait for the teacher
        assert len(auto) > 5 and all(g.auto_score == g.max_score for g in auto)  # the installed checks ran


def test_a_course_directory_is_found_as_nbgrader_finds_its_config(environment, tmp_path):
    """The working directory or one above it; --course; $COURSE_DIR; and a clear message when there is none."""
    term = tmp_path / "term"
    (term / "source" / ASSIGNMENT).mkdir(parents=True)
    shutil.copy2(PROJECT / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", term / "source" / ASSIGNMENT)
    shutil.copy2(PROJECT / "nbgrader_config.py", term)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    unknown = ["-m", "course", "grade", "no_such_assignment"]  # fails fast, naming the course it looked in

    for found in (
        python(environment, *unknown, cwd=term / "source" / ASSIGNMENT),
        python(environment, "-m", "course", "--course", term, "grade", "no_such_assignment", cwd=elsewhere),
        python(environment, "-m", "course", "grade", "no_such_assignment", "--course", term, cwd=elsewhere),
        python(environment, *unknown, cwd=elsewhere, COURSE_DIR=str(term)),
    ):
        assert f"in {term / 'source'}" in found.stderr and "This course has: summit_outcome" in found.stderr

    lost = python(environment, *unknown, cwd=elsewhere)
    assert lost.returncode == 2 and "is not in a course directory" in lost.stderr and "--course DIR" in lost.stderr
    wrong = python(environment, *unknown, cwd=term, COURSE_DIR=str(elsewhere))
    assert "$COURSE_DIR names" in wrong.stderr and "no source/ folder" in wrong.stderr


def test_the_sandbox_mounts_back_package_folders_an_environment_borrows(tmp_path, monkeypatch):
    """An environment whose .pth file adds another's site-packages (as the one above) must find them in the
    sandbox, wherever they are (under /tmp the sandbox has a private, empty /tmp); other folders on sys.path, such
    as the grader's working folder, are not mounted back."""
    from course.grading.sandbox import runtime_paths

    borrowed, working = tmp_path / "lib" / "site-packages", tmp_path / "course-dir"
    borrowed.mkdir(parents=True)
    working.mkdir()
    monkeypatch.setattr(sys, "path", [str(working), *sys.path, str(borrowed)])
    found = runtime_paths()
    assert borrowed.resolve() in found and working.resolve() not in found
