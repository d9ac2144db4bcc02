"""Run All past a blank or failing answer, so the quizzes and checks below it still show.

JupyterLab and Notebook 7 send every cell of a Run All to the kernel at once, with ``stop_on_error``: the first
cell that raises (a stub left blank, a failed check) makes the kernel drop every cell queued after it, so each
quiz below looks empty. A cell tagged ``raises-exception`` is run without ``stop_on_error`` (Jupyter's own
convention, honoured by nbclient too), so the cells after it run. ``course generate`` tags every code cell after
the set-up cell of the student version; the set-up cell itself is not tagged, as nothing below can work without
it (docs/student-guide.md, "Run All").
"""

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

#: Jupyter's tag for a cell that may raise without stopping a Run All.
RAISES = "raises-exception"


def is_setup(source: str) -> bool:
    """The cell that imports the course package (every notebook's first code cell does)."""
    return any(line.startswith(("from course import", "import course")) for line in source.splitlines())


class RunPastErrors(Preprocessor):
    """Tag every code cell after the set-up cell ``raises-exception``."""

    enabled = Bool(True, help="tag the cells (nbconvert's steps are off unless enabled)").tag(config=True)

    def preprocess(self, nb, resources):
        after_setup = False
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            if after_setup:
                tags = cell.metadata.setdefault("tags", [])
                if RAISES not in tags:
                    tags.append(RAISES)
            after_setup = after_setup or is_setup(cell.source)
        return nb, resources
