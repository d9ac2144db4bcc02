"""The Hanoi summit module: data, quiz widgets and checks for the notebooks, and the teacher's
command line (``course``)."""

from .checks import CheckFailed, check
from .data import describe, load
from .quiz import question

__all__ = ["check", "CheckFailed", "load", "describe", "question"]
