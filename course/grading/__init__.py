"""The grading side: what runs in the grader's process, never in a student's kernel, and may hold answers.

nbgrader's autograde steps (``config``: the course's nbgrader settings), the bubblewrap sandbox around each
student's kernel (``sandbox``), every test cell decided outside the kernel (``verdict``, with the answers the
kernel recorded through ``course.export``), checks of the notebook file and the kernel's tricks (``tamper``),
archives taken in from an LMS (``intake``), one run per assignment (``lock``), and each student's outcome and
status (``report``). ``keys`` reads the quiz keys from the source notebooks' hidden tests.
See docs/grading-safety.md.
"""
