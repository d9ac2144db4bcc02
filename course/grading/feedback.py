"""Feedback a student can read question by question (nbgrader's generate_feedback, with the course's labels).

:class:`LabelFeedback` runs after nbgrader's GetGrades: it names every graded cell by its question ("Question
A.2", from the heading above it) and marks the answers the teacher has not graded yet, which nbgrader would
show as a score of zero. The course's template (``templates/feedback``, which extends nbgrader's
feedback template) shows those names in the table of contents and above each cell, "awaiting your teacher"
instead of "0 / 4", and wraps long lines. See docs/grading-safety.md, "Feedback".
"""

from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import NbGraderPreprocessor

from ..labels import describe_cell, nbgrader_meta, questions_of

#: Where the course's nbconvert templates are (its ``feedback`` extends nbgrader's template of that name).
TEMPLATES = Path(__file__).parent / "templates"


class LabelFeedback(NbGraderPreprocessor):
    """Give each graded cell of a feedback notebook a label and say which await the teacher."""

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        with Gradebook(info["db_url"]) as gb:
            for cell, question in questions_of(nb.cells):
                meta = nbgrader_meta(cell)
                what = describe_cell(cell)
                meta["label"] = f"Question {question}, {what}" if question else what.capitalize()
                if not (meta.get("grade") or meta.get("task")):
                    continue  # an answer cell: named (for comments on it), not scored
                try:
                    grade = gb.find_grade(meta["grade_id"], info["notebook"], info["assignment"], info["student"])
                except MissingEntry:
                    continue
                meta["awaiting"] = bool(grade.needs_manual_grade)
        return nb, resources
