"""A trial JupyterHub for the course on this machine, on loopback: `make hub` (docs/hub.md).

It makes what a hub's administrator makes, in one folder of its own: system accounts for an instructor, the
grading account and the students, each with a private home; the course directory, readable by the grading account
alone; the shared exchange; a PostgreSQL server with the course's gradebook database; then JupyterHub with the
formgrader as a service (deploy/hub/jupyterhub_config.py). Stopping it stops every process it started, removes
the accounts it made and, for `make hub`, keeps the folder (grades included) for a look afterwards.
The end-to-end test (tests/test_hub.py) runs the same hub.
"""

import argparse
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
CLONE = HERE.parent.parent

COURSE_ID = "hanoi-summit"  # course.grading.config.COURSE_ID (tests/test_hub.py checks they agree)
GRADER = f"grader-{COURSE_ID}"  # the account the formgrader and `course grade` run as, as nbgrader's demos name it
INSTRUCTORS = ["hs-teacher"]
STUDENTS = ["hs-ada", "hs-bo", "hs-cy"]
DATABASE = "hanoi_summit"
#: The trial's class list, imported as a teacher imports their LMS's (course roster): the formgrader shows names.
NAMES = {"hs-ada": ("Ada", "Park"), "hs-bo": ("Bo", "Nguyen"), "hs-cy": ("Cy", "Kim")}
RUNUSER = shutil.which("runuser") or "/usr/sbin/runuser"  # found on root's PATH, not the accounts'
#: What the banner tells the instructor to type in the formgrader's terminal (tests/test_hub.py types them there).
INSTRUCTOR_COMMANDS = ("course grade summit_outcome", "course return summit_outcome", "course insight summit_outcome")

#: Appended to the course directory's nbgrader_config.py: the hub's exchange and gradebook, from the environment
#: the hub gives the grading account (the formgrader and its terminals), so no password sits in a file.
HUB_SETTINGS = """
# On the hub (deploy/hub/): the shared exchange and the PostgreSQL gradebook, from the grading account's
# environment (the formgrader service and its terminals have both).
import os  # noqa: E402

for _name in ("COURSE_EXCHANGE", "COURSE_DB_URL"):
    if _name not in os.environ:
        raise RuntimeError(f"{_name} is not set: run course and nbgrader in the formgrader's terminal (docs/hub.md)")
c.Exchange.root = os.environ["COURSE_EXCHANGE"]
c.CourseDirectory.db_url = os.environ["COURSE_DB_URL"]
"""


