"""The Hanoi summit module. What a student's notebook imports is the kernel side, here: data sets (``load``,
``describe``), quiz widgets (``question``), checks (``check``) and the venue tool, plus ``export``, which
records answers for the grader. It holds no answers. The grading side is ``course.grading`` and the teacher's
tools are ``course.teacher``; neither is imported by a notebook (CONTRIBUTING.md).
"""

from .checks import CheckFailed, check
from .data import describe, load
from .quiz import question

__all__ = ["check", "CheckFailed", "load", "describe", "question"]
