"""How fast a class is graded: the teacher's command against plain nbgrader, in the same run.

A class of 60 submissions of summit_outcome (mostly honest full marks, some partial, blank and raising, made from
the sample class's recipes) is graded

* by the teacher's command, `course grade` end to end (collect, screening, the sandbox, warm kernels, the verdict
  outside the kernel, the second run on shifted data, each student's feedback written by the worker that graded
  them, the status and grades CSVs), run as a teacher runs it; and again without the second run;
* by the course's autograde step alone, in this process, with 1, 2 and N students at once (N: one per processor),
  N at once with every kernel started cold (what the template saves) and N at once without the second run; and
* by plain nbgrader: `nbgrader autograde` then `nbgrader generate_feedback`, nbgrader's default steps, no sandbox,
  the same cell time limit, one command each for the class, as nbgrader runs out of the box.

It prints the seconds, the ratios, where `course grade`'s time went (each step, and the workers' time on grading
and on feedback), the scaling, the peak memory of the largest grading process, and whether every student's total
agrees between the runs. The looping submission (its time is the cell limit) is graded apart and reported on its
own line. Last, a student's Run All of each released notebook (answered) in a fresh kernel. A full run (60
students) saves its figures in bench/results.json and writes them into the README and the docs
(bench/figures.py). Run: `make bench` (about 10 minutes on 2 cores); `python bench/autograde_bench.py --students
20` for a quicker look, which writes nothing. See docs/performance.md.
"""

import argparse
import datetime
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from course.grading.config import CELL_TIMEOUT, COURSE_ID  # noqa: E402
from course.paths import ASSIGNMENTS, PROJECT  # noqa: E402
from course.teacher.classroom import Classroom  # noqa: E402
from course.teacher.parallel import default_jobs  # noqa: E402
from course.teacher.sample import load_recipes, solutions, submit_as  # noqa: E402

warnings.filterwarnings("ignore")
ASSIGNMENT = "summit_outcome"
#: The class: recipe of the sample class -> share of the students.
MIX = {"full_marks": 0.7, "partial": 0.1, "blank": 0.1, "raises": 0.1}

PLAIN_CONFIG = '''"""Plain nbgrader: its default autograde steps, no sandbox, the course's folders and time limit."""
c = get_config()  # noqa: F821
c.CourseDirectory.course_id = {course_id!r}
c.CourseDirectory.root = {root!r}
c.CourseDirectory.submitted_directory = {submitted!r}
c.CourseDirectory.autograded_directory = {autograded!r}
c.CourseDirectory.feedback_directory = {feedback!r}
c.CourseDirectory.db_url = {db_url!r}
c.CourseDirectory.student_id_exclude = "looping"  # graded apart, as for the course
c.Execute.timeout = {timeout}
'''


def say(text: str) -> None:
    print(text, flush=True)


