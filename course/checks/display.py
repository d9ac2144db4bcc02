"""How a failed check looks in a notebook: the student's line and the advice, like a teacher's note.

IPython would show the whole traceback, two frames of this package's code above the advice, which reads as
"I broke the course". ``CheckFailed`` tells IPython how to show it instead (``_render_traceback_``, which
IPython asks an exception for): the line of the student's cell that called ``check`` and the advice. Every
other error keeps IPython's normal traceback: an error in the student's own code is theirs to read. nbgrader
still sees an error, so the cell fails as before (docs/grading-safety.md).
"""

import sys
import traceback
from pathlib import Path

#: Code that is not the student's: this package, and everything installed (IPython's own frames).
_NOT_THE_STUDENTS = (str(Path(__file__).resolve().parent.parent), sys.prefix, sys.base_prefix)
RED, RESET = "\x1b[0;31m", "\x1b[0m"


def advice_lines(tb, error: BaseException) -> list[str]:
    """The structured traceback of a failed check: the calling lines outside the course, then the advice."""
    lines = []
    for frame in traceback.extract_tb(tb):
        if not frame.filename.startswith(_NOT_THE_STUDENTS) and frame.line:
            lines.append(f"{RED}---->{RESET} {frame.line}")
    return lines + [f"{RED}{type(error).__name__}{RESET}: {error}"]
