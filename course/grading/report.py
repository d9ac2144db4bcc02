"""What happened to each submission, in words a teacher can act on."""

from dataclasses import dataclass, field
from pathlib import Path

import nbformat

#: Notebook and cell metadata key of the course: the findings of course.grading.verdict in an autograded
#: notebook, the answers a test cell recorded.
META = "hanoi_course"
#: Errors that mean "the student has not answered yet": the release's stubs raise this.
BLANK_ERRORS = {"NotImplementedError"}
#: The line nbgrader puts in place of a solution (see ClearSolutions.code_stub in course.grading.config).
STUB_LINE = "raise NotImplementedError()"
#: Errors nbgrader's Execute leaves in a cell it had to stop.
TIMEOUT_ERRORS = {"CellTimeoutError", "KeyboardInterrupt", "TimeoutError"}
#: Written by course.grading.sandbox.GuardedExecute: on the cell whose kernel died or had to be stopped, and on
#: every later cell, which was not run (so its tests earn nothing).
KERNEL_DIED, NOT_RUN = "KernelDied", "NotRun"
#: Start of the KernelDied reason when the cell ignored the interrupt at the time limit.
IGNORED_INTERRUPT = "the cell ran over the time limit"
#: Line GuardedExecute puts where it stopped storing a cell's output.
TRUNCATED_MARK = "[output truncated by the grader"
#: The grading machine, not the submission, failed (see machine_problem): the student is graded again later.
NOT_GRADED = "not graded"
#: Every status an Outcome can have, from best to worst ("flagged": tampering found, see course.grading.tamper,
#: course.grading.verdict and course.grading.intake; it is given whatever else happened, which is then kept in the
#: notes).
#: "not graded" is apart: it says nothing of the submission (docs/grading-safety.md, "The grading machine").
STATUSES = ("graded", "flagged", "error", "timed out", "kernel died", "failed", NOT_GRADED)
#: Start of a "not graded" reason.
MACHINE_REASON = "grading machine problem, run again"


class GradingMachineError(RuntimeError):
    """The grading machine failed, not the submission: a kernel that would not start, or died before any of
    the student's cells ran, after every retry (raised by course.grading.sandbox.GuardedExecute)."""


#: A machine problem that passes by itself: course.teacher.classroom waits and grades the student again.
GRADEBOOK_BUSY = "the gradebook was busy (another program held it) for too long"
#: A machine problem that stops the whole run at once: every later student would meet it too.
DISK_FULL = "the disk is full"
#: Signs, in what a failed nbgrader step logged, that the machine failed rather than the submission:
#: (text to look for, what to tell the teacher).
_MACHINE_SIGNS = (
    (GradingMachineError.__name__ + ": ", None),  # the text after it is the reason
    ("database is locked", GRADEBOOK_BUSY),
    ("database table is locked", GRADEBOOK_BUSY),
    ("unable to open database file", "the gradebook could not be opened"),
    ("No space left on device", DISK_FULL),
    ("database or disk is full", DISK_FULL),
    ("[Errno 28]", DISK_FULL),
    ("Disk quota exceeded", f"{DISK_FULL} (the disk quota is used up)"),
    ("Kernel died before replying to kernel_info", "the kernel did not start"),
    ("Kernel didn't respond in", "the kernel did not start in time"),
)
#: Signs, in what a failed nbgrader step logged, that the student's own file stopped it: the notebook's nbgrader
#: cell data (grade ids, points, cell types) broken or edited, or a notebook nbformat refuses. Any other failure
#: of a step is the grading machine's (docs/grading-safety.md, "The grading machine").
_SUBMISSION_SIGNS = (
    "ValidationError: ",  # nbgrader's metadata check, nbformat's schema
    "Duplicate grade id",
    "does not have a grade_id",
    "grade_id is empty",
    "NotJSONError",
    "SchemaTooOldError",  # the nbgrader cell data's version, edited or copied from elsewhere
    "SchemaTooNewError",
)


@dataclass
class Outcome:
    """One student's result for one assignment."""

    student: str
    assignment: str
    status: str  # one of STATUSES: graded | flagged | error | timed out | kernel died | failed
    reason: str = ""
    score: float = 0.0
    max_score: float = 0.0
    needs_manual: bool = False
    notes: list = field(default_factory=list)
    feedback: str = ""  # what became of their feedback when it was written with the grading ("" if it was not)
    seconds: dict = field(default_factory=dict)  # time spent on them: {"grading": s, "feedback": s}

    def summary(self) -> str:
        parts = [self.reason] if self.reason else []
        parts += self.notes
        if self.needs_manual:
            parts.append("written answer awaits manual grading")
        return "; ".join(parts)


