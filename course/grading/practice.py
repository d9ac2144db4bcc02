"""Practice mode: an assignment whose student version shows the values its tests check.

By default a test cell's visible part checks the form of an answer and its hidden part the values, so the
student's copy holds no key (docs/grading-safety.md, "No key in what students see"). A teacher who wants the
values shown, for practice, names the assignment in ``nbgrader_config.py``:
``c.Practice.assignments = ["summit_outcome"]``. ``course generate`` (nbgrader's generate_assignment) then keeps
the hidden tests of that assignment's test cells in the student version, without their markers; a quiz's hidden
test, which holds its key, is cleared as always. Grading is unchanged: the grader decides every test cell from
source/, outside the student's kernel.
"""

from nbgrader.preprocessors import ClearHiddenTests
from traitlets import List, Unicode
from traitlets.config import Configurable

from ..export import QUIZ_CHECKS


class Practice(Configurable):
    """Assignments released in practice mode (docs/running-a-class.md, "Practice mode")."""

    assignments = List(
        Unicode(),
        help="assignments whose student version keeps the hidden tests that check values (not the quiz keys); "
        "run course generate after changing it",
    ).tag(config=True)


def holds_quiz_key(source: str) -> bool:
    """A test cell that scores a quiz: its hidden part holds the key."""
    return any(f'"{name}"' in source or f"'{name}'" in source for name in QUIZ_CHECKS)


class PracticeClearHiddenTests(ClearHiddenTests):
    """nbgrader's ClearHiddenTests, except in an assignment of ``Practice.assignments``: there a test cell keeps
    its hidden tests (only the marker lines go), unless they hold a quiz key."""

    def preprocess(self, nb, resources):
        assignment = resources.get("nbgrader", {}).get("assignment")
        self._practice = assignment in Practice(config=self.config).assignments
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, cell_index):
        if getattr(self, "_practice", False) and cell.cell_type == "code" and not holds_quiz_key(cell.source):
            markers = (self.begin_test_delimeter, self.end_test_delimeter)
            cell.source = "\n".join(ln for ln in cell.source.split("\n") if not any(m in ln for m in markers))
            return cell, resources
        return super().preprocess_cell(cell, resources, cell_index)
