"""Warm kernels: a student's kernel forked from a template that has already imported what notebooks import.

A cold kernel spends most of a submission's processor time starting Python and importing ipykernel, pandas and
``course`` (docs/performance.md). Here one *template* process per grading process imports them once, with the
kernels' reduced environment, and never runs a student's code. For each student the sandbox is still built by
bubblewrap exactly as for a cold kernel (course.grading.sandbox.bwrap_command); only the program bwrap starts is
different: a small *holder*, which passes the sandbox's namespaces to the template and waits. The template forks
a child that enters those namespaces (user, mount, process, network, IPC, host name, cgroup), forks the kernel
inside the sandbox's process namespace, and reports the kernel's exit status to the holder, so bwrap's exit
status, the grader's reasons ("used up its processor time", ...) and every kill path are those of a cold kernel.

Before the kernel runs the student's first line it gets what bwrap, prlimit and setpriv give a cold one: a new
session, the resource limits, the kernel environment, the student's folder as working directory, no capabilities
(bounding set emptied), no new privileges, and when grading as root the sandbox's user id. Each kernel is a fresh
fork of the template, which has run no one's code: nothing of another student's kernel can be in it.

Anything that goes wrong on the warm path (no template, a template that died, namespaces it cannot enter) makes
the kernel start cold instead; see :class:`course.grading.sandbox.SandboxKernelManager`.
"""

import atexit
import ctypes
import json
import os
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import threading

#: What the template imports: the kernel and what it imports as it starts, what the first cell of every notebook
#: imports, and pandas' tables as notebooks show them (not matplotlib: it fixes its folders when imported).
PRELOAD = (
    "ipykernel.kernelapp",
    "ipykernel_launcher",
    "ipykernel.ipkernel",
    "ipykernel.debugger",
    "IPython.core.debugger",
    "IPython.core.oinspect",
    "IPython.core.completerlib",
    "IPython.extensions.storemagic",
    "tornado.platform.asyncio",
    "pandas",
    "pandas.io.formats.style",
    "course",
)
#: The holder's exit status when the kernel could not be started warm (the grader then starts it cold).
WARM_FAILED = 97
#: Marker in the sandbox's stderr when that happens.
WARM_FAILED_MARK = "warm kernel could not start"
#: Namespaces the holder passes, in this order (the user namespace first: it gives the right to join the others).
NAMESPACES = ("user", "mnt", "pid", "net", "ipc", "uts", "cgroup")

#: The program bwrap runs in a warm sandbox (``python -S -c HOLDER <socket>``): standard library only.
HOLDER = f"""
import os, socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
fds = [os.open("/proc/self/ns/" + n, os.O_RDONLY) for n in {NAMESPACES!r}] + [0, 1, 2]
socket.send_fds(s, [b"go"], fds)
for fd in fds[:-3]:
    os.close(fd)
said = b""
while True:
    chunk = s.recv(4096)
    if not chunk:
        break
    said += chunk
code, _, why = said.decode(errors="replace").partition(" ")
if why:
    os.write(2, why.encode() + b"\\n")
os._exit(int(code) if code.isdigit() else {WARM_FAILED})
"""

#: Modules the template imports to run (course.grading when the preloads did not), removed in each kernel.
_OWN_MODULES = ("course.grading.warm", "course.grading")

_CLONE = {
    "user": 0x10000000,
    "mnt": 0x00020000,
    "pid": 0x20000000,
    "net": 0x40000000,
    "ipc": 0x08000000,
    "uts": 0x04000000,
    "cgroup": 0x02000000,
}
_NS_GET_PARENT = 0xB702
_PR_SET_PDEATHSIG, _PR_CAPBSET_DROP, _PR_SET_NO_NEW_PRIVS, _PR_CAP_AMBIENT = 1, 24, 38, 47


