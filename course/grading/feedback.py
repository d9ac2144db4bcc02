"""Feedback a student can read question by question (nbgrader's generate_feedback, with the course's labels).

:class:`LabelFeedback` runs after nbgrader's GetGrades: it names every graded cell by its question ("Question
A.2", from the heading above it) and marks the answers the teacher has not graded yet, which nbgrader would
show as a score of zero. The course's template (``templates/feedback``, which extends nbgrader's
feedback template) shows those names in the table of contents and above each cell, "awaiting your teacher"
instead of "0 / 4", and wraps long lines. See docs/grading-safety.md, "Feedback".
"""

import re
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import NbGraderPreprocessor

#: Where the course's nbconvert templates are (its ``feedback`` extends nbgrader's template of that name).
TEMPLATES = Path(__file__).parent / "templates"
#: A question's heading: "### Question A.2 (2 points)", or "### Questions C.2 and C.3 (...)" over two cells.
_HEADING = re.compile(r"^#{1,6}\s*Questions?\s+([A-Z]\.\d+)(?:\s*(?:,|and)\s*([A-Z]\.\d+))*", re.MULTILINE)


def _meta(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def _what(cell) -> str:
    meta = _meta(cell)
    if meta.get("task") or (meta.get("solution") and cell.cell_type == "markdown"):
        return "written answer"
    if "quiz_graded" in cell.source:
        return "quiz"
    if meta.get("solution"):
        return "your answer"
    first = cell.source.strip().splitlines()[0] if cell.source.strip() else ""
    doc = re.match(r'^"""(.+?)(?:"""|$)', first)
    return f"test: {doc.group(1).strip().rstrip('.')}" if doc else "test"


class LabelFeedback(NbGraderPreprocessor):
    """Give each graded cell of a feedback notebook a label and say which await the teacher."""

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        questions: list = []  # the numbers of the heading above; a heading of two questions covers two cells
        with Gradebook(info["db_url"]) as gb:
            for cell in nb.cells:
                headings = list(_HEADING.finditer(cell.source)) if cell.cell_type == "markdown" else []
                if headings:
                    questions = re.findall(r"[A-Z]\.\d+", headings[-1].group(0))
                meta = _meta(cell)
                if not (meta.get("grade") or meta.get("task") or meta.get("solution")):
                    continue
                question = questions[0] if questions else None
                meta["label"] = f"Question {question}, {_what(cell)}" if question else _what(cell).capitalize()
                if not (meta.get("grade") or meta.get("task")):
                    continue  # an answer cell: named (for comments on it), not scored
                if len(questions) > 1:
                    questions.pop(0)
                try:
                    grade = gb.find_grade(meta["grade_id"], info["notebook"], info["assignment"], info["student"])
                except MissingEntry:
                    continue
                meta["awaiting"] = bool(grade.needs_manual_grade)
        return nb, resources
