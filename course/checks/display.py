"""How a failed check looks in a notebook: the student's line and the advice, like a teacher's note.

IPython would show the whole traceback, two frames of this package's code above the advice, which reads as
"I broke the course". ``CheckFailed`` tells IPython how to show it instead (``_render_traceback_``, which
IPython asks an exception for): the line of the student's cell that called ``check`` and the advice. Every
other error keeps IPython's normal traceback: an error in the student's own code is theirs to read. nbgrader
still sees an error, so the cell fails as before (docs/grading-safety.md).
"""

import re
import sys
import textwrap
import traceback
from pathlib import Path

#: Code that is not the student's: this package, and everything installed (IPython's own frames).
_NOT_THE_STUDENTS = (str(Path(__file__).resolve().parent.parent), sys.prefix, sys.base_prefix)
RED, RESET = "\x1b[0;31m", "\x1b[0m"
#: Lines a student reads are wrapped here, between words: JupyterLab shows every output with CSS that breaks
#: a line at the edge of the cell inside a word ("Septemb|er"), so no line of ours may reach that edge
#: (docs/accessibility.md, "Reflow").
WIDTH = 76


def in_lines(text: str, width: int = WIDTH, indent: str = "") -> str:
    """``text`` wrapped between words at ``width``, each of its lines on its own; a line laid out by spaces (a
    table, a printed frame) is kept as it is. Later lines of a wrapped line start with ``indent``."""
    out = []
    for line in text.splitlines() or [""]:
        if len(line) <= width or re.search(r"\S {2,}\S", line):
            out.append(line)
            continue
        lead = line[: len(line) - len(line.lstrip())]
        out.extend(
            textwrap.wrap(line, width, subsequent_indent=lead + indent, break_long_words=False, break_on_hyphens=False)
        )
    return "\n".join(out)


def advice_lines(tb, error: BaseException) -> list[str]:
    """The structured traceback of a failed check: the calling lines outside the course, then the advice."""
    lines = []
    for frame in traceback.extract_tb(tb):
        if not frame.filename.startswith(_NOT_THE_STUDENTS) and frame.line:
            lines.append(f"{RED}---->{RESET} {frame.line}")
    return lines + [f"{RED}\u2718{RESET} {in_lines(str(error), indent='  ')}"]
