"""The route to hundreds of students on Kubernetes (docs/hundreds-of-students.md), checked as far as a machine
without a cluster allows: the Helm values and the manifests parse; the grading Job runs the `course grade` this
package defines, with the resources and privileges its sandbox needs; the names (course id, service, groups,
exchange path, environment variables, volumes, secrets) agree with the course code, nbgrader and each other; the
image installs the lock and then the package, not editable, and never the instructors' notebooks; the page's links
lead to files that exist. No kernel, no network, no cluster."""

import ast
import json
import re
import shlex
from pathlib import Path

import yaml
from jupyter_core.paths import jupyter_path
from traitlets.config.loader import PyFileConfigLoader
from traitlets.utils.importstring import import_item

from course.grading.config import COURSE_ID
from course.grading.sandbox import DEFAULT_LIMITS, SANDBOX_ENV
from course.paths import COURSE_ENV, PROJECT, graded_assignments

DEPLOY = PROJECT / "deploy" / "kubernetes"
PAGE = PROJECT / "docs" / "hundreds-of-students.md"
CHART_VERSION = "4.4.0"  # the jupyterhub chart the values were validated against; its hub runs JupyterHub 5.5.0
EXCHANGE_ENV, DB_ENV = "COURSE_EXCHANGE", "COURSE_DB_URL"  # the single-machine hub's names (docs/hub.md)
EXCHANGE = "/srv/nbgrader/exchange"  # the exchange's path there, and here in every pod


def values() -> dict:
    return yaml.safe_load((DEPLOY / "values.yaml").read_text(encoding="utf-8"))


def objects(name: str) -> dict:
    """The Kubernetes objects of a manifest file, by kind and name."""
    docs = list(yaml.safe_load_all((DEPLOY / name).read_text(encoding="utf-8")))
    return {(d["kind"], d["metadata"]["name"]): d for d in docs if d}


def container(obj: dict) -> dict:
    (only,) = obj["spec"]["template"]["spec"]["containers"]
    return only


def env(c: dict) -> dict:
    """A container's environment: literal values, and (secret, key) for values from a Secret."""
    found = {}
    for e in c.get("env", []):
        ref = e.get("valueFrom", {}).get("secretKeyRef")
        found[e["name"]] = (ref["name"], ref["key"]) if ref else e.get("value")
    return found


def mounts(obj: dict) -> dict:
    """Mount path -> the claim (or config map) behind it, for a Deployment's or Job's pod."""
    spec = obj["spec"]["template"]["spec"]
    sources = {}
    for v in spec.get("volumes", []):
        claim = v.get("persistentVolumeClaim", {}).get("claimName")
        sources[v["name"]] = claim or v.get("configMap", {}).get("name")
    return {m["mountPath"]: sources[m["name"]] for m in container(obj).get("volumeMounts", [])}


def job() -> dict:
    return objects("grading-job.yaml")[("Job", "hanoi-summit-grade")]


def formgrader() -> dict:
    return objects("course.yaml")[("Deployment", "hanoi-summit-formgrader")]


def grade_command() -> list[str]:
    """The `course grade ...` line of the Job's script, as the shell splits it."""
    args = container(job())["args"]
    assert args[:2] == ["/bin/sh", "-c"], args
    (line,) = [ln for ln in args[2].splitlines() if ln.strip().startswith("course ")]
    return shlex.split(line)


def subcommand_arguments(name: str) -> set[str]:
    """What `course NAME` accepts, read from course/teacher/cli.py (running it would grade)."""
    tree = ast.parse((PROJECT / "course" / "teacher" / "cli.py").read_text(encoding="utf-8"))
    holders = {
        node.targets[0].id
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        and isinstance(node.value, ast.Call)
        and getattr(node.value.func, "attr", "") == "add_parser"
        and node.value.args
        and getattr(node.value.args[0], "value", None) == name
    }
    assert len(holders) == 1, f"course/teacher/cli.py defines no single `{name}` command"
    return {
        a.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "attr", "") == "add_argument"
        and getattr(node.func.value, "id", None) in holders
        for a in node.args
        if isinstance(a, ast.Constant)
    }


def quantity(text) -> float:
    """A Kubernetes quantity (4, "500m", "11Gi", "2G") as a plain number."""
    units = {"m": 1e-3, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "K": 1e3, "M": 1e6, "G": 1e9}
    m = re.fullmatch(r"([0-9.]+)([A-Za-z]*)", str(text))
    return float(m.group(1)) * units.get(m.group(2), 1)