def _libc():
    return ctypes.CDLL(None, use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


# ---- the grader's side ---------------------------------------------------------------------------------------


class Template:
    """The template process of this grading process: started on first use, stopped with the process."""

    def __init__(self, python: str, env: dict):
        self.python = python
        # the kernels' environment; each kernel gets its own (its matplotlib folder, jupyter's variables) at fork
        env = {k: v for k, v in env.items() if not k.startswith("JPY_") and k != "MPLCONFIGDIR"}
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        self.said = tempfile.TemporaryFile()  # what the template writes (why it stopped, if it does)
        self.process = subprocess.Popen(
            # sys.path as a kernel's, without the kernel's folder (put first at each fork)
            [python, "-c", "import sys; del sys.path[0]; from course.grading.warm import serve; serve()"],
            stdin=theirs,
            stdout=subprocess.DEVNULL,
            stderr=self.said,
            env=env,
            cwd="/",
            start_new_session=True,  # the teacher's Ctrl+C is for the grading run, which stops the template
        )
        theirs.close()
        ours.settimeout(60)  # the template answers at once, or it is not well
        self.channel = ours
        self.lock = threading.Lock()

    def alive(self) -> bool:
        return self.process.poll() is None

    def fork_kernel(self, listener: socket.socket, request: dict) -> None:
        """Ask the template for a kernel that enters the sandbox whose holder connects to ``listener``."""
        data = json.dumps(request).encode()
        with self.lock:
            socket.send_fds(self.channel, [len(data).to_bytes(4, "big") + data], [listener.fileno()])
            answer = self.channel.recv(2)
        if answer != b"ok":
            self.said.seek(0)
            last = self.said.read().decode(errors="replace").strip().splitlines()[-1:]
            raise OSError(f"the warm-kernel template did not answer{': ' + last[0] if last else ''}")

    def stop(self) -> None:
        if self.alive():
            self.process.kill()
            self.process.wait(10)
        self.channel.close()
        self.said.close()


_template = None


def template(python: str, env: dict) -> Template:
    """This process's template, started (again) if it is not running; OSError if it cannot start."""
    global _template
    if _template is not None and (not _template.alive() or _template.python != python):
        stop_template()
    if _template is None:
        _template = Template(python, env)
        atexit.register(stop_template)  # stopped with this process (stop_template unregisters it)
    return _template


def stop_template() -> None:
    global _template
    atexit.unregister(stop_template)
    if _template is not None:
        _template.stop()
        _template = None


# ---- the template's side -------------------------------------------------------------------------------------


def serve() -> None:
    """The template: import, then fork one kernel per request read from standard input until it closes."""
    _check(_libc().prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "prctl")
    import importlib

    before = dict(os.environ)
    for name in PRELOAD:
        importlib.import_module(name)
    # what the imports set in the environment (debugpy does), as they would in a cold kernel
    added = {k: v for k, v in os.environ.items() if before.get(k) != v}
    if len(os.listdir("/proc/self/task")) != 1:  # a fork copies one thread: locks held by others stay held
        raise SystemExit("the template must have one thread (is OPENBLAS_NUM_THREADS=1 set?)")
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the entering children are reaped by the system
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    channel = socket.socket(fileno=0)
    while True:
        head, fds, _, _ = socket.recv_fds(channel, 4, 1)
        if len(head) < 4:
            return
        size, data = int.from_bytes(head, "big"), b""
        while len(data) < size:
            chunk = channel.recv(size - len(data))
            if not chunk:
                return
            data += chunk
        request = json.loads(data)
        if os.fork() == 0:
            code = 1
            try:
                channel.close()
                request["env"] = {**added, **request["env"], "PWD": request["cwd"]}  # bwrap --chdir sets PWD
                _enter(socket.socket(fileno=fds[0]), request)
                code = 0
            finally:
                os._exit(code)
        for fd in fds:
            os.close(fd)
        channel.sendall(b"ok")


def _enter(listener: socket.socket, request: dict) -> None:
    """In a fresh fork of the template: take the holder's namespaces, start the kernel in them, report its end."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    _check(_libc().prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "prctl")
    listener.settimeout(60)
    holder, _ = listener.accept()
    listener.close()
    try:
        os.unlink(request["socket"])
    except OSError:
        pass
    holder.settimeout(None)
    try:
        _, fds, _, _ = socket.recv_fds(holder, 16, len(NAMESPACES) + 3)
        namespaces, stdio = dict(zip(NAMESPACES, fds)), fds[len(NAMESPACES) :]
        _join(namespaces)
        for fd in namespaces.values():
            os.close(fd)
        kernel = os.fork()
    except Exception as exc:  # the grader starts the next kernel cold
        holder.sendall(f"{WARM_FAILED} {WARM_FAILED_MARK}: {type(exc).__name__}: {exc}".encode())
        return
    if kernel == 0:
        holder.close()
        _run_kernel(request, stdio)
    for fd in stdio:
        os.close(fd)
    _, status = os.waitpid(kernel, 0)
    code = os.waitstatus_to_exitcode(status)
    try:
        holder.sendall(str(code if code >= 0 else 128 - code).encode())  # as bwrap reports a signal: 128 + N
    except OSError:
        pass


def _join(namespaces: dict) -> None:
    """Enter the sandbox's namespaces. Unprivileged, bwrap nests a second user namespace (``--disable-userns``):
    enter its parent first, which gives the right to join the others, then the inner one."""
    libc = _libc()
    # ours, read before joining anything: once in the sandbox's mount namespace, /proc is the sandbox's
    ours = {name: os.stat(f"/proc/self/ns/{name}").st_ino for name in NAMESPACES}

    def _same(fd: int, name: str) -> bool:
        return os.fstat(fd).st_ino == ours[name]

    user = namespaces["user"]
    inner = None
    if not _same(user, "user"):
        outer = _ioctl_parent(user)
        if outer is not None and not _same(outer, "user"):
            _check(libc.setns(outer, _CLONE["user"]), "setns user (outer)")
            inner = user
        else:
            inner = None
            _check(libc.setns(user, _CLONE["user"]), "setns user")
        if outer is not None:
            os.close(outer)
    for name in NAMESPACES[1:]:
        if not _same(namespaces[name], name):
            _check(libc.setns(namespaces[name], _CLONE[name]), f"setns {name}")
    if inner is not None:
        _check(libc.setns(inner, _CLONE["user"]), "setns user (inner)")


def _ioctl_parent(fd: int):
    import fcntl

    try:
        return fcntl.ioctl(fd, _NS_GET_PARENT)
    except OSError:
        return None


def _run_kernel(request: dict, stdio: list) -> None:
    """The kernel, inside the sandbox: finish what bwrap, prlimit and setpriv do for a cold one, then run it."""
    code, started = 1, False
    try:
        os.setsid()
        libc = _libc()
        _check(libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "prctl")
        for target, fd in enumerate(stdio):
            os.dup2(fd, target)
        os.closerange(3, _max_fd())
        for name, (soft, hard) in request["limits"].items():  # course.grading.sandbox.rlimits, as prlimit's
            resource.setrlimit(getattr(resource, f"RLIMIT_{name}"), (soft, hard))
        _drop_privileges(libc, request.get("uid"), request.get("gid"))
        os.environ.clear()
        os.environ.update(request["env"])
        os.chdir(request["cwd"])
        sys.path.insert(0, request["cwd"])  # as ``python -m`` does
        for name in _OWN_MODULES:  # the template's own code: grading side, not the kernel's
            parent, _, child = name.rpartition(".")
            if sys.modules.pop(name, None) is not None and parent in sys.modules:
                sys.modules[parent].__dict__.pop(child, None)
        sys.argv = [request["argv"][0]] + request["argv"][3:]
        import random

        random.seed()
        import runpy

        started = True
        runpy.run_module(request["argv"][2], run_name="__main__", alter_sys=True)
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    except BaseException as exc:
        what = "the kernel failed" if started else WARM_FAILED_MARK
        os.write(2, f"{what}: {type(exc).__name__}: {exc}\n".encode())
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def _max_fd() -> int:
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


def _drop_privileges(libc, uid, gid) -> None:
    """No capabilities left or to come back, and as root the sandbox's user (what setpriv does for a cold one)."""
    last = int(open("/proc/sys/kernel/cap_last_cap").read())
    for cap in range(last + 1):
        _check(libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0), "drop bounding set")
    _check(libc.prctl(_PR_CAP_AMBIENT, 4, 0, 0, 0), "clear ambient capabilities")
    if uid is not None:
        os.setgroups([])
        os.setresgid(gid, gid, gid)
        os.setresuid(uid, uid, uid)
    header, data = _CapHeader(0x20080522, 0), (_CapData * 2)()
    _check(libc.capset(ctypes.byref(header), data), "capset")
    _check(libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no new privileges")


_broken = None


def give_up(why: str) -> None:
    """A warm kernel failed before the student's code ran: start this process's later kernels cold."""
    global _broken
    _broken = why
    stop_template()


def unusable():
    """Why warm kernels are not used in this process (a failure seen), or None."""
    return _broken