def machine_problem(text: str) -> str | None:
    """What failed on the grading machine, in a teacher's words, if ``text`` (an nbgrader log or an error)
    shows such a failure; None when the failure may be the submission's."""
    for sign, words in _MACHINE_SIGNS:
        at = text.find(sign)
        if at >= 0:
            return words or text[at + len(sign) :].splitlines()[0].strip()
    return None


def _is_error(output) -> bool:
    return output.get("output_type") == "error" and output.get("ename") not in (KERNEL_DIED, NOT_RUN)


def submission_problem(text: str) -> bool:
    """Whether ``text`` (a failed nbgrader step's log) shows that the student's own file stopped it."""
    return any(sign in text for sign in _SUBMISSION_SIGNS)


def read_autograded(folder: Path, student: str, assignment: str) -> tuple[Outcome, list[str]]:
    """Read the student's autograded notebooks once: whether they ran normally (the outcome) and the tampering
    the verdict outside the kernel found in them (course.grading.verdict writes it in each notebook's
    metadata)."""
    timeouts, errors, blanks, died, truncated, findings, not_computed = [], [], [], [], [], [], []
    not_run = 0
    setup_failed = None  # the first error of the teacher's own cells before any of the student's code ran
    for path in sorted(Path(folder).glob("*.ipynb")):
        try:
            nb = nbformat.read(path, as_version=4)
        except Exception as exc:  # never stop the class; say so instead
            findings.append(f"{path.name} could not be read after grading ({type(exc).__name__}: {exc})")
            continue
        findings += [str(f) for f in nb.metadata.get(META, {}).get("findings", [])]
        not_computed += [str(g) for g in nb.metadata.get(META, {}).get("not_computed", [])]
        students_code_ran = False
        for index, cell in enumerate(nb.cells):
            meta = cell.metadata.get("nbgrader", {})
            if cell.cell_type != "code":
                continue
            label = meta.get("grade_id") or f"cell {index + 1}"
            teachers = meta.get("locked") and not meta.get("solution") and not meta.get("grade")
            students_code_ran = students_code_ran or not teachers
            if teachers and not students_code_ran and setup_failed is None:
                error = next((o for o in cell.get("outputs", []) if _is_error(o)), None)
                if error is not None:
                    setup_failed = f"'{label}' raised {error['ename']}: {error.get('evalue', '')}"
            for out in cell.get("outputs", []):
                if out.get("output_type") == "error" and out["ename"] == KERNEL_DIED:
                    died.append((label, out.get("evalue", "")))
                elif out.get("output_type") == "error" and out["ename"] == NOT_RUN:
                    not_run += 1
                elif out.get("output_type") == "stream" and TRUNCATED_MARK in out.get("text", ""):
                    truncated.append(label)
            if meta.get("grade"):
                continue  # test cells failing is what grading measures, not a problem
            if meta.get("solution") and STUB_LINE in cell.source:
                blanks.append(label)
            for out in cell.get("outputs", []):
                if out.get("output_type") != "error" or out["ename"] in (KERNEL_DIED, NOT_RUN):
                    continue
                if out["ename"] in TIMEOUT_ERRORS:
                    if label not in timeouts:  # nbgrader may add a second error for the same stop
                        timeouts.append(label)
                elif out["ename"] not in BLANK_ERRORS:  # a stub's error is counted as blank above
                    errors.append(f"'{label}' raised {out['ename']}: {out.get('evalue', '')}".rstrip(": "))
    outcome = Outcome(student, assignment, "graded")
    if setup_failed:
        # the module's own set-up cells (locked, restored from source/ by nbgrader) failed before any of the
        # student's code ran: the grading machine lacks something, such as a package (docs/grading-safety.md)
        outcome.status = NOT_GRADED
        outcome.reason = f"the notebook's own set-up failed before the student's code ran ({setup_failed})"
    elif died:
        label, why = died[0]
        outcome.status = "timed out" if why.startswith(IGNORED_INTERRUPT) else "kernel died"
        later = f"; {not_run} later cell(s) were not run and earn nothing" if not_run else ""
        outcome.reason = f"'{label}': {why}{later}"
    elif timeouts:
        outcome.status = "timed out"
        outcome.reason = f"{', '.join(timeouts)} ran over the time limit and was stopped"
    elif errors:
        outcome.status = "error"
        outcome.reason = errors[0] + (f" (and {len(errors) - 1} more)" if len(errors) > 1 else "")
    if truncated:
        outcome.notes.append(f"output of {', '.join(truncated)} was too long and was cut")
    if blanks:
        outcome.notes.append(f"{len(blanks)} answer(s) left blank")
    if not_computed:
        # course.grading.computed: the same on shifted data, or right only on the real data; they earn nothing
        outcome.notes.append(f"not computed from the data (typed or copied): {', '.join(not_computed)}")
    return outcome, findings
