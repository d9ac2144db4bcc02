"""Asking for a regrade of one question, from the notebook (docs/running-a-class.md, "Regrade requests").

``request_regrade("C.2", "why ...")`` sends the request through nbgrader's exchange, into a folder where every
student may leave a file but none may list what is there (as nbgrader's own inbound), named so that no one can guess
it; the teacher lists them with ``course regrades``, decides, and the answer comes back with the feedback. A copy of
each request is kept beside the notebook (``regrade_requests.json``). Kernel side: writes two small files.
"""

import json
import os
import secrets
from datetime import datetime, timezone
from pathlib import Path

from .paths import RELEASE_FILE

__all__ = ["request_regrade"]

SENT = "regrade_requests.json"
#: Shortest reason the teacher can act on.
LEAST_WORDS = 5


def request_regrade(question: str, why: str, folder: str | os.PathLike | None = None) -> None:
    """Ask your teacher to look again at ``question`` ("C.2", as the feedback names it) of this assignment, saying
    ``why`` in a sentence or two. Only after your feedback has come back (Fetch Feedback); one request per question."""
    folder = Path(folder or Path.cwd())
    said = _send(question, why, folder)
    print(said)


def _send(question: str, why: str, folder: Path) -> str:
    from .labels import questions_of

    try:
        release = json.loads((folder / RELEASE_FILE).read_text(encoding="utf-8"))
        dropbox = Path(release["regrades"])
    except (OSError, ValueError, KeyError, TypeError):
        return (
            "This notebook did not come from your course's Assignments tab (its assignment.json is missing), so a "
            "request cannot reach your teacher from here: ask them directly."
        )
    import nbformat

    asked = []
    for path in sorted(folder.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        asked += [q or c.get("metadata", {}).get("nbgrader", {}).get("grade_id") for c, q in questions_of(nb.cells)]
    if question not in asked:
        named = ", ".join(dict.fromkeys(q for q in asked if q))
        return f"There is no question {question!r} in this assignment. Its questions: {named}."
    if len(str(why).split()) < LEAST_WORDS:
        return (
            f"Say why in a sentence or two (at least {LEAST_WORDS} words): what you answered, and why you think it "
            "deserves more points. Your teacher reads it beside your answer."
        )
    if not any((folder / "feedback").glob("*/*.html")):
        return (
            "Your feedback has not come back yet: a regrade can be asked for once it has (Assignments tab, Fetch "
            "Feedback)."
        )
    sent = _sent(folder)
    if any(r["question"] == question for r in sent):
        return f"You already asked for a regrade of {question}: your teacher's answer comes back with your feedback."
    student = os.environ.get("JUPYTERHUB_USER") or _user()
    now = datetime.now(timezone.utc)
    request = {
        "student": student,
        "assignment": folder.name,
        "question": question,
        "why": str(why).strip(),
        "sent": now.isoformat(timespec="seconds"),
    }
    name = f"{student}+{folder.name}+{now:%Y%m%dT%H%M%S}+{secrets.token_urlsafe(12)}.json"
    try:
        (dropbox / name).write_text(json.dumps(request, indent=1), encoding="utf-8")
        (dropbox / name).chmod(0o644)  # the teacher's account reads it; no one else can find it
    except OSError as exc:
        return f"The request could not be sent ({exc.strerror}): ask your teacher directly, and tell them so."
    (folder / SENT).write_text(json.dumps(sent + [request], indent=1), encoding="utf-8")
    return (
        f"Sent: your request for a regrade of {question} reached your teacher's list at {now.astimezone():%H:%M}. "
        "Their answer comes back with your feedback (Assignments tab, Fetch Feedback)."
    )


def _sent(folder: Path) -> list:
    try:
        return json.loads((folder / SENT).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []


def _user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
