"""The teacher's side of the nbgrader cycle, driven through nbgrader's Python API.

generate -> release -> (students fetch, work, submit) -> collect -> autograde -> feedback -> export.
Each step is nbgrader's own; this module strings them together for a whole class, keeps one
broken submission from stopping the rest, and says in plain words what happened to each student.
"""

import contextlib
import copy
import glob
import json
import logging
import math
import os
import re
import shlex
import shutil
import signal
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, InvalidEntry, MissingEntry
from nbgrader.apps import NbGraderAPI
from nbgrader.auth import Authenticator
from nbgrader.coursedir import CourseDirectory
from nbgrader.exchange import ExchangeFactory
from nbgrader.plugins import CsvExportPlugin
from sqlalchemy.exc import OperationalError
from traitlets.config import Config

from ..grading.config import course_config
from ..grading.lock import GradingInProgress, grading_lock
from ..grading.report import (
    DISK_FULL,
    GRADEBOOK_BUSY,
    MACHINE_REASON,
    NOT_GRADED,
    Outcome,
    machine_problem,
    read_autograded,
    submission_problem,
)
from ..grading.sandbox import SANDBOX_ENV, SandboxUnavailable, check_sandbox, prepare_warm_kernels, sandbox_enabled
from ..grading.screening import screen
from ..paths import ANSWERS_FILE, RELEASE_FILE, WORK_FOLDER, find_course, graded_assignments
from .extensions import apply as apply_extension
from .extensions import note_release, publish_assignment_file
from .notebook_text import sync_shared_text
from .status import note_returned

# nbgrader runs `alembic` (its gradebook migrations) by name: make this environment's copy findable
# even when the course is run as .venv/bin/course without activating the environment.
_BIN = str(Path(sys.executable).parent)
if _BIN not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = _BIN + os.pathsep + os.environ.get("PATH", "")


@dataclass
class Returned:
    """What happened to one student's feedback: the files (or None) and what was done, in words."""

    student: str
    files: list | None
    note: str


class StepFailed(RuntimeError):
    """An nbgrader step that concerns the whole class failed; the message says which and why."""

    #: The command line's exit status for it.
    exit_status = 1


class MachineStopped(StepFailed):
    """The grading machine failed in a way every later student would meet too (a full disk): the run stopped at
    once. What was graded is kept; nothing was recorded for the rest, whom ``--resume`` grades."""

    exit_status = 75  # EX_TEMPFAIL, as course grade when students are not graded: run it again

    def __init__(self, problem: str, graded: int, total: int):
        self.problem, self.graded, self.total = problem, graded, total
        super().__init__(problem)


class GradingInterrupted(KeyboardInterrupt):
    """The run was stopped by a signal (Ctrl+C's SIGINT, or SIGTERM from systemd, a job scheduler, Kubernetes)."""

    def __init__(self, signum: int = signal.SIGINT):
        self.signum = signum
        super().__init__(signal.Signals(signum).name)


