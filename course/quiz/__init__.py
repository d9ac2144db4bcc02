"""Widget quizzes: question banks as data, an accessible widget with graded and practice modes, the
answer record beside the notebook, and the scoring the hidden tests use."""

from .bank import check_key, credit_rule, find_question, load_bank
from .marking import AnswerInvalid, Mark, describe, key_answer, mark, normalise
from .record import AnswerRecordError, read_answers, record_answer
from .widget import QuizQuestion, question

__all__ = [
    "question",
    "QuizQuestion",
    "load_bank",
    "find_question",
    "check_key",
    "credit_rule",
    "read_answers",
    "record_answer",
    "AnswerRecordError",
    "AnswerInvalid",
    "Mark",
    "mark",
    "normalise",
    "describe",
    "key_answer",
]
