"""Grading several students at once, each in a worker process of its own (``course grade --jobs N``).

Each worker builds its own nbgrader machinery from the teacher's configuration and grades one student at a time
exactly as a serial run does (course.teacher.classroom.Classroom._grade_with_retries: screening, the sandboxed
kernel, the verdict outside it, retries of a machine that stumbles). Only this process writes the journal, so
``--resume`` stays exact; the gradebook's writers wait for each other (SQLite's busy timeout, or PostgreSQL).

Isolation between workers: every kernel is still alone in its sandbox; when grading as root, each worker's kernels
run under a user id of their own (:data:`WORKER_UID_BASE` + the worker's pid), so the process limit of one
student's sandbox (a fork bomb) can never use up another's. A worker that dies leaves its students "not graded"
(no zero; graded by the next run). Ctrl+C stops every worker; what was graded is kept. See docs/performance.md,
"Parallel grading".
"""

import contextlib
import os
import signal
import sys
import warnings
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from multiprocessing import get_context
from pathlib import Path

from ..grading.report import MACHINE_REASON, NOT_GRADED, Outcome
from ..grading.sandbox import SANDBOX_UID_ENV, prepare_warm_kernels
from ..paths import PACKAGE

#: Kernels of worker pid P run as user id WORKER_UID_BASE + P (no such user exists: a number only the sandbox uses).
WORKER_UID_BASE = 2_000_000

_room = None  # the worker's own Classroom


def _die_with_parent(parent: int) -> None:
    """Linux: this worker is killed when the grading run dies (even by SIGKILL), its kernels with it, so nothing
    goes on grading behind the next run."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # it died before the line above took effect
        os._exit(1)


def _start_worker(root, work, sandbox, config, parent) -> None:
    global _room
    from .classroom import Classroom

    _die_with_parent(parent)
    # The teacher's Ctrl+C is handled by the parent, which stops the workers: a worker must not record a
    # half-graded student as nbgrader would on an interrupt.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # nbgrader 0.9.6 with SQLAlchemy 2 warns "not in session" on every autograde: harmless, and a fresh process
    # does not have the command line's filter of it
    warnings.filterwarnings("ignore", message=".*not in session.*")
    os.environ[SANDBOX_UID_ENV] = str(WORKER_UID_BASE + os.getpid())
    _room = Classroom(root, work, sandbox=sandbox)
    _room.config.merge(config)
    if sandbox:
        prepare_warm_kernels(_room.config)


def _grade(assignment: str, student: str, feedback: bool) -> Outcome:
    return _room._grade_one(assignment, student, feedback)


def default_jobs() -> int:
    """As many students at once as the machine has processors for this process."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def grade_in_parallel(room, assignment: str, todo: list, jobs: int, graded, feedback: bool = False) -> list[int]:
    """Grade ``todo`` ([(student, submission time)]) on ``jobs`` workers (each writing the student's feedback
    right after, with ``feedback``); ``graded(student, time, outcome)`` is called in this process as each one
    finishes. The workers' process ids are returned (their kernels' private folders are named after them)."""
    stamps, workers = dict(todo), {}
    with _this_package_first():
        return _grade_in_pool(room, assignment, todo, jobs, graded, stamps, workers, feedback)


def _shadows(entry: str) -> bool:
    """Whether the import path ``entry`` ('' is the working directory) holds a ``course`` other than this one."""
    folder = Path(entry or os.getcwd())
    found = [folder / "course" / "__init__.py", folder / "course.py"]
    return any(p.is_file() and p.resolve().parent != PACKAGE and p.resolve() != PACKAGE for p in found)


@contextlib.contextmanager
def _this_package_first():
    """The workers import the package of the environment that runs `course`, never a copy in the course directory.

    A spawned worker starts with this process's sys.path, and a course directory may hold its own ``course/`` (a
    section cloned from the module's repository) on it: the course's nbgrader_config.py puts its folder first, and
    the working directory may be that folder. The worker would import that copy (even from the end of sys.path,
    when the environment's package is an editable install found by its own finder), and its kernels could not
    import it at all: the sandbox hides the course directory. So such entries are left out while the workers
    start. The worker reads the course's nbgrader_config.py again, which puts its folder back, so a teacher's own
    modules there (a late-penalty plugin) are still found; this process has already imported its package."""
    before = list(sys.path)
    sys.path[:] = [entry for entry in before if not _shadows(entry)]
    try:
        yield
    finally:
        sys.path[:] = before


def _grade_in_pool(
    room, assignment: str, todo: list, jobs: int, graded, stamps: dict, workers: dict, feedback: bool
) -> list[int]:
    pool = ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=get_context("spawn"),  # a fresh interpreter: nothing of this process's state is shared
        initializer=_start_worker,
        initargs=(room.root, room.work, room.sandbox, room.config, os.getpid()),
    )
    try:
        futures = {pool.submit(_grade, assignment, student, feedback): student for student, _ in todo}
        pending = set(futures)
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                student = futures[future]
                try:
                    outcome = future.result()
                except Exception as exc:  # noqa: BLE001 - the worker died: not the student's failure
                    outcome = Outcome(
                        student,
                        assignment,
                        NOT_GRADED,
                        f"{MACHINE_REASON}: the grading worker stopped ({type(exc).__name__})",
                    )
                graded(student, stamps[student], outcome)
                workers.update(getattr(pool, "_processes", {}) or {})
    except BaseException:  # Ctrl+C, SIGTERM, or a run stopped by the machine (a full disk)
        for process in list(getattr(pool, "_processes", {}).values()):  # their kernels die with them
            process.terminate()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        # a worker that died could not put back the student it was grading; now that every worker is gone, no
        # one else writes their entries (course.grading.undo)
        room._put_back_unfinished(assignment)
    return sorted(workers)
