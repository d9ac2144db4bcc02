"""The nbgrader configuration of a course directory.

One function builds it, so the project's ``nbgrader_config.py``, the teacher's command line and
the tests (which build course directories in temporary folders) all grade the same way. What the teacher adds
in the course's ``nbgrader_config.py`` after the course's own settings (late penalties, what feedback shows,
time limits) applies to the ``course`` commands too (:func:`teacher_settings`).
"""

import contextlib
from contextvars import ContextVar
from pathlib import Path

from nbgrader.preprocessors import Execute
from traitlets.config import Config

from ..paths import ANSWERS_FILE, PACKAGE, PROJECT, WORK_FOLDER, find_course, graded_assignments, is_course
from .computed import ShiftedRun
from .sandbox import DEFAULT_LIMITS, GuardedExecute, sandbox_enabled
from .verdict import DecideOutside, RecordAnswers

COURSE_ID = "hanoi-summit"

#: Seconds one cell may run under autograde before it is interrupted. The module's cells finish
#: in well under a second; a cell that runs this long is a loop that will not end.
CELL_TIMEOUT = 15

#: Seconds a step waits for a gradebook that another program holds before it gives up (and the student is
#: graded again by course.teacher.classroom). SQLite's own default is 5 s.
GRADEBOOK_BUSY_TIMEOUT = 30

#: Limits of each autograde kernel in the sandbox (see course.grading.sandbox): address space, processor
#: seconds, processes and threads, largest file written. The module's notebooks need about 1 GiB.
SANDBOX_LIMITS = {
    "memory_limit": DEFAULT_LIMITS["memory"],
    "cpu_limit": DEFAULT_LIMITS["cpu_seconds"],
    "process_limit": DEFAULT_LIMITS["processes"],
    "file_size_limit": DEFAULT_LIMITS["file_size"],
}


def course_config(root: Path | None = None, work: Path | None = None, sandbox=None) -> Config:
    """nbgrader settings for a course whose source/ and release/ sit in ``root`` (default: find_course()).

    Everything nbgrader writes (exchange, submissions, autograded copies, feedback, gradebook)
    goes under ``work``, a folder git ignores. Autograde runs each kernel in the sandbox of
    course.grading.sandbox unless ``sandbox`` is False (None: the environment variable COURSE_SANDBOX decides,
    "off" grades without it).
    """
    if _TEACHER_ONLY.get():
        return Config()  # nbgrader_config.py read for the teacher's own lines only (teacher_settings)
    root = Path(root).resolve() if root else find_course()
    work = Path(work).resolve() if work else root / WORK_FOLDER
    c = Config()
    c.CourseDirectory.course_id = COURSE_ID
    c.CourseDirectory.root = str(root)
    c.CourseDirectory.source_directory = "source"
    c.CourseDirectory.release_directory = "release"
    # Absolute step folders: os.path.join(root, "/abs/...") keeps them under work/.
    c.CourseDirectory.submitted_directory = str(work / "submitted")
    c.CourseDirectory.autograded_directory = str(work / "autograded")
    c.CourseDirectory.feedback_directory = str(work / "feedback")
    c.CourseDirectory.solution_directory = str(work / "solution")
    # A gradebook held by another reader (the formgrader, an export, a teacher's SQLite browser) is waited
    # for, not an error: SQLite's busy timeout, in seconds (docs/grading-safety.md, "The grading machine").
    c.CourseDirectory.db_url = f"sqlite:///{work / 'gradebook.db'}?timeout={GRADEBOOK_BUSY_TIMEOUT}"
    # SQLite creates the gradebook but not its folder: without it, nbgrader's own tools in a fresh clone fail
    # with "upgrade your database" (a hub's folder is made by its admin, and may not be ours to make)
    with contextlib.suppress(OSError):
        work.mkdir(parents=True, exist_ok=True)
    c.Exchange.root = str(work / "exchange")
    c.Exchange.path_includes_course = True
    # A student fetching in JupyterLab on this machine (the Assignments tab of `make lab`) gets the assignments in
    # the work folder, not beside source/ in the course's own folder (a hub's students have their own settings)
    c.Exchange.assignment_dir = str(work / "student")
    c.Execute.timeout = CELL_TIMEOUT
    # No history file per graded kernel, and no ipykernel start-up warnings in the teacher's terminal.
    c.Execute.extra_arguments = ["--HistoryManager.hist_file=:memory:", "--IPKernelApp.log_level=ERROR"]
    # nbgrader's Execute, guarded: kernel in the sandbox, output capped, kernels that die or ignore
    # interrupts reported on the cell that did it (see course.grading.sandbox). Around it, the test cells are
    # decided outside the kernel: the kernel only records answers (see course.grading.verdict).
    c.Autograde.autograde_preprocessors = _autograde_steps()
    c.Autograde.sanitize_preprocessors = _sanitize_steps()
    # nbconvert validates the whole notebook after each of autograde's 14 steps; once, after the last, is enough
    # to refuse a broken one (docs/performance.md)
    c.Exporter.optimistic_validation = True
    c.GuardedExecute.sandbox = sandbox_enabled(sandbox)
    # The module's own clone holds its instructors' notebooks too, when the package runs from one.
    c.SandboxKernelManager.hidden = [str(root), str(work)] + ([str(PROJECT)] if is_course(PROJECT) else [])
    for name, value in SANDBOX_LIMITS.items():
        setattr(c.SandboxKernelManager, name, value)
    # A student's recorded quiz answers are a file beside the notebook: it must survive
    # autograde's "overwrite with the master copy" step even if an instructor's copy exists.
    c.Autograde.exclude_overwriting = {a: [ANSWERS_FILE] for a in graded_assignments(root)}
    c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
    # The student version keeps the value checks of an assignment in practice mode (course.grading.practice)
    c.GenerateAssignment.preprocessors = _generate_steps()
    _feedback(c, root, work)
    c.merge(teacher_settings(root))
    return c