def build_class(root: Path, students: int) -> tuple:
    """A course copy with ``students`` submissions made from the sample recipes, and the looping one; collected."""
    for part in ("source", "release", "sample_class"):
        shutil.copytree(PROJECT / part, root / part)
    room = Classroom(root, root / "work")
    room.generate(ASSIGNMENT)
    room.release(ASSIGNMENT)
    recipes = load_recipes(ASSIGNMENT, root / "sample_class")
    answers = solutions(root / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    kinds = {}
    for kind, share in MIX.items():
        for n in range(max(1, round(students * share))):
            kinds[f"{kind}-{n:02d}"] = kind
    for student, kind in kinds.items():
        submit_as(room, ASSIGNMENT, student, recipes[kind], answers)
    room.collect(ASSIGNMENT)
    return room, kinds


def add_looping(room: Classroom) -> None:
    """The submission that loops (graded apart: its time is the cell limit)."""
    recipes = load_recipes(ASSIGNMENT, room.root / "sample_class")
    answers = solutions(room.root / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    submit_as(room, ASSIGNMENT, "looping", recipes["loops_forever"], answers)
    room.collect(ASSIGNMENT)


TOOK = re.compile(
    r"Took ([\d.]+) s: (.*?)\. Per student, summed over the workers: grading ([\d.]+) s, feedback ([\d.]+) s"
)


def teacher_command(room: Classroom, students: list, second: bool = True) -> dict:
    """`course grade` as the teacher runs it: seconds in all, per step (as the command reports them), the workers'
    seconds on grading and on feedback, and {student: total}. ``second=False``: the teacher's settings turn the
    second run off."""
    settings = room.root / "nbgrader_config.py"
    settings.write_text("c = get_config()  # noqa: F821\n" + ("" if second else "c.SecondRun.enabled = False\n"))
    seconds, done = run_course(room, "grade", ASSIGNMENT)
    settings.unlink()
    found = TOOK.search(" ".join(done.stdout.split()))
    if not found:
        raise SystemExit(
            f"course grade did not report its times (exit {done.returncode}):\n{done.stdout}\n{done.stderr}"
        )
    steps = {"start": 0.0}  # the command's own start (Python, nbgrader, the course): the wall time not in its steps
    steps.update({step: float(s) for step, s in re.findall(r"([a-z ]+?) ([\d.]+) s(?:, |$)", found.group(2))})
    steps["start"] = round(seconds - sum(steps.values()), 1)
    with room.gradebook() as gb:
        totals = {s: gb.find_submission(ASSIGNMENT, s).score for s in students}
    return {
        "total": round(seconds, 1),
        "steps": steps,
        "grading": float(found.group(3)),
        "feedback": float(found.group(4)),
        "totals": totals,
    }


def run_course(room: Classroom, *words: str) -> tuple:
    """(seconds, the finished process) of a `course` command on the class, as the teacher types it."""
    course = str(Path(sys.executable).parent / "course")
    start = time.perf_counter()
    done = subprocess.run(
        [course, "--course", str(room.root), "--work", str(room.work), *words],
        capture_output=True,
        text=True,
        env=dict(os.environ, COLUMNS="200"),
    )
    return time.perf_counter() - start, done


def insight_command(room: Classroom, n: int) -> float:
    """Seconds of `course insight` on the graded class, as the teacher runs it after `course grade`; it must report
    every student."""
    seconds, done = run_course(room, "insight", ASSIGNMENT)
    page = room.work / "insight" / ASSIGNMENT / "index.html"
    if done.returncode or f"{n} graded students" not in done.stdout or not page.exists():
        raise SystemExit(f"course insight failed (exit {done.returncode}):\n{done.stdout}\n{done.stderr}")
    return seconds


def course_run(room: Classroom, students: list, jobs: int, warm: bool = True, second: bool = True) -> tuple:
    """Seconds, {student: total} of the course's grading with ``jobs`` at once (``warm``: kernels forked from
    a template, as `course grade` does; else each kernel starts cold; ``second``: with the second run on shifted
    data)."""
    done = []
    room.config.SandboxKernelManager.warm_kernels = warm
    room.config.SecondRun.enabled = second
    start = time.perf_counter()
    outcomes = room.autograde(ASSIGNMENT, students, jobs=jobs, on_graded=lambda o: done.append(o))
    seconds = time.perf_counter() - start
    room.config.SandboxKernelManager.warm_kernels = True
    room.config.SecondRun.enabled = True
    return seconds, {o.student: o.score for o in outcomes}


def instructor_runs(room: Classroom) -> float:
    """Seconds to run the instructor's notebook on the real data and on each variant (kept for every later run)."""
    from course.grading.computed import SecondRun, reference
    from course.grading.verdict import _tests_of

    source = room.root / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    start = time.perf_counter()
    for variant in (0, *SecondRun(config=room.config).variants):
        reference(source, _tests_of(source), variant, room.config)
    return time.perf_counter() - start


def plain_run(root: Path, students: list) -> tuple:
    """Seconds of `nbgrader autograde`, seconds of `nbgrader generate_feedback` (nbgrader's own steps, one command
    each for all students), and {student: total}."""
    work = root / "work"
    plain = root / "plain"
    plain.mkdir(exist_ok=True)
    (plain / "nbgrader_config.py").write_text(
        PLAIN_CONFIG.format(
            course_id=COURSE_ID,
            root=str(root),
            submitted=str(work / "submitted"),
            autograded=str(root / "plain-autograded"),
            feedback=str(root / "plain-feedback"),
            db_url=f"sqlite:///{plain / 'gradebook.db'}",
            timeout=CELL_TIMEOUT,
        )
    )
    nbgrader = str(Path(sys.executable).parent / "nbgrader")
    subprocess.run([nbgrader, "generate_assignment", ASSIGNMENT, "--force"], cwd=plain, capture_output=True)

    def timed(step: str) -> float:
        start = time.perf_counter()
        subprocess.run(
            [nbgrader, step, ASSIGNMENT, "--force"],
            cwd=plain,
            capture_output=True,
            env=dict(os.environ, COURSE_SANDBOX="off"),
        )
        return time.perf_counter() - start

    seconds, feedback = timed("autograde"), timed("generate_feedback")
    from nbgrader.api import Gradebook, MissingEntry

    totals = {}
    with Gradebook(f"sqlite:///{plain / 'gradebook.db'}") as gb:
        for student in students:
            try:
                totals[student] = gb.find_submission(ASSIGNMENT, student).score
            except MissingEntry:
                totals[student] = None
    return seconds, feedback, totals


def run_all_seconds(root: Path) -> dict:
    """A student's Run All of each released notebook, answered, in a fresh kernel: seconds."""
    import nbformat
    from nbclient import NotebookClient

    from course.teacher.sample import fill_in

    found = {}
    for assignment in ASSIGNMENTS:
        folder = root / "runall" / assignment
        folder.mkdir(parents=True)
        notebook = folder / f"{assignment}.ipynb"
        shutil.copy(root / "release" / assignment / f"{assignment}.ipynb", notebook)
        fill_in(
            notebook, {"answers": {"*": "solution"}}, solutions(root / "source" / assignment / f"{assignment}.ipynb")
        )
        nb = nbformat.read(notebook, as_version=4)
        client = NotebookClient(nb, timeout=60, allow_errors=True, resources={"metadata": {"path": str(folder)}})
        start = time.perf_counter()
        client.execute(stderr=subprocess.DEVNULL)  # the kernel's own log lines
        found[assignment] = time.perf_counter() - start
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=60)
    args = parser.parse_args()
    cores = default_jobs()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        say(f"Building a class of {args.students} submissions of {ASSIGNMENT} ...")
        room, kinds = build_class(root, args.students)
        students = sorted(kinds)
        n = len(students)
        say("The instructor's notebook on the real data and on each variant of the shifted data (once) ...")
        say(f"  {instructor_runs(room):.0f} s (nothing when they are in the cache already)")
        say(f"The teacher's command, `course grade {ASSIGNMENT}`, end to end, every defence on ...")
        grade = teacher_command(room, students)
        say(f"  {grade['total']:.0f} s")
        say(f"Then `course insight {ASSIGNMENT}`: the item analysis of the class, its report and tables ...")
        insight = insight_command(room, len(students))
        say(f"  {insight:.1f} s")
        say("The same without the second run on shifted data ...")
        first_grade = teacher_command(room, students, second=False)
        say(f"  {first_grade['total']:.0f} s")
        runs = {}
        for jobs in sorted({1, 2, cores}):
            say(f"The autograde step alone, {jobs} at a time, every defence on ...")
            runs[jobs] = course_run(room, students, jobs)
            say(f"  {runs[jobs][0]:.0f} s")
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        say(f"The autograde step alone, {cores} at a time, kernels started cold (no template) ...")
        cold = course_run(room, students, cores, warm=False)
        say(f"  {cold[0]:.0f} s")
        say(f"The autograde step alone, {cores} at a time, without the second run on shifted data ...")
        first_only = course_run(room, students, cores, second=False)
        say(f"  {first_only[0]:.0f} s")
        say("Plain nbgrader: autograde, then generate_feedback (default steps, no sandbox, one command each) ...")
        plain_seconds, plain_feedback, plain_totals = plain_run(root, students)
        say(f"  {plain_seconds:.0f} s + {plain_feedback:.0f} s")
        say("Grading the looping submission apart (its time is the cell limit) ...")
        add_looping(room)
        loop_seconds, _ = course_run(room, ["looping"], 1)
        say("A student's Run All of each released notebook, answered, in a fresh kernel ...")
        runall = run_all_seconds(root)

    plain_both = plain_seconds + plain_feedback
    say(f"\n{n} submissions of {ASSIGNMENT} ({', '.join(f'{k} {v:g}' for k, v in MIX.items())}), {cores} processors")
    say(f"{'the teacher, end to end':<58}{'s total':>9}{'s / submission':>16}{'vs plain':>10}")
    for name, seconds in (
        (f"course grade, {cores} at a time, every defence on", grade["total"]),
        ("course grade, without the second run", first_grade["total"]),
        ("plain nbgrader autograde + generate_feedback", plain_both),
    ):
        say(f"{name:<58}{seconds:>9.1f}{seconds / n:>16.2f}{seconds / plain_both:>10.2f}")
    say(
        f"Where course grade's {grade['total']:.1f} s went: "
        + ", ".join(f"{step} {s:.1f} s" for step, s in grade["steps"].items())
        + f"; summed over the workers: grading {grade['grading']:.1f} s, feedback {grade['feedback']:.1f} s "
        f"({grade['feedback'] / n:.2f} s a student). Plain: autograde {plain_seconds:.1f} s, "
        f"generate_feedback {plain_feedback:.1f} s ({plain_feedback / n:.2f} s a student)."
    )
    say(f"\n{'the autograde step alone':<58}{'s total':>9}{'s / submission':>16}{'vs plain':>10}")
    for jobs, (seconds, _) in sorted(runs.items()):
        name = f"course, {jobs} at a time"
        say(f"{name:<58}{seconds:>9.1f}{seconds / n:>16.2f}{seconds / plain_seconds:>10.2f}")
    for name, seconds in (
        (f"course, {cores} at a time, cold kernels", cold[0]),
        (f"course, {cores} at a time, no second run", first_only[0]),
        ("plain nbgrader autograde (default steps)", plain_seconds),
    ):
        say(f"{name:<58}{seconds:>9.1f}{seconds / n:>16.2f}{seconds / plain_seconds:>10.2f}")
    say(
        f"\nScaling: {', '.join(f'{j} at a time {runs[1][0] / runs[j][0]:.2f}x' for j in sorted(runs))} "
        "(against 1 at a time)"
    )
    say(f"Peak memory of the largest grading process (a worker or a kernel): {peak:.0f} MiB")
    reference = runs[1][1]
    agree = sum(1 for s in students if plain_totals.get(s) is not None and abs(reference[s] - plain_totals[s]) < 1e-9)
    same = all(r[1] == reference for r in runs.values()) and cold[1] == reference == first_only[1]
    same = same and grade["totals"] == reference == first_grade["totals"]
    say(
        f"Totals: every course run agrees with the others: {'yes' if same else 'NO'}; with plain nbgrader: "
        f"{agree} of {n} students"
    )
    say(
        f"The second run on shifted data costs {grade['total'] - first_grade['total']:.1f} s of course grade "
        f"({grade['total'] / first_grade['total']:.2f} times the command without it)"
    )
    say(f"course insight on the {n} graded students: {insight:.1f} s (gradebook, work folder, report, plots)")
    say(f"The looping submission alone: {loop_seconds:.1f} s (the {CELL_TIMEOUT} s cell limit, then the rest)")
    say("Run All, answered, fresh kernel: " + ", ".join(f"{a} {s:.1f} s" for a, s in runall.items()))
    if args.students != parser.get_default("students") or not same:
        say("\nNot written into the docs: " + ("a quick look" if same else "the course runs disagree"))
        return
    from bench.figures import write

    results = {
        "date": datetime.date.today().isoformat(),
        "students": n,
        "cores": cores,
        "course_grade": {
            "with_second_run": {k: v for k, v in grade.items() if k != "totals"},
            "without_second_run": {k: v for k, v in first_grade.items() if k != "totals"},
        },
        "autograde": {
            "jobs": {str(j): round(r[0], 1) for j, r in runs.items()},
            "cold": round(cold[0], 1),
            "without_second_run": round(first_only[0], 1),
        },
        "plain": {"autograde": round(plain_seconds, 1), "feedback": round(plain_feedback, 1)},
        "insight": round(insight, 1),
        "agree": agree,
        "peak_mib": round(peak),
        "looping": round(loop_seconds, 1),
        "run_all": {a: round(s, 1) for a, s in runall.items()},
    }
    say("\nWritten: " + ", ".join(str(p.relative_to(PROJECT)) for p in write(results)))


if __name__ == "__main__":
    main()
