"""What happened to each submission, in words a teacher can act on."""
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import nbformat

#: Errors that mean "the student has not answered yet": the release's stubs raise this.
BLANK_ERRORS = {"NotImplementedError"}
#: The line nbgrader puts in place of a solution (see ClearSolutions.code_stub in course.config).
STUB_LINE = "raise NotImplementedError()"
#: Errors nbgrader's Execute leaves in a cell it had to stop.
TIMEOUT_ERRORS = {"CellTimeoutError", "KeyboardInterrupt", "TimeoutError"}


@dataclass
class Outcome:
    """One student's result for one assignment."""
    student: str
    assignment: str
    status: str            # graded | error | timed out | failed
    reason: str = ""
    score: float = 0.0
    max_score: float = 0.0
    needs_manual: bool = False
    notes: list = field(default_factory=list)

    def summary(self) -> str:
        parts = [self.reason] if self.reason else []
        parts += self.notes
        if self.needs_manual:
            parts.append("written answer awaits manual grading")
        return "; ".join(parts)


def unreadable_reason(path: Path) -> Optional[str]:
    """Why nbgrader cannot read this notebook file, or None if it can."""
    try:
        raw = Path(path).read_bytes()
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"{Path(path).name} is not UTF-8 text (byte {exc.start}); ask the student to re-save and resubmit"
    try:
        json.loads(text)
    except ValueError as exc:
        return (f"{Path(path).name} is not valid JSON (broken at line {exc.lineno}); "
                "the file was damaged or edited outside Jupyter: ask the student to resubmit")
    try:
        nb = nbformat.reads(text, as_version=4)
        nbformat.validate(nb)
    except Exception as exc:  # nbformat raises several types for "not a notebook"
        return f"{Path(path).name} is not a valid notebook ({type(exc).__name__}); ask the student to resubmit"
    return None


def assess_autograded(folder: Path, student: str, assignment: str) -> Outcome:
    """Read the autograded notebooks and say whether they ran normally."""
    timeouts, errors, blanks = [], [], []
    for path in sorted(Path(folder).glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for index, cell in enumerate(nb.cells):
            meta = cell.metadata.get("nbgrader", {})
            if cell.cell_type != "code" or meta.get("grade"):
                continue  # test cells failing is what grading measures, not a problem
            label = meta.get("grade_id") or f"cell {index + 1}"
            if meta.get("solution") and STUB_LINE in cell.source:
                blanks.append(label)
            for out in cell.get("outputs", []):
                if out.get("output_type") != "error":
                    continue
                if out["ename"] in TIMEOUT_ERRORS:
                    if label not in timeouts:  # nbgrader may add a second error for the same stop
                        timeouts.append(label)
                elif out["ename"] not in BLANK_ERRORS:  # a stub's error is counted as blank above
                    errors.append(f"'{label}' raised {out['ename']}: {out.get('evalue', '')}".rstrip(": "))
    outcome = Outcome(student, assignment, "graded")
    if timeouts:
        outcome.status = "timed out"
        outcome.reason = f"{', '.join(timeouts)} ran over the time limit and was stopped"
    elif errors:
        outcome.status = "error"
        outcome.reason = errors[0] + (f" (and {len(errors) - 1} more)" if len(errors) > 1 else "")
    if blanks:
        outcome.notes.append(f"{len(blanks)} answer(s) left blank")
    return outcome
