"""Are the lock file, pyproject.toml and environment.yml in step?"""

import re

import tomllib

from course.paths import PROJECT


def lock_versions() -> dict:
    pins = {}
    for line in (PROJECT / "requirements.lock").read_text().splitlines():
        m = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s;]+)", line)
        if m:
            pins[m.group(1).lower().replace("_", "-")] = m.group(2)
    return pins


def test_environment_yml_names_the_locked_versions():
    lock = lock_versions()
    text = (PROJECT / "environment.yml").read_text()
    named = dict(re.findall(r"^\s*-\s*([a-z0-9_\-]+)=([0-9][^\s]*)\s*$", text, re.MULTILINE))
    named.pop("python", None)
    assert {"nbgrader", "jupyterlab", "notebook", "ipywidgets", "pandas"} <= set(named)
    mismatched = {pkg: (ver, lock.get(pkg)) for pkg, ver in named.items() if lock.get(pkg) != ver}
    assert not mismatched, f"environment.yml and requirements.lock disagree (yml, lock): {mismatched}"


def test_pyproject_pins_match_the_lock():
    lock = lock_versions()
    project = tomllib.loads((PROJECT / "pyproject.toml").read_text())["project"]
    deps = project["dependencies"] + project["optional-dependencies"]["test"] + project["optional-dependencies"]["hub"]
    pins = dict(d.lower().split("==") for d in deps)
    assert {k: v for k, v in pins.items() if lock.get(k) != v} == {}


def test_nbgrader_is_new_enough_for_jupyterlab_4():
    major, minor, patch = (int(x) for x in lock_versions()["nbgrader"].split("."))
    assert (major, minor, patch) >= (0, 9, 6)
    assert lock_versions()["jupyterlab"].startswith("4.")
    assert lock_versions()["ipywidgets"].startswith("8.")
    assert lock_versions()["notebook"].startswith("7.")
