"""Where the module's parts live on disk."""

from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
SOURCE = PROJECT / "source"
RELEASE = PROJECT / "release"
SAMPLE_CLASS = PROJECT / "sample_class"
WORK = PROJECT / "work"  # ignored by git: gradebook, exchange, submissions, feedback

#: The module's own assignments in teaching order (ids are nbgrader assignment ids and folder names). A teacher's
#: own assignment needs no entry: any folder of source/ with a notebook is one (see graded_assignments).
ASSIGNMENTS = ["summit_outcome", "sanctions_relief", "middle_powers"]

#: Read first: an ungraded notebook released with the assignments (learning goals, readings, how to submit).
OVERVIEW = "course_overview"

#: Everything generate/release handles, in the order students should meet it.
RELEASED = [OVERVIEW] + ASSIGNMENTS

#: The file a graded quiz writes beside the notebook; see course.quiz.
ANSWERS_FILE = "quiz_answers.json"


def graded_assignments(root: Path = PROJECT) -> list[str]:
    """The graded assignments of the course whose source/ is under ``root``: the module's own in teaching
    order, then any other folder of source/ holding a notebook (a teacher's own assignment), by name."""
    source = Path(root) / "source"
    present = {p.parent.name for p in source.glob("*/*.ipynb")} - {OVERVIEW}
    return [a for a in ASSIGNMENTS if a in present] + sorted(present - set(ASSIGNMENTS))


def released(root: Path = PROJECT) -> list[str]:
    """Everything generate and release handle, in the order students should meet it."""
    overview = [OVERVIEW] if (Path(root) / "source" / OVERVIEW).is_dir() else []
    return overview + graded_assignments(root)
