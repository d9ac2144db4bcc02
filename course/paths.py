"""Where the module's parts live on disk."""

from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
SOURCE = PROJECT / "source"
RELEASE = PROJECT / "release"
SAMPLE_CLASS = PROJECT / "sample_class"
WORK = PROJECT / "work"  # ignored by git: gradebook, exchange, submissions, feedback

#: The assignments in teaching order (ids are nbgrader assignment ids and folder names).
ASSIGNMENTS = ["summit_outcome", "sanctions_relief", "middle_powers"]

#: Read first: an ungraded notebook released with the assignments (learning goals, readings, how to submit).
OVERVIEW = "course_overview"

#: Everything generate/release handles, in the order students should meet it.
RELEASED = [OVERVIEW] + ASSIGNMENTS

#: The file a graded quiz writes beside the notebook; see course.quiz.
ANSWERS_FILE = "quiz_answers.json"