class Classroom:
    """A course directory: source/ and release/ under ``root``, everything else under ``work``.

    Autograde runs every student's code in the sandbox of course.grading.sandbox; ``sandbox=False`` (or the
    environment variable COURSE_SANDBOX=off when ``sandbox`` is None) grades without it.

    A failure of the grading machine is tried again (a kernel that does not start, by the sandbox's
    GuardedExecute; a gradebook held busy past SQLite's wait, here ``machine_retries`` times after
    ``retry_waits`` seconds); a student it still stops is "not graded", never given a zero, and graded by
    the next run (docs/grading-safety.md).
    """

    machine_retries = 2
    retry_waits = (5.0, 20.0)

    def __init__(self, root: Path | None = None, work: Path | None = None, sandbox=None):
        self.root = Path(root).resolve() if root else find_course()
        self.work = Path(work).resolve() if work else self.root / WORK_FOLDER
        self.work.mkdir(parents=True, exist_ok=True)
        self.sandbox = sandbox_enabled(sandbox)
        self.config = course_config(self.root, self.work, sandbox=self.sandbox)
        Path(self.config.Exchange.root).mkdir(parents=True, exist_ok=True)  # a hub's is made by its admin
        self.api = NbGraderAPI(coursedir=CourseDirectory(config=self.config), config=self.config)
        self.api.log.setLevel(logging.WARNING)  # results are reported by this module; keep warnings
        # nbgrader's gradebook logs a failed commit with its traceback on tornado's logger, which has no handler
        # outside a server (so Python prints it): the outcome of the student says what failed, in one line
        if not logging.getLogger("tornado.application").handlers:
            logging.getLogger("tornado.application").addHandler(logging.NullHandler())
        self._held: set = set()
        self._feedback_app = None  # nbgrader's GenerateFeedback, built once (see _generate_feedback)
        self._feedback_config = None  # the configuration it was built with
        self.workers: list[int] = []  # process ids of the last parallel run's workers (course.teacher.parallel)
        #: How a message names a `course` command for the teacher to run next: the command line replaces it with
        #: one that repeats the teacher's own --course and --work (course.teacher.cli.course_command).
        self.command = lambda *words: shlex.join(["course", *words])

    # -- teacher steps -------------------------------------------------------------------------
    def _run(self, step: str, result: dict) -> dict:
        if not result.get("success"):
            raise StepFailed(f"nbgrader {step} failed: {_last_error(result)}")
        return result

    def generate(self, assignment: str) -> Path:
        """Generate the student version in release/ from source/ (nbgrader generate_assignment)."""
        stray = sorted((self.root / "source" / assignment).rglob("quiz_answers.json"))
        if stray:
            raise StepFailed(
                f"{stray[0]} would be copied to every student: delete it, then generate again. "
                "(It is written when someone answers the quiz in source/.)"
            )
        _validate_course_data(assignment)
        for notebook in sorted((self.root / "source" / assignment).glob("*.ipynb")):
            sync_shared_text(notebook)  # text all notebooks share, from one template (course.teacher.notebook_text)
        released = self.root / "release" / assignment
        kept = Path(tempfile.mkdtemp(prefix="course-release-")) / assignment
        if released.is_dir():
            shutil.copytree(released, kept)
        try:
            self._run("generate_assignment", self.api.generate_assignment(assignment, force=True, create=True))
        except StepFailed as failed:
            if kept.is_dir():  # nbgrader removes the old student version before it fails: put it back
                shutil.rmtree(released, ignore_errors=True)
                shutil.copytree(kept, released)
            if "submissions associated" in str(failed):
                raise StepFailed(
                    f"{failed}. The gradebook in {self.work} has submissions of {assignment}, whose grades would no "
                    "longer match its cells; release/ is unchanged. To regenerate release/ for the repository, use "
                    "`make generate` (it uses a scratch gradebook); to change an assignment students have already "
                    "submitted, see nbgrader's FAQ on changing an assignment after release."
                ) from None
            raise
        finally:
            shutil.rmtree(kept.parent, ignore_errors=True)
        return released

    def register(self, assignment: str) -> None:
        """Make sure the gradebook knows ``assignment``: its notebooks and graded cells, which nbgrader learns only
        from generate_assignment. A new work folder (a new term, a second section, ``make clean``) has an empty
        gradebook: the assignment is entered from source/ here, through a scratch folder, so that release/ (what
        the students were given) is untouched. StepFailed, with nbgrader's reason, if it cannot be; then no
        student has been touched (docs/running-a-class.md, "A new term")."""
        with self.gradebook() as gb:
            try:
                known = gb.find_assignment(assignment)
            except MissingEntry:
                known = None
            if known is not None and known.notebooks:
                return
            if known is not None:
                # submissions recorded before the gradebook knew any notebook of the assignment (nbgrader's
                # autograde creates them, then stops): they hold no grade, and nbgrader refuses to enter the
                # notebooks while they exist
                for submission in list(known.submissions):
                    gb.remove_submission(assignment, submission.student.id)
        scratch = Path(tempfile.mkdtemp(prefix="course-register-"))
        try:
            config = copy.deepcopy(self.config)
            config.CourseDirectory.release_directory = str(scratch)
            api = NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)
            api.log.setLevel(logging.WARNING)
            result = api.generate_assignment(assignment, force=True, create=True)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        if not result.get("success"):
            raise StepFailed(
                f"{assignment} could not be entered in the gradebook of {self.work}: {_last_error(result)}. "
                "No student was touched."
            )

    def release(self, assignment: str, due: datetime | None = None) -> None:
        """Put the student version in the exchange (nbgrader release_assignment), with its due date in the
        gradebook (nbgrader's late penalties count from it; course.grading.late), which then knows the
        assignment (:meth:`register`)."""
        if not (self.root / "release" / assignment).is_dir():
            raise StepFailed(f"release/{assignment} does not exist: run `{self.command('generate', assignment)}` first")
        self.register(assignment)
        if due is not None:
            with self.gradebook() as gb:
                gb.update_or_create_assignment(assignment, duedate=due.astimezone(timezone.utc).replace(tzinfo=None))
        self.api.unrelease(assignment)  # releasing again replaces the old copy
        self._run("release_assignment", self.api.release_assignment(assignment))
        note_release(self.work, assignment)
        publish_assignment_file(self, assignment)  # beside the notebook: its due date, where requests go

    def intake(self, assignment: str, archive: Path) -> list:
        """Take submissions from an LMS download or any zip or tar archive (folders per student; Moodle, Canvas,
        Blackboard) into submitted/, as collect would, naming students by the roster; what is refused is reported
        here and flagged at grading (course.grading.intake, course.grading.lms)."""
        from ..grading.intake import ArchiveUnreadable, intake_archive, write_refusals
        from .roster import load_roster, roster_of

        expected = {p.name for p in (self.root / "release" / assignment).glob("*") if p.is_file()}
        expected |= {ANSWERS_FILE, RELEASE_FILE}
        self.register(assignment)
        with self.gradebook() as gb:
            roster = roster_of(gb)
        try:
            results = intake_archive(archive, assignment, self.work / "submitted", expected, roster)
        except ArchiveUnreadable as exc:
            raise StepFailed(f"Nothing was taken in: {exc}") from None
        write_refusals(results, self._refusals(assignment))
        listed = load_roster(self.work).get("students")
        for r in results if listed is not None else ():  # the class list imported with `course roster`
            r.on_roster = r.student in listed
        return results

    def import_roster(self, path: Path, id_column: str | None = None):
        """Add the students of a roster CSV (as an LMS exports it) to the gradebook, and keep what else the file
        carried (its LMS, grade columns, each student's LMS identifiers) in work/roster.json for the grades going
        back (course.teacher.roster); a RosterImport says what was taken and which rows were not, and why."""
        from .roster import RosterError, RosterImport, import_roster, read_roster_file, save_roster

        try:
            roster = read_roster_file(Path(path), id_column)
        except RosterError as exc:
            raise StepFailed(str(exc)) from None
        with self.gradebook() as gb:
            added, updated = import_roster(gb, roster.students)
        kept, replaced = save_roster(self.work, roster)
        return RosterImport(added, updated, roster, kept, replaced)

    def collect(self, assignment: str) -> list[str]:
        """Copy the newest submission of every student into submitted/ (nbgrader collect); every student in
        submitted/, those taken in from archives too."""
        inbound = Path(self.config.Exchange.root) / self.config.CourseDirectory.course_id / "inbound"
        if inbound.is_dir():  # none before the first release: a class that only uses intake has no exchange
            self._run("collect", self.api.collect(assignment))
        return sorted(self.api.get_submitted_students(assignment))

    @contextlib.contextmanager
    def grading(self, assignment: str):
        """Hold ``assignment`` while the block grades it: a second run (another terminal, another teacher)
        is refused at once with StepFailed saying who holds it (course.grading.lock)."""
        if assignment in self._held:
            yield
            return
        try:
            with grading_lock(self.work / "grading", assignment, self.command("grade", assignment, "--resume")):
                self._held.add(assignment)
                try:
                    yield
                finally:
                    self._held.discard(assignment)
        except GradingInProgress as exc:
            raise StepFailed(str(exc)) from None

    def autograde(
        self,
        assignment: str,
        students: list[str],
        resume: bool = False,
        on_graded=None,
        jobs: int = 1,
        feedback: bool = False,
    ) -> list[Outcome]:
        """Autograde each student; one failure never stops the others.

        ``jobs`` students are graded at once, each in a worker process of its own with its own sandboxed kernel
        (course.teacher.parallel); the outcomes come back in the order of ``students``. Each result is appended to
        a journal (``work/grading/<assignment>.jsonl``) as soon as it is known, by this process alone.
        ``resume=True`` carries on an interrupted run: students whose journal entry matches their current
        submission are not graded again (their grades are already in the gradebook); students being graded when
        the run stopped, and students "not graded" because the machine failed, are graded again from scratch.
        ``on_graded(outcome)`` is called after each student (the command line shows progress with it). Only one
        run grades an assignment at a time (see :meth:`grading`). ``feedback=True`` writes each student's feedback
        as soon as they are graded, by the same worker (:meth:`feedback`; what became of it is ``outcome.feedback``).
        """
        from ..grading import undo

        self.check_sandbox()
        with self.grading(assignment):
            self.register(assignment)  # before any student is touched
            self._put_back_unfinished(assignment)  # left by a run that was killed outright
            journal = self.work / "grading" / f"{assignment}.jsonl"
            done = read_journal(journal) if resume else {}
            if not resume:
                journal.write_text("", encoding="utf-8")
            outcomes: dict = {}
            todo = []
            for student in students:
                stamp, entry = self._timestamp(assignment, student), done.get(student)
                if entry and entry["submitted"] == stamp and entry["outcome"].get("status") != NOT_GRADED:
                    outcomes[student] = Outcome(**entry["outcome"])
                    if on_graded:
                        on_graded(outcomes[student])
                else:
                    todo.append((student, stamp))

            def graded(student: str, stamp: str, outcome: Outcome) -> None:
                try:
                    append_journal(journal, {"student": student, "submitted": stamp, "outcome": asdict(outcome)})
                except OSError as exc:  # the student's grades are in the gradebook; --resume grades them again
                    raise MachineStopped(machine_problem(str(exc)) or str(exc), len(outcomes), len(students)) from None
                outcomes[student] = outcome
                if on_graded:
                    on_graded(outcome)
                if outcome.status == NOT_GRADED and DISK_FULL in outcome.reason:
                    # every later student would meet it too, and nothing they would be given could be kept
                    raise MachineStopped(DISK_FULL, len(outcomes) - 1, len(students))

            try:
                reserve = undo.Reserve(self.work, assignment)
            except OSError as exc:
                raise MachineStopped(machine_problem(str(exc)) or str(exc), len(outcomes), len(students)) from None
            try:
                with _stops_noted() as stopped:
                    if jobs > 1 and len(todo) > 1:
                        from .parallel import grade_in_parallel

                        self.workers = grade_in_parallel(self, assignment, todo, min(jobs, len(todo)), graded, feedback)
                    else:
                        if self.sandbox and todo:
                            prepare_warm_kernels(self.config)
                        for student, stamp in todo:
                            outcome = self._grade_one(assignment, student, feedback)
                            if stopped:
                                # nbgrader catches the teacher's Ctrl+C and reports a failed autograde: that is
                                # not the student's failure, so record nothing for them (``resume`` grades them).
                                raise GradingInterrupted(stopped[0])
                            graded(student, stamp, outcome)
            except BaseException:
                # whoever was being graded gets back what they had (course.grading.undo); the workers are gone
                reserve.free()
                self._put_back_unfinished(assignment)
                raise
            finally:
                reserve.free()
            ordered = [outcomes[s] for s in students]
            self._add_scores(ordered)
            self._note_in_gradebook(assignment, ordered)
        return ordered

    def _put_back_unfinished(self, assignment: str, students=None) -> list[str]:
        """Students whose grading did not finish get back their gradebook entries of before (course.grading.undo);
        a gradebook that cannot be written now keeps the files for the next run."""
        from ..grading import undo

        try:
            with self.gradebook() as gb:
                return undo.put_back_unfinished(gb, self.work, assignment, students)
        except (OperationalError, InvalidEntry, OSError) as exc:  # nbgrader wraps a failed commit in InvalidEntry
            self.api.log.warning("Could not put back unfinished students of %s yet: %s", assignment, exc)
            return []

    def _note_in_gradebook(self, assignment: str, outcomes: list[Outcome]) -> None:
        """Each verdict where the teacher grades: flagged with its reason in the formgrader (course.grading.notes).
        A busy gradebook only costs the notes, said in the outcome."""
        from ..grading.notes import note_outcome
        from ..labels import nbgrader_meta

        order = []
        for path in sorted((self.root / "release" / assignment).glob("*.ipynb")):
            with contextlib.suppress(Exception):
                order += [nbgrader_meta(c).get("grade_id") for c in nbformat.read(path, as_version=4).cells]
        try:
            with self.gradebook() as gb:
                for outcome in outcomes:
                    note_outcome(gb, outcome, order)
        except OperationalError as exc:
            for o in outcomes:
                o.notes.append(f"not noted in the formgrader: {machine_problem(str(exc)) or exc}")

    def _grade_one(self, assignment: str, student: str, feedback: bool) -> Outcome:
        """Grade one student and, with ``feedback``, write their feedback at once, in this process (a worker's
        feedback converter is built once and serves every student it grades: docs/performance.md)."""
        started = time.perf_counter()
        outcome = self._grade_with_retries(assignment, student)
        outcome.seconds["grading"] = round(time.perf_counter() - started, 3)
        if feedback and outcome.status != NOT_GRADED:
            started = time.perf_counter()
            try:
                with self.gradebook() as gb:
                    waiting = gb.find_submission(assignment, student).needs_manual_grade
            except (MissingEntry, OperationalError):
                waiting = None
            outcome.feedback = self._feedback_one(assignment, student, waiting).note
            outcome.seconds["feedback"] = round(time.perf_counter() - started, 3)
        return outcome

    def _grade_with_retries(self, assignment: str, student: str) -> Outcome:
        """Grade one student; a busy gradebook is waited out and tried again (a kernel that does not start is
        tried again by course.grading.sandbox.GuardedExecute), and if the machine still fails the student is
        "not graded": they get back what the gradebook held for them before (course.grading.undo), so no zero or
        partial score is recorded, and the next run grades them."""
        from ..grading import undo

        try:
            with self.gradebook() as gb:
                undo.remember(gb, self.work, assignment, student)
        except (OperationalError, OSError) as exc:  # nothing of the student's was touched
            return Outcome(student, assignment, NOT_GRADED, f"{MACHINE_REASON}: {machine_problem(str(exc)) or exc}")
        for attempt in range(self.machine_retries + 1):
            try:
                outcome = self._grade_student(assignment, student)
            except OperationalError as exc:  # the gradebook, outside nbgrader's own steps
                outcome = Outcome(student, assignment, NOT_GRADED, machine_problem(str(exc)) or str(exc))
            except Exception as exc:  # noqa: BLE001 - a grading step failed, not the student's code
                outcome = Outcome(
                    student, assignment, NOT_GRADED, machine_problem(str(exc)) or f"{type(exc).__name__}: {exc}"
                )
            if outcome.status != NOT_GRADED or outcome.reason != GRADEBOOK_BUSY:
                break
            if attempt < self.machine_retries:
                self.api.log.warning(
                    "Grading %s for %s stopped (%s); trying again", assignment, student, outcome.reason
                )
                time.sleep(self.retry_waits[min(attempt, len(self.retry_waits) - 1)])
        if outcome.status == NOT_GRADED:
            outcome.reason = f"{MACHINE_REASON}: {outcome.reason}"
            self._put_back_unfinished(assignment, [student])
        else:
            undo.finished(self.work, assignment, student)
        return outcome

    def _grade_student(self, assignment: str, student: str) -> Outcome:
        screened = screen(
            self._submitted(assignment, student),
            self.root / "release" / assignment,
            self._refusals(assignment),
            student,
            self._timestamp(assignment, student),
        )
        if screened.unreadable:
            # nbgrader would stop on it with a traceback; record zero and the reason instead.
            self._record_zero(assignment, student)
            return Outcome(student, assignment, "failed", screened.unreadable)
        with self.gradebook() as gb:  # the student's own due date, if granted, for nbgrader's late penalty
            apply_extension(gb, self.work, assignment, student)
        ignore = self.api.coursedir.ignore
        try:  # nbgrader would copy what a link points to (its shutil.copy follows links)
            self.api.coursedir.ignore = ignore + [glob.escape(link.name) for link in screened.links]
            result = self.api.autograde(assignment, student, force=True, create=True)
        finally:
            self.api.coursedir.ignore = ignore
        if not result.get("success"):
            log = "\n".join(filter(None, [result.get("log"), result.get("error")]))
            problem = machine_problem(log)
            if problem or not (screened.findings or submission_problem(log)):
                # a step failed on something that cannot be traced to the student's file (which screening found
                # edited, or nbgrader refused): not their failure, so no zero; they are graded again (see
                # _grade_with_retries)
                why = problem or f"nbgrader's autograde stopped: {_last_error(result)}"
                return Outcome(student, assignment, NOT_GRADED, why)
            self._record_zero(assignment, student)
            outcome = Outcome(student, assignment, "failed", f"autograde stopped: {_last_error(result)}")
            self._flag(outcome, screened.findings)
            return outcome
        outcome, findings = read_autograded(self._autograded(assignment, student), student, assignment)
        if outcome.status == NOT_GRADED and (findings or screened.findings):
            outcome.status = "error"  # an edited notebook may break its own set-up: that is the student's doing
        outcome.notes += screened.notes
        self._flag(outcome, screened.findings + findings)
        return outcome

    def _refusals(self, assignment: str) -> Path:
        return self.work / "intake" / f"{assignment}.json"

    def _timestamp(self, assignment: str, student: str) -> str:
        """The submission's time as nbgrader's collect recorded it ('' if none)."""
        path = self._submitted(assignment, student) / "timestamp.txt"
        try:
            return path.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError):
            return ""

    def check_sandbox(self) -> None:
        """Stop before grading anyone if the sandbox cannot start (unless it was turned off)."""
        if not self.sandbox:
            return
        try:
            check_sandbox()
        except SandboxUnavailable as exc:
            raise StepFailed(
                f"Cannot grade in the sandbox: {exc}. Students' code is only run inside it. "
                f"Install bubblewrap (`make test` and `make demo` do: apt-get install bubblewrap), or set "
                f"{SANDBOX_ENV}=off (`course --no-sandbox grade ...`) to grade without the sandbox."
            ) from None

    def feedback(self, assignment: str, students=None) -> list["Returned"]:
        """Write each graded student's feedback HTML (nbgrader generate_feedback), one student at a time so one
        failure stops no one, under the course's FeedbackPolicy: a student whose written answers await the teacher
        gets provisional feedback, or none while the policy holds it (course.grading.feedback). ``course grade``
        writes each student's as soon as they are graded, in the same worker (:meth:`autograde`)."""
        with self.gradebook() as gb:
            try:
                waiting = {s.student.id: s.needs_manual_grade for s in gb.find_assignment(assignment).submissions}
            except MissingEntry:
                waiting = {}
        chosen = students if students is not None else waiting
        return [self._feedback_one(assignment, student, waiting.get(student)) for student in sorted(chosen)]

    def _feedback_one(self, assignment: str, student: str, waiting: bool | None) -> "Returned":
        """One student's feedback; ``waiting``: whether written answers await the teacher (None: not graded)."""
        from ..grading import undo
        from ..grading.feedback import FeedbackPolicy

        if waiting is None:
            return Returned(student, None, "no feedback: not graded")
        if (undo.folder(self.work, assignment) / f"{student}.json").exists():  # not theirs yet (grading.undo)
            again = self.command("grade", assignment, "--resume")
            return Returned(student, None, f"no feedback: their grading did not finish; run `{again}`")
        if not self._autograded(assignment, student).is_dir():
            return Returned(
                student,
                None,
                "no feedback: the submission could not be graded (see why in the status CSV or the formgrader)",
            )
        held = FeedbackPolicy(config=self.config).setting("ungraded_written", assignment) == "held"
        if held and waiting:
            return Returned(student, None, "held: written answers not graded yet")
        result = self._generate_feedback(assignment, student)
        path = self.work / "feedback" / student / assignment
        if result.get("success"):
            note = "provisional: written answers not graded yet" if waiting else "written"
            return Returned(student, sorted(path.glob("*.html")), note)
        return Returned(student, None, f"not written: {_last_error(result)}")

    def _generate_feedback(self, assignment: str, student: str) -> dict:
        """nbgrader's generate_feedback for one student (its result dict), as its API runs it, but with one
        converter per process: the exporter, its templates and the steps are built once, not per student
        (docs/performance.md, "Feedback")."""
        from nbgrader.converters import GenerateFeedback
        from nbgrader.utils import capture_log, temp_attrs

        with temp_attrs(self.api.coursedir, assignment_id=assignment, student_id=student):
            if self._feedback_app is None or self._feedback_config != self.config:  # settings changed since
                self._feedback_app = GenerateFeedback(coursedir=self.api.coursedir, parent=self.api)
                self._feedback_app.force = True
                self._feedback_config = copy.deepcopy(self.config)
            return capture_log(self._feedback_app)

    def return_feedback(self, assignment: str) -> list["Returned"]:
        """Give back every written feedback: through the exchange to students who submitted there (nbgrader
        release_feedback, where Fetch Feedback finds it), and as files to upload to the LMS for students taken
        in from an archive (``work/returned/<assignment>/<student>/``, and one zip of them all). One student's
        failure stops no one; each result says what happened."""
        import zipfile

        from ..grading.intake import read_refusals
        from ..grading.lms import Key, folder_name

        folder = self.work / "returned" / assignment
        results, uploads = [], []
        taken_in = read_refusals(self._refusals(assignment))
        for student_dir in sorted((self.work / "feedback").glob(f"*/{assignment}")):
            student, pages = student_dir.parent.name, sorted(student_dir.glob("*.html"))
            if not pages:
                continue
            if (student_dir / "submission_secret.txt").exists():  # came through the exchange
                try:
                    result = self.api.release_feedback(assignment, student)
                except Exception as exc:  # noqa: BLE001 - the rest of the class is still returned
                    result = {"success": False, "error": f"{type(exc).__name__}: {exc}"}
                note = "returned through the exchange (Fetch Feedback)"
                results.append(Returned(student, pages, note if result.get("success") else _last_error(result)))
                if result.get("success"):
                    note_returned(self.work, assignment, student, "exchange")
                continue
            lms = taken_in.get(student, {}).get("lms")
            mine = folder / (folder_name(Key(**lms)) if lms else student)  # named as the LMS download named them
            shutil.rmtree(mine, ignore_errors=True)
            mine.mkdir(parents=True)
            for page in pages:
                shutil.copy2(page, mine / page.name)
            uploads += sorted(mine.iterdir())
            results.append(Returned(student, sorted(mine.iterdir()), "file to upload to the LMS"))
            note_returned(self.work, assignment, student, "file to upload to the LMS")
        if uploads:
            with zipfile.ZipFile(folder.with_suffix(".zip"), "w", zipfile.ZIP_DEFLATED) as z:
                for path in uploads:
                    z.write(path, path.relative_to(folder))
        return results

    def export_grades(self, path: Path) -> Path:
        """nbgrader's CSV of grades, as for a learning-management system (graded assignments only)."""
        plugin = CsvExportPlugin(to=str(path), assignment=graded_assignments(self.root))
        with self.gradebook() as gb:
            plugin.export(gb)
        return Path(path)

    def export_lms(self, system: str, path: Path, assignments=None, columns=None):
        """The grades file a learning-management system imports (course.teacher.lms_export): a column for each
        assignment with grades (``assignments``: only these), headed and identified as in the LMS file the roster
        came from (``columns``: {assignment: LMS column} the teacher gives); an Export says what it holds and what
        it leaves out (students not on the roster, assignments released but not graded yet)."""
        from .lms_export import write_lms_grades
        from .roster import load_roster

        outbound = Path(self.config.Exchange.root) / self.config.CourseDirectory.course_id / "outbound"
        released = {p.name for p in outbound.iterdir()} if outbound.is_dir() else set()
        with self.gradebook() as gb:
            return write_lms_grades(
                gb, system, path, graded_assignments(self.root), load_roster(self.work), released, assignments, columns
            )

    def gradebook(self) -> Gradebook:
        return Gradebook(self.config.CourseDirectory.db_url, self.config.CourseDirectory.course_id)

    # -- student steps, as nbgrader's assignment list does them -------------------------------
    def student_fetch(self, assignment: str, student: str, home: Path) -> Path:
        """Fetch the released assignment into a student's home folder; return its folder."""
        with self._student_exchange(assignment, student, home) as (factory, coursedir, auth):
            factory.FetchAssignment(coursedir=coursedir, authenticator=auth).start()
        return Path(home) / self.config.CourseDirectory.course_id / assignment

    def student_fetch_feedback(self, assignment: str, student: str, home: Path) -> list[Path]:
        """Fetch returned feedback into the student's assignment folder, as the Assignments tab's Fetch Feedback
        does; the feedback pages found there."""
        with self._student_exchange(assignment, student, home) as (factory, coursedir, auth):
            factory.FetchFeedback(coursedir=coursedir, authenticator=auth).start()
        course_id = self.config.CourseDirectory.course_id
        return sorted((Path(home) / course_id / assignment / "feedback").glob("*/*.html"))

    def student_submit(self, assignment: str, student: str, home: Path) -> None:
        """Submit the student's copy of the assignment to the exchange."""
        with self._student_exchange(assignment, student, home) as (factory, coursedir, auth):
            factory.Submit(coursedir=coursedir, authenticator=auth).start()

    @contextlib.contextmanager
    def _student_exchange(self, assignment: str, student: str, home: Path):
        cfg = Config()
        cfg.CourseDirectory.course_id = self.config.CourseDirectory.course_id
        cfg.CourseDirectory.student_id = student
        cfg.Exchange.root = self.config.Exchange.root
        cfg.Exchange.path_includes_course = True
        cfg.Exchange.assignment_dir = str(home)
        cfg.Exchange.cache = str(Path(home) / ".nbgrader-cache")  # each student's own, as in their home on a hub
        Path(home).mkdir(parents=True, exist_ok=True)
        coursedir = CourseDirectory(config=cfg)
        coursedir.assignment_id = assignment
        yield ExchangeFactory(config=cfg), coursedir, Authenticator(config=cfg)

    # -- internals ------------------------------------------------------------------------------
    def _submitted(self, assignment: str, student: str) -> Path:
        return self.work / "submitted" / student / assignment

    def _autograded(self, assignment: str, student: str) -> Path:
        return self.work / "autograded" / student / assignment

    @staticmethod
    def _flag(outcome: Outcome, findings: list[str]) -> None:
        """A submission whose notebook or quiz grades were tampered with is "flagged", naming the cells,
        whatever else happened to it (a failed autograde keeps its zero)."""
        if not findings:
            return
        if outcome.status != "graded":  # what else happened stays in the summary
            outcome.notes.insert(0, f"{outcome.status}: {outcome.reason}")
        outcome.status, outcome.reason = "flagged", "tampering: " + "; ".join(findings)

    def _record_zero(self, assignment: str, student: str) -> None:
        """Make sure the student is in the gradebook, so exports list them with zero."""
        with self.gradebook() as gb:
            gb.update_or_create_student(student)

    def _add_scores(self, outcomes: list[Outcome]) -> None:
        """Each outcome's score from the gradebook (zero for a failed submission); a gradebook that stays
        busy leaves the scores unknown and says so, and never stops the run."""
        for attempt in range(self.machine_retries + 1):
            try:
                return self._read_scores(outcomes)
            except OperationalError as exc:
                if attempt == self.machine_retries:
                    for o in outcomes:
                        o.notes.append(
                            f"score not read: {machine_problem(str(exc)) or exc}; "
                            f"see the formgrader, or run `{self.command('grade', o.assignment, '--resume')}`"
                        )
                    return None
                time.sleep(self.retry_waits[min(attempt, len(self.retry_waits) - 1)])

    def _read_scores(self, outcomes: list[Outcome]) -> None:
        with self.gradebook() as gb:
            for o in outcomes:
                if o.status == NOT_GRADED:
                    o.score = 0.0
                    with contextlib.suppress(MissingEntry):
                        o.max_score = gb.find_assignment(o.assignment).max_score
                    continue
                try:
                    assignment = gb.find_assignment(o.assignment)
                    o.max_score = assignment.max_score
                    sub = gb.find_submission(o.assignment, o.student)
                except MissingEntry:
                    o.score = 0.0
                    continue
                failed = o.status == "failed" or any(n.startswith("failed:") for n in o.notes)
                penalty = sub.late_submission_penalty or 0.0  # nbgrader's late-submission plugin (grading.late)
                o.score = max(0.0, sub.score - penalty) if not failed else 0.0  # "kernel died": cells before count
                o.needs_manual = bool(sub.needs_manual_grade) and not failed
                if penalty and not failed:
                    days = math.ceil((sub.total_seconds_late or 0) / 86400)
                    note = f"late by {days} day(s): {penalty:g} point(s) taken"
                    if note not in o.notes:
                        o.notes.append(note)


