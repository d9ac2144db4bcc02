"""Text every assignment notebook shares, written from one template so the notebooks cannot drift apart.

A source notebook that has a markdown cell with the grade id :data:`HOW_GRADED` gets that cell's text from
:func:`how_graded`, filled in from the notebook itself (its points, whether it has quizzes and plots, which
parts the teacher reads); its cells with the grade ids :data:`BEFORE_SUBMIT` and :data:`CHECK_MY_WORK` (the last
section, "Before you submit") get :data:`BEFORE_SUBMIT_TEXT` and :data:`CHECK_MY_WORK_CODE`. ``course generate``
writes them before nbgrader generates the student version (:func:`sync_shared_text`); a test holds source/ to
them. A teacher's own notebook without such cells is left as it is.
"""

import re
from pathlib import Path

import nbformat

#: The grade id of the shared "How this notebook is graded" cell.
HOW_GRADED = "how_graded"
#: The grade ids of the last section's two cells: what to do before submitting, and the cell that does it.
BEFORE_SUBMIT, CHECK_MY_WORK = "before_you_submit", "check_my_work"

#: Why "Check my work" rather than Restart and Run All (which runs past errors but lists nothing) or nbgrader's
#: Validate (which lists failing tests, not quiz answers): docs/student-guide.md.
BEFORE_SUBMIT_TEXT = (
    "## Before you submit\n"
    "Save the notebook (**Ctrl+S**), then run the cell below, **Check my work**. It runs a fresh copy of your saved "
    "notebook from top to bottom, carries on past any error, and lists every question: answers still blank, checks "
    "failing (with their advice), the quiz answers you saved and your written answers. It changes nothing in your "
    "notebook or in `quiz_answers.json`. When it says what is left, fix that, save and run it again; then submit in "
    "the **Assignments** tab. (**Kernel > Restart Kernel and Run All Cells** goes on past a blank answer or a "
    "failing check, so every quiz shows your saved answer; scroll up to the first red box to see where your work "
    "needs attention.)"
)
CHECK_MY_WORK_CODE = "from course import check_my_work\n\ncheck_my_work()"

TEMPLATE = (
    "**How this notebook is graded** ({points} points). Cells marked *Question* are graded. Test cells under each "
    "question show what they check; a few more checks are run after you submit.{quizzes}{plots} {written} "
    "Before you submit, save and run **Check my work**, the last cell: it lists what is left to do."
)
QUIZZES = (
    " The quizzes count: each answer is saved at once in `quiz_answers.json` beside this notebook, which is "
    "submitted with it."
)
PLOTS = " Plots are graded by the data they show."


def _meta(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def _check_names(nb) -> set:
    return {name for c in nb.cells if _meta(c).get("grade") for name in re.findall(r'check\("(\w+)"', c.source)}


def _parts_read_by_teacher(nb) -> list[str]:
    """The parts ("Part D") holding answers the teacher grades by hand (nbgrader tasks and written answers)."""
    part, found = None, []
    for cell in nb.cells:
        heading = re.match(r"#+\s*(Part [A-Z])\b", cell.source) if cell.cell_type == "markdown" else None
        if heading:
            part = heading.group(1)
        manual = _meta(cell).get("task") or (
            _meta(cell).get("grade") and _meta(cell).get("solution") and cell.cell_type == "markdown"
        )
        if manual and part and part not in found:
            found.append(part)
    return found


def _listed(parts: list[str]) -> str:
    letters = [p.split()[-1] for p in parts]
    if len(letters) == 1:
        return f"Part {letters[0]}"
    return f"Parts {', '.join(letters[:-1])} and {letters[-1]}"


def how_graded(nb) -> str:
    """The "How this notebook is graded" text of an assignment notebook."""
    points = sum(_meta(c).get("points", 0) for c in nb.cells if _meta(c).get("grade") or _meta(c).get("task"))
    names = _check_names(nb)
    parts = _parts_read_by_teacher(nb)
    written = (
        f"The written answer{'s' if len(parts) > 1 else ''} in {_listed(parts)} "
        f"{'are' if len(parts) > 1 else 'is'} read by your teacher."
        if parts
        else "Every question is graded automatically."
    )
    return TEMPLATE.format(
        points=f"{points:g}",
        quizzes=QUIZZES if "quiz_graded" in names else "",
        plots=PLOTS if any("plot" in n for n in names) else "",
        written=written,
    )


def shared_text(nb) -> dict:
    """{grade id: text} of the notebook's shared cells."""
    return {HOW_GRADED: how_graded(nb), BEFORE_SUBMIT: BEFORE_SUBMIT_TEXT, CHECK_MY_WORK: CHECK_MY_WORK_CODE}


def sync_shared_text(notebook: Path) -> bool:
    """Write the shared text into the notebook's shared cells; whether anything changed."""
    nb = nbformat.read(notebook, as_version=4)
    changed, texts = False, shared_text(nb)
    for cell in nb.cells:
        text = texts.get(_meta(cell).get("grade_id"))
        if text is not None and cell.source != text:
            cell.source, changed = text, True
    if changed:
        nbformat.write(nb, notebook)
    return changed
