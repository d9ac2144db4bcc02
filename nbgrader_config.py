"""nbgrader's configuration for this module (read by `nbgrader ...`, `make lab` and the formgrader).

The settings live in course/grading/config.py so the command line, the tests and this file agree.
"""

import sys
from pathlib import Path

# In the module's own clone, its course/ package; in a course directory elsewhere, the installed package.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from course.grading.config import course_config  # noqa: E402

c = get_config()  # noqa: F821  (provided by traitlets when nbgrader loads this file)
c.merge(course_config(Path(__file__).resolve().parent))  # this folder is the course directory

# Your own settings go below: they apply to nbgrader's tools and to the `course` commands alike
# (docs/running-a-class.md). For example:
# c.AssignLatePenalties.plugin_class = "course.grading.late.PerDayLate"
# c.PerDayLate.percent_per_day = 10
# c.FeedbackPolicy.quiz_keys = "after_all_submitted"