def _validate_course_data(assignment: str) -> None:
    """The data sets and the assignment's quiz bank against their schemas, before students get them: the
    kernel does not validate them (docs/performance.md)."""
    from ..data import DATASETS, DataError, validate_dataset
    from ..quiz.bank import banks, validate_bank

    try:
        for name in DATASETS:
            validate_dataset(name)
        if assignment in banks():
            validate_bank(assignment)
    except (DataError, ValueError) as exc:
        raise StepFailed(f"Not generated: {exc}") from None


@contextlib.contextmanager
def _stops_noted():
    """Ctrl+C (SIGINT) and SIGTERM raise GradingInterrupted and are noted in the list yielded, even when nbgrader
    catches the KeyboardInterrupt they raise (it reports a failed autograde instead). SIGTERM is how systemd, a
    job scheduler or Kubernetes stops a process: it is handled as Ctrl+C is, not left to kill the run mid-student."""
    noted = []
    if threading.current_thread() is not threading.main_thread():
        yield noted
        return

    def handler(signum, frame):
        noted.append(signum)
        raise GradingInterrupted(signum)

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield noted
    finally:
        for sig, before in previous.items():
            signal.signal(sig, before)


def read_journal(path: Path) -> dict:
    """{student: entry} from a grading journal; a line cut off by an interruption is ignored."""
    entries = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                entry = json.loads(line)
                entries[entry["student"]] = entry
            except (ValueError, KeyError, TypeError):
                continue
    return entries