def test_the_files_parse():
    v = values()
    assert {"hub", "singleuser", "cull"} <= set(v)
    assert f"--version {CHART_VERSION}" in (DEPLOY / "values.yaml").read_text(encoding="utf-8")
    for name in ("course.yaml", "grading-job.yaml"):
        for (kind, obj_name), obj in objects(name).items():
            assert obj["apiVersion"] and kind and obj_name.startswith("hanoi-summit"), (name, kind, obj_name)


def test_the_job_runs_course_grade_as_the_package_defines_it():
    command = grade_command()
    assert command[:3] == ["course", "grade", "$ASSIGNMENT"]
    flags = dict(zip(command[3::2], command[4::2]))
    assert set(flags) <= subcommand_arguments("grade") and {"assignment", "--jobs"} <= subcommand_arguments("grade")
    assert 'course = "course.teacher.cli:main"' in (PROJECT / "pyproject.toml").read_text(encoding="utf-8")
    c = container(job())
    assert env(c)["ASSIGNMENT"] in graded_assignments(PROJECT)
    # The sandbox stays on: nothing turns it off.
    assert SANDBOX_ENV not in env(c) and "--no-sandbox" not in command
    # Each worker's kernel may use the sandbox's memory cap and its /tmp (in memory): the pod holds them all.
    jobs = int(flags["--jobs"])
    for side in ("requests", "limits"):
        assert quantity(c["resources"][side]["cpu"]) == jobs
        memory = quantity(c["resources"][side]["memory"])
        assert memory >= jobs * (DEFAULT_LIMITS["memory"] + DEFAULT_LIMITS["tmp_size"])


def test_the_job_has_what_the_sandbox_needs_and_no_more():
    """Root with these capabilities graded a class in the sandbox here (docs/hundreds-of-students.md)."""
    pod = job()["spec"]["template"]["spec"]
    assert pod["restartPolicy"] == "Never" and pod["automountServiceAccountToken"] is False
    security = container(job())["securityContext"]
    assert security["runAsUser"] == 0 and security["privileged"] is False
    assert security["capabilities"]["drop"] == ["ALL"]
    added = set(security["capabilities"]["add"])
    assert {"SYS_ADMIN", "NET_ADMIN", "SETUID", "SETGID", "SETPCAP", "KILL"} <= added
    assert added <= {"SYS_ADMIN", "NET_ADMIN", "SETUID", "SETGID", "SETPCAP", "CHOWN", "DAC_OVERRIDE", "FOWNER", "KILL"}
    policy = objects("course.yaml")[("NetworkPolicy", "hanoi-summit-grading")]
    assert (
        policy["spec"]["podSelector"]["matchLabels"].items() <= job()["spec"]["template"]["metadata"]["labels"].items()
    )
    assert policy["spec"]["ingress"] == [] and "Egress" in policy["spec"]["policyTypes"]


def test_the_names_agree_with_the_course_code():
    v = values()
    hub = v["hub"]
    assert COURSE_ID == "hanoi-summit"
    # nbgrader finds a course's formgrader by a service named after the course.
    assert list(hub["services"]) == [COURSE_ID]
    groups = hub["config"]["JupyterHub"]["load_groups"]
    assert {"instructors", "students", f"formgrade-{COURSE_ID}", f"nbgrader-{COURSE_ID}"} == set(groups)
    for role in hub["loadRoles"].values():
        assert set(role.get("groups", [])) <= set(groups) and set(role.get("services", [])) <= {COURSE_ID}
    scopes = {s for role in hub["loadRoles"].values() for s in role["scopes"]}
    assert f"access:services!service={COURSE_ID}" in scopes and f"groups!group=nbgrader-{COURSE_ID}" in scopes

    # The formgrader's pod speaks for the registered service, with the token the chart keeps in its "hub" Secret.
    assert v["fullnameOverride"] == ""
    deployment = formgrader()
    e = env(container(deployment))
    assert e["JUPYTERHUB_SERVICE_NAME"] == COURSE_ID
    assert e["JUPYTERHUB_API_TOKEN"] == ("hub", f"hub.services.{COURSE_ID}.apiToken")
    assert e["JUPYTERHUB_SERVICE_PREFIX"] == f"/services/{COURSE_ID}/"
    assert e["JUPYTERHUB_CLIENT_ID"] == f"service-{COURSE_ID}"
    assert e["JUPYTERHUB_USER"] == f"grader-{COURSE_ID}"
    service = objects("course.yaml")[("Service", "hanoi-summit-formgrader")]
    (port,) = service["spec"]["ports"]
    assert hub["services"][COURSE_ID]["url"] == f"http://{service['metadata']['name']}:{port['port']}"
    pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= pod_labels.items()
    assert pod_labels["hub.jupyter.org/network-access-hub"] == "true"  # through the hub's network policy
    (proxy_rule,) = v["proxy"]["chp"]["networkPolicy"]["egress"]
    assert proxy_rule["to"][0]["podSelector"]["matchLabels"].items() <= pod_labels.items()

    # Grading and the formgrader serve the same course directory, named as the `course` commands look for it.
    assert COURSE_ENV == "COURSE_DIR"
    for c in (container(deployment), container(job())):
        assert env(c)[COURSE_ENV] == c["workingDir"] == "/srv/course/hanoi-summit"