#: Set while the course's nbgrader_config.py is read for the teacher's settings: its own call of course_config()
#: then adds nothing, so what is read is the teacher's lines alone, not the course's settings for other folders.
_TEACHER_ONLY: ContextVar[bool] = ContextVar("teacher_only", default=False)


class SettingsError(ValueError):
    """The course's nbgrader_config.py cannot be read; the message names the file and the error."""


def teacher_settings(root: Path) -> Config:
    """The settings the teacher wrote in ``root/nbgrader_config.py`` (an empty Config if there is none)."""
    from traitlets.config.loader import PyFileConfigLoader

    path = Path(root) / "nbgrader_config.py"
    if not path.is_file():
        return Config()
    token = _TEACHER_ONLY.set(True)
    try:
        return PyFileConfigLoader(path.name, str(path.parent)).load_config()
    except Exception as exc:  # a teacher's typo: say where, not a traceback from inside traitlets
        raise SettingsError(f"{path} could not be read: {type(exc).__name__}: {exc}") from None
    finally:
        _TEACHER_ONLY.reset(token)


def _feedback(c: Config, root: Path, work: Path) -> None:
    """Feedback named question by question, answers not graded yet awaiting the teacher (course.grading.feedback)."""
    import os

    import nbgrader
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
    from nbgrader.preprocessors import GetGrades

    from .feedback import TEMPLATES, FeedbackExporter, LabelFeedback, RegradeAnswers, StudentView
    from .rubric import RubricAsHeading

    formgrader = os.path.join(os.path.dirname(nbgrader.__file__), "server_extensions", "formgrader")
    c.GenerateFeedback.preprocessors = [
        GetGrades,
        LabelFeedback,
        StudentView,
        RegradeAnswers,
        CSSHTMLHeaderPreprocessor,
    ]
    # What the student sees (hidden tests, quiz keys, rubrics): course.grading.feedback.FeedbackPolicy
    c.FeedbackPolicy.release_directory = str(root / "release")
    c.FeedbackPolicy.submitted_directory = str(work / "submitted")
    # nbgrader asks for the template "feedback" by name: the course's, first here, is found before nbgrader's. Set
    # for feedback's exporter only: the formgrader renders submissions with HTMLExporter and its "formgrade" template.
    c.GenerateFeedback.exporter_class = FeedbackExporter
    c.FeedbackExporter.template_name = "feedback"
    c.FeedbackExporter.extra_template_basedirs = [str(TEMPLATES), os.path.join(formgrader, "templates")]
    # The formgrader renders a submission with HTMLExporter: its rubrics under a heading, not between raw markers.
    # Set on HTMLExporter, so feedback's exporter (a subclass) is told to run none of it (course.grading.rubric).
    c.HTMLExporter.preprocessors = [RubricAsHeading]
    c.FeedbackExporter.preprocessors = []


