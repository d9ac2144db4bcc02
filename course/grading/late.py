"""Late work: nbgrader's late-submission plugin with a penalty per day late, set in nbgrader_config.py.

nbgrader's own plugin gives nothing or zero. ``PerDayLate`` takes ``percent_per_day`` of the score for each day
(or part of a day) after the due date, up to ``max_percent``::

    c.AssignLatePenalties.plugin_class = "course.grading.late.PerDayLate"
    c.PerDayLate.percent_per_day = 10
    c.PerDayLate.max_percent = 50

The due date is the one `course release ASSIGNMENT --due ...` put in the gradebook; lateness is measured from the
submission's time (nbgrader's timestamp.txt, or the LMS's for a download). See docs/running-a-class.md, "Late work".
"""

import math

from nbgrader.plugins import LateSubmissionPlugin
from traitlets import Float


class PerDayLate(LateSubmissionPlugin):
    """A share of the score per day late (a part of a day counts as a day), never more than a cap."""

    percent_per_day = Float(10.0, help="the share of the score taken for each day late, in percent").tag(config=True)
    max_percent = Float(100.0, help="the most that lateness takes, in percent of the score").tag(config=True)

    def late_submission_penalty(self, student_id: str, score: float, total_seconds_late: float) -> float | None:
        if total_seconds_late <= 0:
            return None
        days = math.ceil(total_seconds_late / 86400)
        share = min(self.percent_per_day * days, self.max_percent) / 100
        return round(score * share, 2)
