"""The demo: the whole nbgrader cycle on the bundled sample class, from an empty work folder."""

import csv
import shutil
from pathlib import Path

from ..grading.report import NOT_GRADED, Outcome
from ..paths import ASSIGNMENTS, OVERVIEW, PROJECT, WORK
from .classroom import Classroom
from .parallel import default_jobs
from .sample import load_recipes, solutions, submit_as

MARKER = ".demo-course"  # the demo only ever wipes a work folder it made itself


def fresh_work(work: Path) -> None:
    """Empty ``work`` so that every run starts alike; refuse if the folder is not the demo's."""
    if work.exists() and any(work.iterdir()) and not (work / MARKER).exists():
        raise SystemExit(f"{work} holds files the demo did not make; move them or choose another folder.")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    (work / MARKER).write_text("made by `course demo`; safe to delete\n")


def run_demo(
    root: Path = PROJECT, work: Path = WORK, assignments=ASSIGNMENTS, say=None, jobs: int | None = None
) -> dict:
    """Generate, release, submit as every sample student, collect, autograde, give feedback, export.
    ``say(text)`` is told each step as it starts and each student as they are graded (the command line prints it);
    ``jobs`` students are graded at once (default: one per processor, course.teacher.parallel)."""
    say = say or (lambda text: None)
    root, work = Path(root).resolve(), Path(work).resolve()
    fresh_work(work)
    room = Classroom(root, work)
    outcomes: list[Outcome] = []
    feedback: list[Path] = []
    room.generate(OVERVIEW)
    room.release(OVERVIEW)
    for assignment in assignments:
        say(f"{assignment}: generating the student version and releasing it")
        room.generate(assignment)
        room.release(assignment)
        answers = solutions(root / "source" / assignment / f"{assignment}.ipynb")
        recipes = load_recipes(assignment, root / "sample_class")
        for student, recipe in recipes.items():
            submit_as(room, assignment, student, recipe, answers)
        say(f"{assignment}: {len(recipes)} sample students submitted; grading each in the sandbox")
        outcomes += room.autograde(
            assignment,
            room.collect(assignment),
            on_graded=lambda o: say(f"  {o.student}: {o.status}"),
            jobs=default_jobs() if jobs is None else jobs,
        )
        feedback += [path for r in room.feedback(assignment) for path in r.files or []]
    grades = room.export_grades(work / "grades.csv")
    status = write_status(outcomes, work / "status.csv")
    return {"outcomes": outcomes, "feedback": feedback, "grades": grades, "status": status}


def write_status(outcomes: list[Outcome], path: Path) -> Path:
    """One row per student and assignment: score, max, status and the reason, for the teacher."""
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["assignment", "student", "score", "max_score", "status", "reason"])
        for o in outcomes:
            score = "" if o.status == NOT_GRADED else f"{o.score:g}"  # not a zero: the machine failed, not them
            writer.writerow([o.assignment, o.student, score, f"{o.max_score:g}", o.status, o.summary()])
    return path
