"""Autograding in a sandbox: each student's kernel runs under bubblewrap (``bwrap``).

nbgrader runs a student's code in the same kernel as the tests, on the grader's account. Here the kernel
is started by :class:`SandboxKernelManager`, a jupyter_client kernel manager whose launch command is
wrapped in ``bwrap``:

* the whole file system is visible read-only, except what is hidden behind empty read-only folders:
  home folders, ``/run``, ``/mnt``, ``/media``, ``/srv``, the course root (source/ with the hidden tests),
  the project folder (its git history and sample class hold answers) and the work folder (gradebook,
  other students' submissions, exchange, feedback). The Python installation and the ``course`` package
  are mounted back read-only, so notebooks can ``from course import ...``;
* the only writable places are the student's autograded folder (the kernel's working directory) and a
  small private ``/tmp``; the notebooks in that folder, which nbgrader has already filled with the hidden
  tests, are replaced by empty files for the kernel;
* new network, process, IPC and UTS namespaces: no network at all (so the kernel talks to the grader over
  unix sockets, jupyter's ``ipc`` transport, in a private folder mounted into the sandbox);
* ``--die-with-parent`` and the process namespace: when the grader stops the kernel, every process the
  student started dies with it; ``--new-session``: no access to the teacher's terminal;
* resource limits (``prlimit``): address space (memory), processor seconds, processes, file size,
  no core dumps; the environment is reduced to what a kernel needs (no tokens or secrets);
* when the grader runs as root, the kernel runs as ``nobody`` with no capabilities (``setpriv``):
  root ignores process limits and reads every file;
* the kernel itself is normally a fork of a template that has already imported ipykernel, pandas and the course,
  which enters this same sandbox and takes the same limits (course.grading.warm); it starts cold when that fails.

:class:`GuardedExecute` (nbgrader's Execute preprocessor, sandboxed or not) adds what grading needs when a
kernel misbehaves: output beyond a cap is not stored, a cell that ignores the interrupt at the time limit
has its kernel stopped, and a kernel that dies (``os._exit``, a signal, a limit) is reported on the cell
that killed it while every later cell is marked as not run, so its tests earn nothing. A kernel that does not
start, or dies before any of the student's cells ran, is the machine's failure, not the student's: it is
started again a few times, and if it never runs, :class:`~course.grading.report.GradingMachineError` says so
(the student is then "not graded", see docs/grading-safety.md).

The sandbox is on by default. ``COURSE_SANDBOX=off`` (or ``course grade --no-sandbox``, or
``Classroom(..., sandbox=False)``) grades without it, for machines where bubblewrap cannot run.
"""

import copy
import functools
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from queue import Empty

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat.v4 import new_output
from nbgrader.preprocessors import Execute
from traitlets import Bool, DottedObjectName, Float, Integer, List, Type, Unicode

from . import warm
from .report import IGNORED_INTERRUPT, KERNEL_DIED, NOT_RUN, TRUNCATED_MARK, GradingMachineError

#: Environment variable: "off" (or 0/no/false) grades without the sandbox.
SANDBOX_ENV = "COURSE_SANDBOX"
MiB = 1024 * 1024

#: What the kernel keeps of the grader's environment (everything else, e.g. tokens, is dropped).
ENV_KEEP = (
    "PATH",
    "LANG",
    "LANGUAGE",
    "TZ",
    "TERM",
    "PYTHONPATH",
    "PYTHONHASHSEED",
    "PYTHONIOENCODING",
    "MPLBACKEND",
    "VIRTUAL_ENV",
)
ENV_KEEP_PREFIXES = ("LC_", "JPY_", "NBGRADER_", "PYDEVD_")
#: Folders hidden from every sandbox, besides the course's own (home folders and system sockets).
SYSTEM_HIDDEN = ("/home", "/root", "/run", "/mnt", "/media", "/srv", "/var/tmp")


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing or cannot create its namespaces here."""


def sandbox_enabled(setting=None) -> bool:
    """Whether to grade in the sandbox: an explicit setting wins, else $COURSE_SANDBOX, else yes."""
    if setting is not None:
        return bool(setting)
    return os.environ.get(SANDBOX_ENV, "on").strip().lower() not in {"off", "0", "no", "false"}


#: A user id for the kernels instead of nobody's (set by course.teacher.parallel: one per grading worker).
SANDBOX_UID_ENV = "COURSE_SANDBOX_UID"


def _nobody() -> tuple[int, int]:
    """The user and group the kernel runs as when grading as root: nobody, or the worker's own id."""
    given = os.environ.get(SANDBOX_UID_ENV, "")
    if given.isdigit():
        return int(given), int(given)
    try:
        entry = pwd.getpwnam("nobody")
        return entry.pw_uid, entry.pw_gid
    except KeyError:
        return 65534, 65534