def test_one_exchange_everywhere():
    """At the course's path for it (COURSE_EXCHANGE's default on one machine), named explicitly: nbgrader 0.9's
    own default is elsewhere (/usr/local/share/nbgrader/exchange)."""
    default = EXCHANGE
    (claim,) = [name for kind, name in objects("course.yaml") if kind == "PersistentVolumeClaim" and "exchange" in name]
    assert objects("course.yaml")[("PersistentVolumeClaim", claim)]["spec"]["accessModes"] == ["ReadWriteMany"]

    storage = values()["singleuser"]["storage"]
    (volume,) = [v for v in storage["extraVolumes"].values() if v["persistentVolumeClaim"]["claimName"] == claim]
    (mount,) = [m for m in storage["extraVolumeMounts"].values() if m["name"] == volume["name"]]
    assert mount["mountPath"] == values()["singleuser"]["extraEnv"][EXCHANGE_ENV] == default
    for obj in (formgrader(), job()):
        assert mounts(obj)[default] == claim and env(container(obj))[EXCHANGE_ENV] == default
    # ... and one gradebook.
    assert env(container(formgrader()))[DB_ENV] == env(container(job()))[DB_ENV] == ("hanoi-summit-gradebook", "url")
    assert mounts(formgrader())["/srv/course"] == mounts(job())["/srv/course"] == "hanoi-summit-course"


def test_the_exchange_and_gradebook_variables_are_the_single_machine_hubs():
    """The cluster passes the exchange and the gradebook as deploy/hub/ does: the same variables, read by the
    students' settings and the course directory's settings, and the same exchange path by default."""
    hub = PROJECT / "deploy" / "hub"
    students = (hub / "users" / "nbgrader_config.py").read_text(encoding="utf-8")
    assert f'os.environ.get("{EXCHANGE_ENV}", "{EXCHANGE}")' in students
    course_settings = (hub / "trial.py").read_text(encoding="utf-8")
    service = (hub / "jupyterhub_config.py").read_text(encoding="utf-8")
    for name in (EXCHANGE_ENV, DB_ENV):
        assert f'os.environ["{name}"]' in course_settings and f'"{name}":' in service


def load_config(tmp_path: Path, text: str):
    (tmp_path / "nbgrader_config.py").write_text(text, encoding="utf-8")
    return PyFileConfigLoader("nbgrader_config.py", str(tmp_path)).load_config()


def test_students_nbgrader_settings_name_the_course_and_the_exchange(tmp_path, monkeypatch):
    files = values()["singleuser"]["extraFiles"]
    config_path = values()["singleuser"]["extraEnv"]["JUPYTER_CONFIG_PATH"]
    # Every students' file sits where JUPYTER_CONFIG_PATH makes Jupyter read it first.
    for f in files.values():
        assert f["mountPath"].startswith(config_path + "/")
    (nbgrader_file,) = [f for f in files.values() if f["mountPath"] == f"{config_path}/nbgrader_config.py"]
    monkeypatch.delenv(EXCHANGE_ENV, raising=False)
    c = load_config(tmp_path, nbgrader_file["stringData"])
    assert c.CourseDirectory.course_id == COURSE_ID
    assert c.Exchange.root == EXCHANGE and c.Exchange.path_includes_course is True
    plugin = import_item(c.Authenticator.plugin_class)
    assert plugin is import_item("nbgrader.auth.JupyterHubAuthPlugin")
    monkeypatch.setenv(EXCHANGE_ENV, "/elsewhere")
    assert load_config(tmp_path, nbgrader_file["stringData"]).Exchange.root == "/elsewhere"

    # The formgrader reads its own file the same way, with the same plugin (it adds students to the hub group).
    deployment = formgrader()
    config_map = objects("course.yaml")[("ConfigMap", "hanoi-summit-formgrader")]
    assert mounts(deployment)[f"{config_path}/nbgrader_config.py"] == config_map["metadata"]["name"]
    assert env(container(deployment))["JUPYTER_CONFIG_PATH"] == config_path
    mine = load_config(tmp_path, config_map["data"]["nbgrader_config.py"])
    assert import_item(mine.Authenticator.plugin_class) is plugin


