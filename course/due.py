"""A student's due date, where they work (docs/running-a-class.md, "Extensions and accommodations").

``course release`` puts ``assignment.json`` beside the released notebook: the class's due date (``--due``), and the
folder of the exchange where ``course extend`` leaves a student's own date, one file each, readable by that student
alone.
Check my work says which applies and how long is left. Kernel side: two small files, never the gradebook.
"""

import getpass
import json
import os
from datetime import datetime, timezone
from pathlib import Path

from .paths import RELEASE_FILE

__all__ = ["due_date", "due_in_words"]


def due_date(folder: str | os.PathLike | None = None, student: str | None = None) -> tuple[datetime | None, bool]:
    """(due, extended): the student's due date for the assignment in ``folder`` (aware, in the teacher's zone), and
    whether it is their own; (None, False) when the teacher gave none."""
    path = Path(folder or Path.cwd()) / RELEASE_FILE
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
        due = datetime.fromisoformat(found["due"])
    except (OSError, ValueError, KeyError, TypeError):  # none, no due date, or damaged
        return None, False
    own = found.get("own_due")
    student = student or os.environ.get("JUPYTERHUB_USER") or _user()
    if own and student:
        try:
            mine = json.loads((Path(own) / f"{student}.json").read_text(encoding="utf-8"))
            return datetime.fromisoformat(mine["until"]), True
        except (OSError, ValueError, KeyError, TypeError):
            pass  # none, or not theirs to read
    return due, False


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


def due_in_words(due: datetime, extended: bool, now: datetime | None = None) -> str:
    """ "Due Friday 8 March 2019, 17:00 (UTC+07:00): in 2 days." ("Your own due date ..." once extended.)"""
    now = now or datetime.now(timezone.utc)
    left = due - now
    seconds = abs(left.total_seconds())
    days, hours = int(seconds // 86400), int(seconds % 86400 // 3600)
    span = (
        f"{days} day{'s' if days != 1 else ''}"
        if days
        else f"{hours} hour{'s' if hours != 1 else ''}"
        if hours
        else "less than an hour"
    )
    when = f"{due:%A} {due.day} {due:%B %Y, %H:%M} ({_zone(due)})"
    head = f"Your own due date (extended): {when}" if extended else f"Due {when}"
    return f"{head}: in {span}." if left.total_seconds() > 0 else f"{head}: {span} ago."


def _zone(when: datetime) -> str:
    offset = when.utcoffset()
    if not offset:
        return "UTC"
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
