"""Where the module's parts live on disk."""

import os
from pathlib import Path

#: The installed package; it serves any course directory (find_course), as nbgrader serves any course.
PACKAGE = Path(__file__).resolve().parent

#: The module's own repository, where the package sits in a clone (make, the tests, the benchmark use it).
PROJECT = PACKAGE.parent
SOURCE = PROJECT / "source"
RELEASE = PROJECT / "release"
SAMPLE_CLASS = PROJECT / "sample_class"

#: Environment variable naming the course directory when the working directory is not inside it.
COURSE_ENV = "COURSE_DIR"

#: The folder, inside the course directory, for what nbgrader writes (git ignores it): gradebook, exchange,
#: submissions, feedback, unless the course's nbgrader_config.py puts them elsewhere (a hub: docs/hub.md).
WORK_FOLDER = "work"
WORK = PROJECT / WORK_FOLDER

#: The module's own assignments in teaching order (ids are nbgrader assignment ids and folder names). A teacher's
#: own assignment needs no entry: any folder of source/ with a notebook is one (see graded_assignments).
ASSIGNMENTS = ["summit_outcome", "sanctions_relief", "middle_powers"]

#: Read first: an ungraded notebook released with the assignments (learning goals, readings, how to submit).
OVERVIEW = "course_overview"

#: Everything generate/release handles, in the order students should meet it.
RELEASED = [OVERVIEW] + ASSIGNMENTS

#: The file a graded quiz writes beside the notebook; see course.quiz.
ANSWERS_FILE = "quiz_answers.json"
#: Beside a released notebook: its due date, where a student's own date is kept (course.due) and where regrade
#: requests go (course.regrade).
RELEASE_FILE = "assignment.json"


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


class NoCourse(LookupError):
    """No course directory where one was looked for; the message says how to name one."""


def is_course(folder: Path) -> bool:
    """A course directory holds nbgrader_config.py and source/ (the instructor's notebooks)."""
    return (Path(folder) / "nbgrader_config.py").is_file() and (Path(folder) / "source").is_dir()


def find_course(given: Path | str | None = None, cwd: Path | None = None) -> Path:
    """The course directory ``course`` commands serve, found as nbgrader finds its nbgrader_config.py:
    ``given`` (the --course option), else $COURSE_DIR, else the working directory or the nearest folder above
    it that is a course, else the module's own checkout when the package runs from one (make, the tests)."""
    for named, how in ((given, "--course"), (os.environ.get(COURSE_ENV), f"${COURSE_ENV}")):
        if named:
            folder = Path(named).expanduser().resolve()
            if not (folder / "source").is_dir():  # named on purpose: its nbgrader_config.py may come later
                raise NoCourse(
                    f"{how} names {folder}, which is not a course directory: it has no source/ folder "
                    "(the instructor's notebooks)."
                )
            return folder
    here = Path(cwd or Path.cwd()).resolve()
    for folder in [here, *here.parents]:
        if is_course(folder):
            return folder
    if is_course(PROJECT):
        return PROJECT
    raise NoCourse(
        f"{here} is not in a course directory (a folder with nbgrader_config.py and source/). Run course there, "
        f"or name it: course --course DIR ... (or set {COURSE_ENV}). A new course starts as a copy of the "
        "module's repository: docs/hub.md."
    )