def test_students_lose_the_instructors_extensions_only():
    files = {Path(f["mountPath"]).name: f for f in values()["singleuser"]["extraFiles"].values()}
    disabled = {k for k, off in files["page_config.json"]["data"]["disabledExtensions"].items() if off}
    assert disabled == {f"@jupyter/nbgrader:{p}" for p in ("formgrader", "create-assignment", "course-list")}
    # They are the installed extension's own plugin ids; the Assignments tab and Validate stay.
    installed = next(Path(p) / "@jupyter" / "nbgrader" for p in jupyter_path("labextensions") if Path(p).is_dir())
    built = "".join(p.read_text(encoding="utf-8", errors="replace") for p in (installed / "static").glob("*.js"))
    for plugin in disabled | {"@jupyter/nbgrader:assignment-list", "@jupyter/nbgrader:validate-assignment"}:
        assert f'"{plugin}"' in built, plugin

    server = files["jupyter_server_config.json"]["data"]
    switched = server["ServerApp"]["jpserver_extensions"]
    assert switched == {"nbgrader.server_extensions.formgrader": False, "nbgrader.server_extensions.course_list": False}
    for module in switched:
        import_item(module)
    assert server["MappingKernelManager"]["cull_idle_timeout"] > 0


def dockerfile_runs() -> list[str]:
    text = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    text = re.sub(r"\\\n", " ", text)
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]


def test_the_image_installs_the_lock_then_the_package_not_editable():
    lines = dockerfile_runs()
    pip = [i for i, ln in enumerate(lines) if ln.startswith("RUN") and "pip install" in ln]
    lock_step = [i for i in pip if re.search(r"(--requirement|-r)\s+\S*requirements\.lock", lines[i])]
    package_step = [i for i in pip if "--no-deps" in lines[i] and "requirements.lock" not in lines[i]]
    assert len(lock_step) == 1 and len(package_step) == 1 and lock_step[0] < package_step[0]
    for i in pip:
        assert not re.search(r"\s(-e|--editable)\b", lines[i]), lines[i]
    assert "--no-build-isolation" in lines[package_step[0]]  # setuptools from the lock, as `make` builds it

    copied = {shlex.split(ln)[1] for ln in lines if ln.startswith("COPY")}
    assert copied == {"requirements.lock", "pyproject.toml", "course"}
    apt = " ".join(ln for ln in lines if "apt-get install" in ln)
    assert "bubblewrap" in apt and "chromium" not in apt
    ignore = [ln for ln in (DEPLOY / "Dockerfile.dockerignore").read_text().splitlines() if ln and ln[0] != "#"]
    assert ignore[0] == "*" and {ln[1:] for ln in ignore if ln.startswith("!")} == copied

    # The image's user is the one the hub runs and the grading Job hands files back to.
    singleuser = values()["singleuser"]
    (user,) = [ln.split()[1] for ln in lines if ln.startswith("USER")]
    assert int(user) == singleuser["uid"] == formgrader()["spec"]["template"]["spec"]["securityContext"]["runAsUser"]
    assert f"chown -R {singleuser['uid']}:{singleuser['fsGid']}" in container(job())["args"][2]
    # The lock carries the single-user server (of the chart's hub's major version) and PostgreSQL's driver.
    lines = (PROJECT / "requirements.lock").read_text().splitlines()
    lock = dict(ln.split("==", 1) for ln in lines if "==" in ln and not ln.startswith("#"))
    assert lock["jupyterhub"].split(".")[0] == "5" and "psycopg2-binary" in lock


def test_the_page_links_lead_to_files_that_exist():
    text = PAGE.read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)\s]+)\)", text)
    local = [t for t in targets if not re.match(r"[a-z]+://", t)]
    assert local, "the page links to its files"
    missing = [t for t in local if not (PAGE.parent / t.split("#")[0]).resolve().exists()]
    assert not missing, missing
    for name in ("values.yaml", "Dockerfile", "Dockerfile.dockerignore", "course.yaml", "grading-job.yaml"):
        assert f"../deploy/kubernetes/{name})" in text, name
    assert f"chart **{CHART_VERSION}**" in text
    assert all(t.startswith(("https://", "http://")) for t in targets if t not in local)


def test_the_students_nbgrader_settings_are_json_and_python_the_chart_can_render():
    """Z2JH renders `data` to JSON by the file's extension; `stringData` is mounted as it is."""
    for f in values()["singleuser"]["extraFiles"].values():
        if "data" in f:
            assert f["mountPath"].endswith(".json")
            json.dumps(f["data"])
        else:
            compile(f["stringData"], f["mountPath"], "exec")
    compile(values()["hub"]["extraConfig"]["hanoi-summit-uids"], "extraConfig", "exec")