def _is_root() -> bool:
    return os.geteuid() == 0


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def runtime_paths() -> list[Path]:
    """What the kernel needs to run Python and import ``course``, besides system folders."""
    import site

    import course

    found = [
        Path(sys.prefix),
        Path(sys.base_prefix),
        Path(sys.exec_prefix),
        Path(os.path.realpath(sys.executable)).parent.parent,
        Path(course.__file__).resolve().parent,
    ]
    found += [Path(p) for p in site.getsitepackages()]
    # package folders a .pth file added (an environment that borrows another's packages, as tests/test_installed.py
    # builds): only folders of installed packages, never the grader's working folder
    found += [Path(p) for p in sys.path if Path(p).name in ("site-packages", "dist-packages")]
    found += [Path(p) for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    return [p.resolve() for p in found if p.exists()]


def package_datasets() -> Path:
    """The folder of the data sets the kernel's ``course`` package reads (course.data)."""
    import course

    return Path(course.__file__).resolve().parent / "datasets"


def bwrap_command(
    kernel_cmd: list, cwd: Path, private: Path, hidden: list, limits: dict, datasets: Path | None = None
) -> list:
    """The command that runs ``kernel_cmd`` in the sandbox, in ``cwd`` (its only writable folder
    besides ``private``, where the connection file and sockets are, and a private /tmp). ``datasets``, a folder,
    is mounted over the package's data sets: the second run's shifted data (course.grading.shift)."""
    cwd, private = Path(cwd).resolve(), Path(private).resolve()
    secrets = [Path(p).resolve() for p in hidden]
    hide = sorted(
        {
            Path(p).resolve()
            for p in list(SYSTEM_HIDDEN) + [Path.home()] + secrets
            if Path(p).exists() and Path(p).resolve() != Path("/")
        }
    )
    hide = [h for h in hide if not any(o != h and _within(h, o) for o in hide)]  # outermost only
    tmp = Path("/tmp")
    cmd = [
        "bwrap",
        "--ro-bind",
        "/",
        "/",
        "--dev",
        "/dev",
        "--proc",
        "/proc",
        "--perms",
        "1777",
        "--size",
        str(limits["tmp_size"]),
        "--tmpfs",
        str(tmp),
    ]
    made: set = set()

    def folders_for(path: Path) -> None:
        """Folders that bwrap must create for ``path`` in a tmpfs: readable by all (bwrap's are not)."""
        under = next((h for h in hide + [tmp] if h != path and _within(path, h)), None)
        for parent in reversed(path.parents):
            if under is not None and under in parent.parents and parent not in made:
                made.add(parent)
                cmd.extend(["--perms", "0755", "--dir", str(parent)])

    def mount(option: str, path: Path) -> None:
        folders_for(path)
        cmd.extend([option, str(path), str(path)])

    for h in hide:  # an empty read-only folder, even inside /tmp (where writing would otherwise work)
        folders_for(h)
        cmd += ["--tmpfs", str(h)]

    exposed = set()
    for path in runtime_paths():
        # never mount back a folder holding something hidden (e.g. a project on PYTHONPATH)
        if any(_within(s, path) for s in secrets) or path in exposed:
            continue
        if any(_within(path, h) for h in hide + [tmp]):
            exposed.add(path)
            mount("--ro-bind", path)
    mount("--bind", cwd)
    mount("--bind", private)
    if datasets is not None:  # after the package and the private folder: what the kernel reads as course's data
        cmd += ["--ro-bind", str(Path(datasets).resolve()), str(package_datasets())]
    empty = private / "empty"
    for notebook in sorted(cwd.glob("*.ipynb")):  # nbgrader has put the hidden tests in them
        cmd += ["--ro-bind", str(empty), str(notebook)]
    for h in hide:
        cmd += ["--remount-ro", str(h)]
    # jupyter_client sets JPY_PARENT_PID; in the new process namespace the kernel's parent is bwrap's
    # pid 1, so ipykernel would think its parent died and quit. --die-with-parent does that job.
    cmd += [
        "--unsetenv",
        "JPY_PARENT_PID",
        "--chdir",
        str(cwd),
        "--die-with-parent",
        "--new-session",
        "--unshare-ipc",
        "--unshare-pid",
        "--unshare-net",
        "--unshare-uts",
        "--unshare-cgroup-try",
    ]
    if _is_root():
        uid, gid = _nobody()
        cmd += [
            "--cap-drop",
            "ALL",
            "--cap-add",
            "CAP_SETUID",
            "--cap-add",
            "CAP_SETGID",
            "--cap-add",
            "CAP_SETPCAP",
            "--",
            "setpriv",
            f"--reuid={uid}",
            f"--regid={gid}",
            "--clear-groups",
            "--inh-caps=-all",
            "--bounding-set=-all",
            "--no-new-privs",
            "--",
        ]
    else:
        cmd += ["--unshare-user", "--disable-userns", "--"]
    cmd += ["prlimit"] + [f"--{name.lower()}={soft}:{hard}" for name, (soft, hard) in rlimits(limits).items()]
    return cmd + ["--"] + [str(a) for a in kernel_cmd]


def rlimits(limits: dict) -> dict:
    """The kernel's resource limits, {name as prlimit and RLIMIT_<NAME> say it: (soft, hard)}: prlimit sets them
    for a cold kernel, course.grading.warm for a warm one. Processor time gets 5 s of grace before SIGKILL."""
    return {
        "AS": (limits["memory"], limits["memory"]),
        "CPU": (limits["cpu_seconds"], limits["cpu_seconds"] + 5),
        "NPROC": (limits["processes"], limits["processes"]),
        "FSIZE": (limits["file_size"], limits["file_size"]),
        "CORE": (0, 0),
    }


def kernel_env(env: dict, private: Path) -> dict:
    """The grader's environment reduced to what a kernel needs, with a private home and /tmp."""
    return dict(_reduced_env(env), MPLCONFIGDIR=str(_matplotlib_cache(env, private)))


def _reduced_env(env: dict) -> dict:
    kept = {k: v for k, v in env.items() if k in ENV_KEEP or k.startswith(ENV_KEEP_PREFIXES)}
    kept.update(
        HOME="/tmp",
        TMPDIR="/tmp",
        OPENBLAS_NUM_THREADS="1",
        OMP_NUM_THREADS="1",
        MKL_NUM_THREADS="1",
        NUMEXPR_MAX_THREADS="1",
    )
    return kept


def prepare_warm_kernels(config=None) -> None:
    """Start this process's warm-kernel template now, so that its imports overlap the grader's own start-up
    (course.grading.warm); nothing if warm kernels are off in ``config`` or failed here before."""
    settings = (config or {}).get("SandboxKernelManager", {})
    if not settings.get("warm_kernels", True) or warm.unusable():
        return
    try:
        warm.template(sys.executable, _reduced_env(dict(os.environ)))
    except OSError:
        return  # the first kernel starts cold and says why


def _matplotlib_cache(env: dict, private: Path) -> Path:
    """A writable matplotlib folder for the kernel, with the grader's font list if it has one (building
    it takes every fresh kernel half a second)."""
    folder = Path(private) / "matplotlib"
    folder.mkdir(exist_ok=True)
    home = Path(env.get("HOME") or Path.home())
    for cache in (env.get("MPLCONFIGDIR"), Path(env.get("XDG_CACHE_HOME") or home / ".cache") / "matplotlib"):
        for fonts in sorted(Path(cache).glob("fontlist-*.json")) if cache else []:
            shutil.copy(fonts, folder / fonts.name)
    return folder


DEFAULT_LIMITS = {
    "memory": 2048 * MiB,
    "cpu_seconds": 120,
    "processes": 64,
    "file_size": 100 * MiB,
    "tmp_size": 256 * MiB,
}


@functools.cache
def check_sandbox() -> None:
    """Start a trivial program in the same sandbox as a kernel; raise SandboxUnavailable if it cannot."""
    missing = [tool for tool in ("bwrap", "prlimit") + (("setpriv",) if _is_root() else ()) if not shutil.which(tool)]
    if missing:
        raise SandboxUnavailable(f"{', '.join(missing)} not found (bubblewrap is not installed)")
    with tempfile.TemporaryDirectory(prefix="course-sandbox-check-") as tmp:
        work, private = Path(tmp) / "work", Path(tmp) / "private"
        work.mkdir()
        private.mkdir()
        probe = bwrap_command([sys.executable, "-c", "import course.paths"], work, private, [tmp], DEFAULT_LIMITS)
        env = kernel_env(dict(os.environ), private)
        if _is_root():
            uid, gid = _nobody()
            for folder in (work, private):
                _chown_tree(folder, uid, gid)
        try:
            done = subprocess.run(probe, capture_output=True, text=True, timeout=60, env=env, stdin=subprocess.DEVNULL)
        except OSError as exc:
            raise SandboxUnavailable(f"bwrap could not run: {exc}") from None
        if done.returncode != 0:
            lines = (done.stderr or done.stdout).strip().splitlines() or [f"exit code {done.returncode}"]
            raise SandboxUnavailable(f"bwrap could not start a sandbox here: {lines[-1]}")


def _chown_tree(folder: Path, uid: int, gid: int) -> None:
    os.lchown(folder, uid, gid)
    for base, dirs, files in os.walk(folder):
        for name in dirs + files:
            os.lchown(os.path.join(base, name), uid, gid)


def _remove_links(folder: Path) -> list:
    """Remove symbolic links (and sockets, pipes) the kernel left in its folder: nbgrader copies the folder's
    files into feedback, and a link would bring back whatever it points to."""
    removed = []
    for base, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = Path(base) / name
            if path.is_symlink() or not (path.is_dir() or path.is_file()):
                path.unlink()
                removed.append(str(path.relative_to(folder)))
    return removed


#: A kernel's private folder (connection file, sockets, stderr) is ``<tmp>/course-kernel-<grader pid>-<random>``.
PRIVATE_PREFIX = "course-kernel-"


def _remove_stale_private_folders() -> None:
    """Remove the private folders of graders that no longer run (killed before they could clean up)."""
    for folder in Path(tempfile.gettempdir()).glob(f"{PRIVATE_PREFIX}*-*"):
        pid = folder.name[len(PRIVATE_PREFIX) :].split("-")[0]
        if not pid.isdigit():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except PermissionError:
            continue  # another user's grader, still running


class SandboxKernelClient(AsyncKernelClient):
    """jupyter_client's kernel client, ready as soon as a new kernel answers."""

    async def wait_for_ready(self, timeout=None) -> None:
        """As jupyter_client's: kernel_info answered on the shell channel, IOPub connected; without its last step,
        waiting until IOPub has been silent for 0.2 s to drop kernel_info's own status messages. nbclient reads
        only the messages that answer its own requests, so only what has already arrived is dropped here: 0.2 s
        of each submission (docs/performance.md)."""
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        while True:
            self.kernel_info()
            try:
                reply = await self.shell_channel.get_msg(timeout=1)
            except Empty:
                reply = None
            if reply is not None and reply["msg_type"] == "kernel_info_reply":
                try:
                    await self.iopub_channel.get_msg(timeout=0.2)
                except Empty:
                    pass  # IOPub not connected yet: ask again
                else:
                    self._handle_kernel_info_reply(reply)
                    break
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")
        while True:
            try:
                await self.iopub_channel.get_msg(timeout=0)
            except Empty:
                return


class SandboxKernelManager(AsyncKernelManager):
    """A kernel manager that starts the kernel inside bubblewrap, talking over unix sockets."""

    client_class = DottedObjectName("course.grading.sandbox.SandboxKernelClient")
    client_factory = Type(SandboxKernelClient)

    hidden = List(Unicode(), help="Folders the kernel must not see (course root, work folder, ...).").tag(config=True)
    memory_limit = Integer(DEFAULT_LIMITS["memory"], help="Address-space limit of each kernel process, bytes.").tag(
        config=True
    )
    cpu_limit = Integer(DEFAULT_LIMITS["cpu_seconds"], help="Processor seconds per kernel process.").tag(config=True)
    process_limit = Integer(DEFAULT_LIMITS["processes"], help="Processes and threads of the sandbox.").tag(config=True)
    file_size_limit = Integer(DEFAULT_LIMITS["file_size"], help="Largest file the kernel may write, bytes.").tag(
        config=True
    )
    tmp_size = Integer(DEFAULT_LIMITS["tmp_size"], help="Size of the kernel's private /tmp, bytes.").tag(config=True)
    datasets = Unicode(
        "", help="A folder mounted over the package's data sets in the sandbox (the second run's shifted data)."
    )
    warm_kernels = Bool(
        True,
        help="Fork each kernel, inside its own sandbox, from a template that has already imported ipykernel, "
        "pandas and course (course.grading.warm); off: every kernel starts cold.",
    ).tag(config=True)

    _private = None
    _folder = None
    started_warm = False

    def limits(self) -> dict:
        return {
            "memory": self.memory_limit,
            "cpu_seconds": self.cpu_limit,
            "processes": self.process_limit,
            "file_size": self.file_size_limit,
            "tmp_size": self.tmp_size,
        }

    async def _async_pre_start_kernel(self, **kw):
        check_sandbox()
        _remove_stale_private_folders()
        self._private = Path(tempfile.mkdtemp(prefix=f"{PRIVATE_PREFIX}{os.getpid()}-"))
        self.transport = "ipc"  # no network in the sandbox: unix sockets in the private folder
        self.cache_ports = False
        self.connection_file = str(self._private / "kernel.json")
        self.ip = str(self._private / "ipc")
        self.kernel_spec.interrupt_mode = "message"  # a signal to bwrap would not reach the new session
        cmd, kw = await super()._async_pre_start_kernel(**kw)
        self._folder = Path(kw.get("cwd") or os.getcwd()).resolve()
        (self._private / "empty").touch()
        kw["env"] = kernel_env(kw.get("env") or dict(os.environ), self._private)
        if _is_root():
            uid, gid = _nobody()
            _chown_tree(self._folder, uid, gid)
            _chown_tree(self._private, uid, gid)
        kw["stdout"] = subprocess.DEVNULL
        kw["stderr"] = open(self._private / "stderr.txt", "wb")  # closed in cleanup_resources
        self._stderr = kw["stderr"]
        holder = self._warm_holder(cmd, kw["env"])
        self.started_warm = holder is not None
        datasets = Path(self.datasets) if self.datasets else None
        return bwrap_command(holder or cmd, self._folder, self._private, self.hidden, self.limits(), datasets), kw

    def _warm_holder(self, cmd: list, env: dict):
        """Ask this process's template for a warm kernel in this sandbox; the command bwrap then runs (the
        holder), or None to start the kernel cold (docs/performance.md, "Warm kernels")."""
        if not self.warm_kernels or warm.unusable() or not _ipykernel_command(cmd):
            return None
        env = {k: v for k, v in env.items() if k != "JPY_PARENT_PID"}  # as bwrap's --unsetenv
        path = self._private / "warm.sock"
        listener = socket.socket(socket.AF_UNIX)
        try:
            listener.bind(str(path))
            listener.listen(1)
            os.chmod(path, 0o666)  # the holder runs as the sandbox's user
            uid, gid = _nobody() if _is_root() else (None, None)
            request = {"socket": str(path), "cwd": str(self._folder), "env": env, "argv": [str(a) for a in cmd]}
            request.update(limits=rlimits(self.limits()), uid=uid, gid=gid)
            warm.template(sys.executable, env).fork_kernel(listener, request)
        except OSError as exc:
            self.log.warning("Starting this kernel cold: the warm-kernel template failed (%s)", exc)
            warm.give_up(str(exc))
            return None
        finally:
            listener.close()
        return [sys.executable, "-S", "-c", warm.HOLDER, str(path)]

    def stderr_tail(self) -> str:
        try:
            return (self._private / "stderr.txt").read_text(errors="replace")[-2000:].strip()
        except (OSError, TypeError):
            return ""

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if restart or self._private is None:
            return
        if getattr(self, "_stderr", None):
            self._stderr.close()
        if self._folder is not None and self._folder.exists():
            for link in _remove_links(self._folder):
                self.log.warning("Removed %s, left by the student's code in %s", link, self._folder)
            if _is_root():
                _chown_tree(self._folder, 0, 0)
        shutil.rmtree(self._private, ignore_errors=True)
        self._private = None

    cleanup_resources = _async_cleanup_resources  # jupyter_client binds the base class's function here

    async def _async_wait(self, pollinterval: float = 0.1) -> None:
        # jupyter_client looks every 0.1 s whether a stopped kernel is gone; a sandbox goes within milliseconds,
        # and with warm kernels that wait was a tenth of a submission's time (docs/performance.md)
        await super()._async_wait(pollinterval=min(pollinterval, 0.01))


def _ipykernel_command(cmd: list) -> bool:
    """Whether ``cmd`` runs ipykernel with this very Python (only then can a fork of the template replace it)."""
    return (
        len(cmd) >= 3
        and os.path.realpath(cmd[0]) == os.path.realpath(sys.executable)
        and list(cmd[1:3]) == ["-m", "ipykernel_launcher"]
    )


def _error(ename: str, evalue: str):
    return new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


def _size(msg: dict) -> int:
    content = msg.get("content", {})
    if "text" in content:
        return len(content["text"])
    return sum(len(str(v)) for v in content.get("data", {}).values())


def exit_reason(code) -> str:
    """In words, why a kernel process ended with this exit status (bwrap reports 128+N for signal N)."""
    if code is None:
        return "the kernel stopped answering"
    if code >= 128 or code < 0:
        num = code - 128 if code >= 128 else -code
        try:
            name = signal.Signals(num).name
        except ValueError:
            name = f"signal {num}"
        if num == signal.SIGXCPU:
            return f"the kernel used up its processor time ({name}: over the sandbox's limit of processor seconds)"
        if num == signal.SIGKILL:
            return "the kernel was killed (SIGKILL: the code killed it, or it went far over the processor time limit)"
        return f"the kernel was killed by {name}"
    return f"the kernel exited (exit code {code}: the code called exit or os._exit)"


class GuardedExecute(Execute):
    """nbgrader's Execute, with the kernel in the sandbox and limits on what a kernel can do to grading."""

    sandbox = Bool(True, help="Start each kernel inside bubblewrap (see course.grading.sandbox).").tag(config=True)
    max_output_bytes = Integer(
        1_000_000, help="Output kept per cell (characters of text and data); the rest is dropped."
    ).tag(config=True)
    max_outputs = Integer(500, help="Outputs kept per cell.").tag(config=True)
    start_attempts = Integer(
        3,
        help="Tries to start a kernel and run the notebook up to the student's first cell; a kernel that "
        "fails every try is a problem of the grading machine, not of the submission.",
    ).tag(config=True)
    start_retry_wait = Float(2.0, help="Seconds to wait before the second try (doubled for each next one).").tag(
        config=True
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.sandbox:
            self.kernel_manager_class = SandboxKernelManager

    @property
    def _sandboxed(self) -> bool:
        return isinstance(self.km, SandboxKernelManager)

    _kernel_manager = None

    #: Set by the second run (course.grading.computed): a folder of shifted data sets mounted over the package's.
    datasets = ""

    def create_kernel_manager(self):
        self._kernel_manager = super().create_kernel_manager()  # nbclient forgets it when the kernel stops
        if self.datasets and isinstance(self._kernel_manager, SandboxKernelManager):
            self._kernel_manager.datasets = self.datasets
        return self._kernel_manager

    @property
    def started_warm(self) -> bool:
        """Whether the last kernel was forked from the warm template (course.grading.warm)."""
        return bool(getattr(self._kernel_manager, "started_warm", False))

    def preprocess(self, nb, resources=None, km=None):
        """Run the notebook; start again from scratch while the kernel fails before the student's code runs."""
        pristine = copy.deepcopy(nb)
        for attempt in range(1, self.start_attempts + 1):
            self._stopped, self._used, self._students_ran, self._started = None, {}, False, False
            try:
                return super().preprocess(nb, resources, km)
            except _MachineFault as fault:
                why = str(fault)
            except Exception as exc:
                if self._started or km is not None:
                    raise
                why = f"the kernel did not start ({type(exc).__name__}: {exc})"
            if self.started_warm:  # the next try, and every later kernel of this process, starts cold
                self.log.warning("Warm kernels off from now on: %s", why)
                warm.give_up(why)
            if attempt < self.start_attempts:
                self.log.warning("Grading machine: %s; trying again (%d of %d)", why, attempt + 1, self.start_attempts)
                time.sleep(self.start_retry_wait * 2 ** (attempt - 1))
                nb = copy.deepcopy(pristine)
        raise GradingMachineError(f"{why}, {self.start_attempts} times")

    def preprocess_cell(self, cell, resources, index):
        self._started = True
        if cell.cell_type == "code" and _students(cell):
            self._students_ran = True
        if self._stopped is not None:
            if cell.cell_type == "code":
                cell.outputs = [_error(NOT_RUN, f"not run: {self._stopped}")]
                cell.execution_count = None
            return cell, self.resources
        try:
            return super().preprocess_cell(cell, resources, index)
        except CellTimeoutError:
            # The interrupt at the time limit was not answered: the code ignores or catches it.
            self._kill()
            why = f"{IGNORED_INTERRUPT} ({self.timeout} s) and ignored the interrupt, so its kernel was stopped"
        except DeadKernelError:
            why = exit_reason(self._exit_code())
            tail = self.km.stderr_tail() if self._sandboxed else ""
            if "bwrap:" in tail:
                why += f" ({tail.splitlines()[-1]})"
            if not self._students_ran:  # nothing of the student's has run: the machine failed
                raise _MachineFault(f"the kernel died before any of the student's cells ran ({why})") from None
        self._stopped = why
        cell.outputs.append(_error(KERNEL_DIED, why))
        return cell, self.resources

    def _kill(self) -> None:
        process = getattr(getattr(self.km, "provisioner", None), "process", None)
        if process is not None and process.poll() is None:
            process.kill()
            process.wait(10)

    def _exit_code(self):
        process = getattr(getattr(self.km, "provisioner", None), "process", None)
        if process is None:
            return None
        try:
            return process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            return None

    def output(self, outs, msg, display_id, cell_index):
        if msg["msg_type"] == "error":  # never dropped: a test cell's error is what makes it fail
            content = msg["content"]
            content["evalue"] = str(content.get("evalue", ""))[:10_000]
            content["traceback"] = [str(line)[:10_000] for line in content.get("traceback", [])[:200]]
            return super().output(outs, msg, display_id, cell_index)
        used = self._used.get(cell_index, 0) + _size(msg)
        self._used[cell_index] = used
        if used > self.max_output_bytes or len(outs) >= self.max_outputs:
            if not any(o.get("name") == "stderr" and TRUNCATED in o.get("text", "") for o in outs):
                outs.append(new_output("stream", name="stderr", text=TRUNCATED))
            return None
        return super().output(outs, msg, display_id, cell_index)


class _MachineFault(Exception):
    """The kernel failed before the student's code ran (GuardedExecute tries again)."""


def _students(cell) -> bool:
    """Whether a code cell may hold the student's code: an answer cell, or any cell nbgrader does not lock
    (nbgrader puts the released source back into locked cells before grading)."""
    meta = cell.metadata.get("nbgrader", {})
    return bool(meta.get("solution")) or not (meta.get("locked") or meta.get("grade"))


TRUNCATED = f"\n{TRUNCATED_MARK}: this cell printed too much]\n"
