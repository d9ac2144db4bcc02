"""How the formgrader shows a written answer's rubric: under a heading, not between raw markers.

nbgrader keeps a task's rubric between ``=== BEGIN MARK SCHEME ===`` and ``=== END MARK SCHEME ===`` in source/;
generate_assignment clears it from the student version and the formgrader renders the autograded notebook with the
markers as plain text. The formgrader's exporter (nbconvert's HTMLExporter, built from the course's config) runs
:class:`RubricAsHeading`, which puts a heading and a rule in their place. The feedback's exporter does not: what a
student reads never holds the rubric (course.grading.feedback.StudentView).
"""

import re

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

BEGIN, END = "=== BEGIN MARK SCHEME ===", "=== END MARK SCHEME ==="
#: What the teacher reads in place of the markers.
HEADING = "#### For the teacher only: students never see this"
_SCHEME = re.compile(rf"^[ \t]*{re.escape(BEGIN)}[ \t]*\n(.*?)^[ \t]*{re.escape(END)}[ \t]*$", re.M | re.S)


def with_heading(source: str) -> str:
    """A cell's markdown with each rubric set off by a rule, under :data:`HEADING`."""
    return _SCHEME.sub(lambda m: f"\n---\n\n{HEADING}\n\n{m.group(1).rstrip()}\n\n---\n", source)


class RubricAsHeading(Preprocessor):
    """Markdown cells' rubric markers as a heading (for the formgrader's exporter only)."""

    enabled = Bool(True, help="show rubrics under a heading (nbconvert's steps are off unless enabled)").tag(
        config=True
    )

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "markdown" and BEGIN in cell.source:
            cell.source = with_heading(cell.source)
        return cell, resources
