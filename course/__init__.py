"""The Hanoi summit module. What a student's notebook imports is the kernel side, here: data sets (``load``,
``describe``), quiz widgets (``question``), checks (``check``), "Check my work" before submitting
(``check_my_work``), a regrade request once feedback is back (``request_regrade``) and the venue tool, plus
``export``, which records answers for the grader. It holds no answers. The grading side is ``course.grading`` and
the teacher's tools are ``course.teacher``; neither is imported by a notebook (CONTRIBUTING.md).
"""

from .checks import CheckFailed, check
from .data import describe, load
from .my_work import check_my_work
from .quiz import question
from .regrade import request_regrade

__all__ = ["check", "CheckFailed", "load", "describe", "question", "check_my_work", "request_regrade"]
