"""One graded class shared by the corpus tests: hostile (test_sandbox), tampered (test_tampering), malformed
(test_malformed) and taken in from archives (test_intake).

Every case of every corpus and one honest full-marks student are submitted, collected and autograded in one
run of ``Classroom.autograde``, once per test session (the four files are one xdist group, so one worker grades
it; see conftest.py). A corpus file says what it adds with two functions:

* ``submit_cases(corpus)``: its students, submitted through the exchange before collect;
* ``after_collect(corpus)`` (optional): what it changes in submitted/ or takes in from archives.

and reads its students' outcomes from ``corpus.outcomes`` in its own module fixture. A student's id is unique
across the corpora (:meth:`CorpusClass.submit` refuses a second one).
"""

import importlib
import time
from pathlib import Path

from course.teacher.sample import fill_in, load_recipes, record_quiz, solutions
from tests.conftest import released_course

ASSIGNMENT = "summit_outcome"
NOTEBOOK = f"{ASSIGNMENT}.ipynb"
HONEST = "honest"
#: Small limits keep the run short; the course's defaults are in course.grading.config.
TIMEOUT = 5
LIMITS = {"memory_limit": 1536 * 1024 * 1024, "file_size_limit": 20 * 1024 * 1024, "process_limit": 48}
#: In the order their after_collect runs (test_sandbox's last: it takes the digests of what must not change).
CORPORA = ("tests.test_malformed", "tests.test_intake", "tests.test_tampering", "tests.test_sandbox")


class CorpusClass:
    """The shared class: a course copy with summit_outcome released, and what grading it gave."""

    def __init__(self, base: Path):
        self.root, self.room = released_course(base, ASSIGNMENT, timeout=TIMEOUT)
        for name, value in LIMITS.items():
            setattr(self.room.config.SandboxKernelManager, name, value)
        self.work = self.root / "work"
        self.source = self.root / "source" / ASSIGNMENT / NOTEBOOK
        self.answers = solutions(self.source)
        recipe = load_recipes(ASSIGNMENT, self.root / "sample_class")["full_marks"]
        self.full_quiz, self.full = recipe["quiz"], recipe["expect"]["score"]
        self.extra: dict = {}  # what a corpus keeps for its own tests, under its own keys
        self.also_graded: list = []  # students graded though nothing was collected for them
        self.not_graded: set = set()  # submitted, but graded by a corpus itself (test_tampering's plain nbgrader)
        self.outcomes: dict = {}
        self.seconds = 0.0
        self._ids: set = set()

    def claim(self, student: str) -> str:
        """Reserve a student id for one corpus."""
        assert student not in self._ids, f"two corpora use the student id {student!r}"
        self._ids.add(student)
        return student

    def submit(self, student: str, answers: dict | None = None, quiz: dict | None = None, edit=None) -> Path:
        """Fetch, fill in (``answers`` by grade id, the solution elsewhere), change the notebook file with
        ``edit(path)``, record ``quiz`` answers (the full-marks ones by default) and submit, as a student does."""
        home = self.work / "students" / self.claim(student)
        folder = self.room.student_fetch(ASSIGNMENT, student, home)
        fill_in(folder / NOTEBOOK, {"answers": {"*": "solution"}}, self.answers if answers is None else answers)
        if edit:
            edit(folder / NOTEBOOK)
        record_quiz(folder, ASSIGNMENT, self.full_quiz if quiz is None else quiz)
        self.room.student_submit(ASSIGNMENT, student, home)
        return folder

    def submitted(self, student: str) -> Path:
        return self.work / "submitted" / student / ASSIGNMENT

    def autograded(self, student: str) -> Path:
        return self.work / "autograded" / student / ASSIGNMENT


def grade_corpus(base: Path) -> CorpusClass:
    corpus = CorpusClass(base)
    corpus.submit(HONEST)
    modules = [importlib.import_module(name) for name in CORPORA]
    for module in modules:
        module.submit_cases(corpus)
    corpus.room.collect(ASSIGNMENT)
    for module in modules:
        if hasattr(module, "after_collect"):
            module.after_collect(corpus)
    students = sorted(set(corpus.room.api.get_submitted_students(ASSIGNMENT)) - corpus.not_graded)
    start = time.monotonic()
    # two at a time, as `course grade` on two processors: the defences must hold between parallel workers too
    outcomes = corpus.room.autograde(ASSIGNMENT, students + corpus.also_graded, jobs=2)
    corpus.seconds = time.monotonic() - start
    corpus.outcomes = {o.student: o for o in outcomes}
    for o in outcomes:  # shown with -s
        print(f"{o.student}: {o.status}, {o.score:g}: {o.summary()}")
    return corpus
