"""The course's verdict on each submission, where the teacher grades: nbgrader's formgrader.

A submission that was not graded normally (flagged for tampering, an error, a time-out, a dead kernel, a notebook
that could not be read) is *flagged* in the gradebook, which the formgrader's lists show, and its reason is put as
the automatic comment of its first commented cell, which the formgrader shows in that cell's comment box. A
submission that could not be graded at all still gets a (zero) submission, so it appears with the rest. The note
starts with :data:`NOTE`; the student's feedback never shows it (course.grading.feedback.StudentView).
"""

from nbgrader.api import MissingEntry

from .report import NOT_GRADED, Outcome

#: The start of the course's comment in the gradebook: for the teacher only.
NOTE = "Grader's note (not shown to the student): "


def note_outcome(gb, outcome: Outcome, order: list | None = None) -> None:
    """Flag and explain ``outcome`` in the gradebook; a normal result clears an earlier note and flag. ``order``:
    the grade ids in notebook order, so the note lands on the first commented cell the teacher meets."""
    order = order or []
    if outcome.status == NOT_GRADED:
        return  # the machine failed, not the submission: graded again by the next run
    shown = outcome.status != "graded"
    summary = outcome.summary()
    words = f"{NOTE}{outcome.status}: {summary}" if shown else (f"{NOTE}{summary}" if _worth_noting(outcome) else "")
    try:
        submission = gb.find_submission(outcome.assignment, outcome.student)
    except MissingEntry:
        if not shown:
            return
        gb.update_or_create_student(outcome.student)
        submission = gb.add_submission(outcome.assignment, outcome.student)
    for notebook in submission.notebooks:
        notebook.flagged = shown
    first = True
    for notebook in submission.notebooks:
        for comment in sorted(notebook.comments, key=lambda c: (_position(order, c.cell.name), c.cell.name)):
            if first and words:
                comment.auto_comment, first = words, False
            elif comment.auto_comment and comment.auto_comment.startswith(NOTE):
                comment.auto_comment = None
    gb.db.commit()


def _worth_noting(outcome: Outcome) -> bool:
    """A normal result with something the teacher should know (a missing quiz file, late work, cut output)."""
    return any(not note.endswith("answer(s) left blank") for note in outcome.notes)


def _position(order: list, name: str) -> int:
    return order.index(name) if name in order else len(order)