class HubFailed(RuntimeError):
    """A part of the hub did not start; the message says which and where its log is."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def postgres_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not found:
        raise HubFailed("PostgreSQL's server programs are missing: `make postgres` installs them")
    return found[-1].parent


def give(folder: Path, account) -> None:
    """Make ``account`` (a pwd entry) the owner of ``folder`` and everything in it."""
    for base, dirs, files in os.walk(folder):
        for path in [base] + [os.path.join(base, name) for name in dirs + files]:
            os.lchown(path, account.pw_uid, account.pw_gid)


def closed_folders(path: Path) -> list:
    """The folders on the way to ``path`` (itself included) that other accounts cannot enter."""
    path = Path(path).resolve()
    return [p for p in [path, *path.parents] if p.exists() and not p.stat().st_mode & stat.S_IXOTH]


class TrialHub:
    """The hub, its accounts, course directory, exchange and database, all under ``state``."""

    def __init__(
        self,
        state: Path,
        environment: Path,
        port: int = 8000,
        instructors=INSTRUCTORS,
        students=STUDENTS,
        assignments=(),
        keep: bool = True,
    ):
        self.state, self.environment, self.port = Path(state).resolve(), Path(environment).resolve(), port
        self.instructors, self.students, self.assignments, self.keep = (
            list(instructors),
            list(students),
            assignments,
            keep,
        )
        self.passwords = {name: secrets.token_urlsafe(9) for name in self.instructors + self.students}
        self.course_dir = self.state / "course"
        self.exchange = self.state / "exchange"
        self.made_accounts: list[str] = []
        self.processes: list[subprocess.Popen] = []
        self._pg_data = self.state / "postgres"
        self._pg_port = free_port()
        self._db_password = secrets.token_urlsafe(18)
        self.db_url = f"postgresql+psycopg2://grader:{self._db_password}@127.0.0.1:{self._pg_port}/{DATABASE}"
        self.url = f"http://127.0.0.1:{port}"

    # -- the parts -------------------------------------------------------------------------------------------------
    def home(self, name: str) -> Path:
        return self.state / "home" / name

    def _accounts(self) -> None:
        """A system account per person and for grading, each with a home only they can read."""
        for name in self.instructors + self.students + [GRADER]:
            home = self.home(name)
            try:
                pwd.getpwnam(name)
                subprocess.run(["usermod", "--home", str(home), name], check=True)  # left by an earlier run
            except KeyError:
                subprocess.run(
                    [
                        "useradd",
                        "--no-create-home",
                        "--home-dir",
                        str(home),
                        "--shell",
                        "/bin/bash",
                        "--user-group",
                        name,
                    ],
                    check=True,
                )
                self.made_accounts.append(name)
            home.mkdir(parents=True, exist_ok=True)
            entry = pwd.getpwnam(name)
            give(home, entry)  # an earlier run's account may have had another uid
            home.chmod(0o700)

    def _reachable(self) -> None:
        """Every account must reach the users' environment and the hub's folder: a clone under a private folder
        (a home, /root, a temporary folder of mode 700) would leave the students' servers unable to start."""
        for path in (self.environment, self.state):
            closed = closed_folders(path)
            if closed:
                raise HubFailed(
                    f"{path} cannot be reached by the hub's accounts ({closed[-1]} is mode "
                    f"{stat.S_IMODE(closed[-1].stat().st_mode):o}): put it where every account can read, e.g. "
                    "HUB_ENV=/opt/hanoi-summit/venv-hub make hub, or --state /srv/hanoi-summit (docs/hub.md)"
                )

    def _course(self) -> None:
        """The course directory: the instructors' notebooks (solutions, hidden tests) for the grading account only."""
        for part in ("source", "release"):
            shutil.copytree(CLONE / part, self.course_dir / part, dirs_exist_ok=True)
        config = (CLONE / "nbgrader_config.py").read_text(encoding="utf-8")
        (self.course_dir / "nbgrader_config.py").write_text(config + HUB_SETTINGS, encoding="utf-8")
        give(self.course_dir, pwd.getpwnam(GRADER))
        self.course_dir.chmod(0o700)
        # nbgrader's exchange as its documentation sets it up: a folder everyone may write in; nbgrader keeps
        # each course's inbound writable but not listable, so students cannot find each other's submissions
        self.exchange.mkdir(exist_ok=True)
        self.exchange.chmod(0o777)
        # the settings each server reads (deploy/hub/users, deploy/hub/grader), where every account can read them
        for role in ("users", "grader"):
            shutil.copytree(HERE / role, self.state / "config" / role, dirs_exist_ok=True)

    def _postgres(self) -> None:
        """A PostgreSQL server on loopback: passwords for every network login, the gradebook's database owned by
        the role `grader`, whose password only the grading account's environment holds."""
        bin_dir, postgres = postgres_bin(), pwd.getpwnam("postgres")
        socket_dir = self.state / "postgres-socket"
        for folder in (self._pg_data, socket_dir):
            folder.mkdir(exist_ok=True)
            os.chown(folder, postgres.pw_uid, postgres.pw_gid)
            folder.chmod(0o700)
        as_postgres = [RUNUSER, "-u", "postgres", "--"]
        if not (self._pg_data / "PG_VERSION").exists():
            self._run(
                [*as_postgres, bin_dir / "initdb", "-D", self._pg_data, "-U", "postgres", "--auth-local=peer",
                 "--auth-host=scram-sha-256", "-E", "UTF8", "--no-locale"],
                "initdb",
            )  # fmt: skip
        options = f"-c listen_addresses=127.0.0.1 -p {self._pg_port} -k {socket_dir}"
        log = self._pg_data / "server.log"
        self._run([*as_postgres, bin_dir / "pg_ctl", "-D", self._pg_data, "-l", log, "-o", options, "-w", "start"], log)
        psql = [*as_postgres, bin_dir / "psql", "-h", socket_dir, "-p", str(self._pg_port), "-v", "ON_ERROR_STOP=1"]
        exists = subprocess.run([*psql, "-tAc", "SELECT 1 FROM pg_roles WHERE rolname='grader'"], capture_output=True)
        verb = "ALTER" if exists.stdout.strip() == b"1" else "CREATE"
        self._run([*psql, "-c", f"{verb} ROLE grader LOGIN PASSWORD '{self._db_password}'"], "psql")
        found = subprocess.run(
            [*psql, "-tAc", f"SELECT 1 FROM pg_database WHERE datname='{DATABASE}'"], capture_output=True
        )
        if found.stdout.strip() != b"1":
            self._run([*psql, "-c", f"CREATE DATABASE {DATABASE} OWNER grader"], "psql")

    def _hub(self) -> None:
        hub_dir = self.state / "hub"
        hub_dir.mkdir(exist_ok=True)
        hub_dir.chmod(0o700)  # the settings hold every password
        settings = hub_dir / "settings.json"
        values = {
            "course_id": COURSE_ID,
            "environment": str(self.environment),
            "instructors": self.instructors,
            "students": self.students,
            "grader": GRADER,
            "grader_home": str(self.home(GRADER)),
            "passwords": self.passwords,
            "port": self.port,
            "hub_port": free_port(),
            "proxy_api_port": free_port(),
            "proxy": str(CLONE / ".venv" / "node_modules" / ".bin" / "configurable-http-proxy"),
            "state": str(hub_dir),
            "service_port": free_port(),
            "course_dir": str(self.course_dir),
            "exchange": str(self.exchange),
            "db_url": self.db_url,
            "users_config": str(self.state / "config" / "users"),
            "grader_config": str(self.state / "config" / "grader"),
        }
        settings.touch(mode=0o600)
        settings.write_text(json.dumps(values, indent=2), encoding="utf-8")
        log = open(hub_dir / "jupyterhub.log", "ab")
        env = dict(
            os.environ, COURSE_HUB_SETTINGS=str(settings), PATH=f"{self.environment / 'bin'}:{os.environ['PATH']}"
        )
        env.pop("JUPYTER_CONFIG_PATH", None)
        hub = subprocess.Popen(
            [self.environment / "bin" / "jupyterhub", "-f", HERE / "jupyterhub_config.py"],
            cwd=hub_dir,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes.append(hub)
        self._wait(f"{self.url}/hub/api/", hub, hub_dir / "jupyterhub.log")
        self._wait(f"http://127.0.0.1:{values['service_port']}/", hub, hub_dir / "jupyterhub.log", any_answer=True)

    # -- helpers -----------------------------------------------------------------------------------------------------
    def grader_env(self) -> dict:
        """The environment the grading account works in on the hub (as its formgrader terminal has it)."""
        entry = pwd.getpwnam(GRADER)
        return {
            "HOME": entry.pw_dir,
            "USER": GRADER,
            "LOGNAME": GRADER,
            "PATH": f"{self.environment / 'bin'}:/usr/local/bin:/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "COURSE_EXCHANGE": str(self.exchange),
            "COURSE_DB_URL": self.db_url,
        }

    def as_grader(self, *args, check: bool = True, **popen) -> subprocess.CompletedProcess:
        """``course ARGS`` as the grading account in the course directory, as typed in the formgrader's terminal."""
        command = [RUNUSER, "-u", GRADER, "--", self.environment / "bin" / "course", *args]
        done = subprocess.run(
            command, cwd=self.course_dir, env=self.grader_env(), capture_output=True, text=True, **popen
        )
        if check and done.returncode != 0:
            raise HubFailed(f"course {' '.join(map(str, args))} failed:\n{done.stdout}{done.stderr}")
        return done

    def _run(self, command: list, what) -> None:
        done = subprocess.run([str(c) for c in command], capture_output=True, text=True)
        if done.returncode != 0:
            raise HubFailed(f"{what} failed:\n{done.stdout}{done.stderr}")

    def _wait(self, url: str, proc: subprocess.Popen, log: Path, any_answer: bool = False, limit: float = 120) -> None:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise HubFailed(f"JupyterHub stopped while starting; its log: {log}")
            try:
                urllib.request.urlopen(url, timeout=5)
                return
            except urllib.error.HTTPError:
                if any_answer:
                    return
            except OSError:
                pass
            time.sleep(0.5)
        raise HubFailed(f"{url} did not answer within {limit:.0f} s; JupyterHub's log: {log}")

    # -- start and stop ------------------------------------------------------------------------------------------------
    def start(self) -> "TrialHub":
        if os.geteuid() != 0:
            raise HubFailed("the trial hub makes system accounts and runs servers as them: run it as root")
        self.state.mkdir(parents=True, exist_ok=True)
        self.state.chmod(0o755)  # every account reaches its own home, the exchange and the environment through it
        self._reachable()
        try:
            self._accounts()
            self._course()
            self._postgres()
            roster = self.course_dir / "roster.csv"
            roster.write_text(
                "id,first_name,last_name,email\n"
                + "".join(f"{s},{NAMES.get(s, (s, ''))[0]},{NAMES.get(s, (s, ''))[1]},\n" for s in self.students),
                encoding="utf-8",
            )
            os.chown(roster, pwd.getpwnam(GRADER).pw_uid, pwd.getpwnam(GRADER).pw_gid)
            self.as_grader("roster", roster.name)
            for assignment in self.assignments:  # the gradebook learns it (generate), the students get it
                if (self.exchange / COURSE_ID / "outbound" / assignment).is_dir():
                    continue  # released by an earlier run of this hub: its submissions and grades stay
                self.as_grader("generate", assignment)
                self.as_grader("release", assignment)
            self._hub()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Stop the hub (it stops the proxy, the formgrader and everyone's server), the database, any process left
        under the accounts made here; then remove those accounts, and the folder unless asked to keep it."""
        for proc in self.processes:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()
        if (self._pg_data / "postmaster.pid").exists():
            subprocess.run(
                [
                    RUNUSER,
                    "-u",
                    "postgres",
                    "--",
                    postgres_bin() / "pg_ctl",
                    "-D",
                    self._pg_data,
                    "-m",
                    "fast",
                    "stop",
                ],
                capture_output=True,
            )
        for name in self.made_accounts:
            subprocess.run(["pkill", "-KILL", "-u", name], capture_output=True)
        for name in self.made_accounts:
            for _ in range(20):  # a process killed just now may still hold the account for a moment
                if subprocess.run(["userdel", name], capture_output=True).returncode in (0, 6):
                    break
                time.sleep(0.25)
        self.made_accounts = []
        if not self.keep:
            shutil.rmtree(self.state, ignore_errors=True)

    def __enter__(self) -> "TrialHub":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8000)
    # in the clone's work/ when every account can reach it, else where a server's data goes
    state = CLONE / "work" / "hub" if not closed_folders(CLONE) else Path("/srv/hanoi-summit-hub")
    parser.add_argument("--state", type=Path, default=state, help=f"the hub's folder (default: {state})")
    parser.add_argument(
        "--environment",
        type=Path,
        default=os.environ.get("HUB_ENV", CLONE / ".venv-hub"),
        help="the users' environment",
    )
    args = parser.parse_args(argv)
    assignments = ["course_overview", "summit_outcome", "sanctions_relief", "middle_powers"]
    print(f"Starting a trial JupyterHub for the course in {args.state} (about a minute) ...", flush=True)
    hub = TrialHub(args.state, args.environment, port=args.port, assignments=assignments)
    try:
        hub.start()
    except HubFailed as exc:
        print(f"The hub did not start: {exc}", file=sys.stderr)
        return 1
    width = max(map(len, hub.passwords))
    print(f"\nThe course's JupyterHub is at {hub.url}/ (this machine only). Log in as:")
    for name, password in hub.passwords.items():
        role = "instructor" if name in hub.instructors else "student"
        print(f"  {name:<{width}}  password {password}   ({role})")
    print(
        f"\nStudents: Nbgrader > Assignment List, Fetch, answer, Submit.\n"
        f"Instructor: the formgrader is {hub.url}/services/{COURSE_ID}/ ; grade in its terminal with\n"
        f"  {INSTRUCTOR_COMMANDS[0]}    (then {INSTRUCTOR_COMMANDS[1]}; students Fetch Feedback)\n"
        f"  {INSTRUCTOR_COMMANDS[2]}  (what the class learned, question by question: docs/insight.md)\n"
        f"The trial login is for trying only: docs/hub.md says how to use your institution's.\n"
        f"Ctrl+C stops the hub, its servers and the database; {args.state} keeps the grades.",
        flush=True,
    )
    stopped = []
    signal.signal(signal.SIGTERM, lambda *_: stopped.append(True))
    signal.signal(signal.SIGINT, signal.default_int_handler)  # Ctrl+C, even when started with it ignored
    try:
        while not stopped and hub.processes[0].poll() is None:
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    print("\nStopping the hub ...", flush=True)
    hub.stop()
    print("Stopped.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