def _autograde_steps() -> list:
    """nbgrader's autograde steps, with GuardedExecute for Execute, RecordAnswers before it, the second run on
    shifted data after it (ShiftedRun) and DecideOutside before the grades are saved."""
    from nbgrader.converters import Autograde
    from nbgrader.preprocessors import CheckCellMetadata, SaveAutoGrades

    from .metadata import CheckCellMetadataOnce

    steps = []
    for step in Autograde.class_traits()["autograde_preprocessors"].default():
        if step is Execute:
            steps += [RecordAnswers, GuardedExecute, ShiftedRun]
        elif step is SaveAutoGrades:
            steps += [DecideOutside, SaveAutoGrades]
        elif step is CheckCellMetadata:
            steps.append(CheckCellMetadataOnce)
        else:
            steps.append(step)
    if RecordAnswers not in steps or DecideOutside not in steps:
        raise RuntimeError(f"nbgrader's autograde steps changed ({steps}): course.grading.config needs updating")
    return steps


def _generate_steps() -> list:
    """nbgrader's generate_assignment steps, with the hidden tests cleared per assignment (practice mode) and a
    Run All that goes on past a blank answer (course.grading.runall)."""
    from nbgrader.converters import GenerateAssignment
    from nbgrader.preprocessors import ClearHiddenTests

    from .practice import PracticeClearHiddenTests
    from .runall import RunPastErrors

    steps = GenerateAssignment.class_traits()["preprocessors"].default()
    if ClearHiddenTests not in steps:
        raise RuntimeError(f"nbgrader's generate steps changed ({steps}): course.grading.config needs updating")
    steps = [PracticeClearHiddenTests if step is ClearHiddenTests else step for step in steps]
    return steps + [RunPastErrors]


def _sanitize_steps() -> list:
    """nbgrader's steps that put the released cells back, with the metadata check compiled once."""
    from nbgrader.converters import Autograde
    from nbgrader.preprocessors import CheckCellMetadata

    from .metadata import CheckCellMetadataOnce

    steps = Autograde.class_traits()["sanitize_preprocessors"].default()
    return [CheckCellMetadataOnce if step is CheckCellMetadata else step for step in steps]


CONFIG_FILE = '''"""nbgrader's configuration for a copy of the course (written by course.grading.config)."""
import sys
sys.path.insert(0, {project!r})
from course.grading.config import course_config
c = get_config()  # noqa: F821
c.merge(course_config({root!r}, {work!r}))
'''


def write_config_file(root: Path, work: Path) -> Path:
    """Write ``root/nbgrader_config.py`` so nbgrader's own tools (its command line, JupyterLab's
    formgrader) grade a course copied to ``root`` the same way, with ``work`` for their files."""
    path = Path(root) / "nbgrader_config.py"
    path.write_text(
        CONFIG_FILE.format(project=str(PACKAGE.parent), root=str(Path(root).resolve()), work=str(Path(work).resolve())),
        encoding="utf-8",
    )
    return path
