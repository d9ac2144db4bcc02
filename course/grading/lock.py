"""One grading run per assignment at a time.

Two runs of ``course grade`` on the same assignment (two terminals, two assistants, a scheduled job that
overlaps) would grade into the same folders, and one removes what the other is grading. The run that
comes second is refused at once, with who holds the assignment and since when.

The lock is the operating system's (``flock``) on ``work/grading/<assignment>.lock``: it is released when
the run ends however it ends, so a run that was killed leaves nothing that blocks the next one. The file
only says who holds it. See docs/grading-safety.md, "The grading machine".
"""

import contextlib
import datetime
import fcntl
import getpass
import json
import os
import socket
from pathlib import Path


class GradingInProgress(RuntimeError):
    """Another run is grading this assignment; the message says who and since when."""


@contextlib.contextmanager
def grading_lock(folder: Path, assignment: str, resume: str = ""):
    """Hold ``assignment`` for this process while the block runs, or raise GradingInProgress at once; its message
    names ``resume``, the command that carries on what the other run graded."""
    path = Path(folder) / f"{assignment}.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o664)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise GradingInProgress(_refusal(assignment, _holder(path), resume)) from None
        os.ftruncate(fd, 0)
        os.write(
            fd,
            json.dumps(
                {
                    "user": getpass.getuser(),
                    "host": socket.gethostname(),
                    "pid": os.getpid(),
                    "since": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
                }
            ).encode(),
        )
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _holder(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # the holder is still writing it


def _refusal(assignment: str, holder: dict, resume: str) -> str:
    who = (
        (
            f"{holder.get('user', '?')} on {holder.get('host', '?')} (process {holder.get('pid', '?')}), "
            f"since {holder.get('since', '?')}"
        )
        if holder
        else "another run that has just started"
    )
    return (
        f"{assignment} is already being graded by {who}. Nothing was done. Wait for that run to end "
        f"(or stop it), then run `{resume or f'course grade {assignment} --resume'}` to keep what it graded."
    )