def append_journal(path: Path, entry: dict) -> None:
    """Add one student's result to the journal and make sure it is on disk before going on."""
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry) + "\n")
        fh.flush()
        os.fsync(fh.fileno())


#: nbgrader's lines that only say that something failed, never what.
_NO_REASON = ("Please see the", "There was an error processing", "Removing failed", "Canceled")


def _last_error(result: dict) -> str:
    """The root cause in an nbgrader result, in one line: the first exception it logged (nbgrader's own
    NbGraderException shown by its message alone), else its first [ERROR] line that gives a reason, else the
    last line. Never nbgrader's "Please see the above traceback"."""
    text = "\n".join(filter(None, [result.get("log"), result.get("error")]))
    for m in re.finditer(r"(?:^|[\s(])(?:[A-Za-z_]\w*\.)*(\w*(?:Error|Exception)): (.+)$", text, re.MULTILINE):
        name, message = m.group(1), m.group(2).strip()
        if not any(words in message for words in _NO_REASON):
            return message if name == "NbGraderException" else f"{name}: {message}"
    for m in re.finditer(r"^\[(?:\w+ \| )?ERROR\] (.+)$", text, re.MULTILINE):
        if not any(words in m.group(1) for words in _NO_REASON):
            return m.group(1).strip()
    lines = [line for line in text.strip().splitlines() if not any(words in line for words in _NO_REASON)]
    return lines[-1].strip() if lines else "no message"
