"""How fast a class is graded: the course (every defence on) against plain `nbgrader autograde`, in the same run.

A class of 60 submissions of summit_outcome (mostly honest full marks, some partial, blank and raising, made from
the sample class's recipes) is graded

* by the course, as `course grade` does: screening, the sandbox, the verdict outside the kernel, the second run on
  shifted data, each kernel forked from a warm template, with 1, 2 and N students at once (N: one per processor);
  N at once with every kernel started cold, to show what the template saves; and N at once without the second run,
  to show what it costs (the instructor's notebook on each variant runs once before, as its answers are kept); and
* by plain nbgrader: `nbgrader autograde` with nbgrader's default preprocessors, no sandbox, the same cell time
  limit, all students in one command, as nbgrader runs out of the box.

It prints seconds per submission, the ratio, the scaling table, the peak memory of the largest grading process,
and whether every student's total agrees between the two. The looping submission (its time is the cell limit) is
graded apart and reported on its own line. Last, a student's Run All of each released notebook (answered) in a
fresh kernel. Run: `make bench` (about 7 minutes on 2 cores); `python bench/autograde_bench.py --students 20` for a
quicker look. See docs/performance.md.
"""

import argparse
import os
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
    submit_as(room, ASSIGNMENT, "looping", recipes["loops_forever"], answers)
    room.collect(ASSIGNMENT)
    return room, kinds


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
    """Seconds, {student: total} of `nbgrader autograde` with nbgrader's own steps (one command, all students)."""
    work = root / "work"
    plain = root / "plain"
    plain.mkdir(exist_ok=True)
    (plain / "nbgrader_config.py").write_text(
        PLAIN_CONFIG.format(
            course_id=COURSE_ID,
            root=str(root),
            submitted=str(work / "submitted"),
            autograded=str(root / "plain-autograded"),
            db_url=f"sqlite:///{plain / 'gradebook.db'}",
            timeout=CELL_TIMEOUT,
        )
    )
    nbgrader = str(Path(sys.executable).parent / "nbgrader")
    subprocess.run([nbgrader, "generate_assignment", ASSIGNMENT, "--force"], cwd=plain, capture_output=True)
    start = time.perf_counter()
    subprocess.run(
        [nbgrader, "autograde", ASSIGNMENT, "--force"],
        cwd=plain,
        capture_output=True,
        env=dict(os.environ, COURSE_SANDBOX="off"),
    )
    seconds = time.perf_counter() - start
    from nbgrader.api import Gradebook, MissingEntry

    totals = {}
    with Gradebook(f"sqlite:///{plain / 'gradebook.db'}") as gb:
        for student in students:
            try:
                totals[student] = gb.find_submission(ASSIGNMENT, student).score
            except MissingEntry:
                totals[student] = None
    return seconds, totals


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
        say(f"Building a class of {args.students} submissions of {ASSIGNMENT} (and one that loops) ...")
        room, kinds = build_class(root, args.students)
        students = sorted(kinds)
        n = len(students)
        say("The instructor's notebook on the real data and on each variant of the shifted data (once) ...")
        say(f"  {instructor_runs(room):.0f} s (nothing when they are in the cache already)")
        runs = {}
        for jobs in sorted({1, 2, cores}):
            say(f"Grading them with the course, {jobs} at a time, every defence on ...")
            runs[jobs] = course_run(room, students, jobs)
            say(f"  {runs[jobs][0]:.0f} s")
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        say(f"Grading them with the course, {cores} at a time, kernels started cold (no template) ...")
        cold = course_run(room, students, cores, warm=False)
        say(f"  {cold[0]:.0f} s")
        say(f"Grading them with the course, {cores} at a time, without the second run on shifted data ...")
        first_only = course_run(room, students, cores, second=False)
        say(f"  {first_only[0]:.0f} s")
        say("Grading them with plain nbgrader (its default steps, no sandbox, one command) ...")
        plain_seconds, plain_totals = plain_run(root, students)
        say(f"  {plain_seconds:.0f} s")
        say("Grading the looping submission apart (its time is the cell limit) ...")
        loop_seconds, _ = course_run(room, ["looping"], 1)
        say("A student's Run All of each released notebook, answered, in a fresh kernel ...")
        runall = run_all_seconds(root)

    best = min(runs[j][0] for j in runs)
    say(f"\n{n} submissions of {ASSIGNMENT} ({', '.join(f'{k} {v:g}' for k, v in MIX.items())}), {cores} processors")
    say(f"{'grader':<42}{'s total':>9}{'s / submission':>16}{'vs plain':>10}")
    for jobs, (seconds, _) in sorted(runs.items()):
        say(
            f"{'course, ' + str(jobs) + ' at a time (sandbox, verdict)':<42}{seconds:>9.1f}{seconds / n:>16.2f}"
            f"{seconds / plain_seconds:>10.2f}"
        )
    say(
        f"{'course, ' + str(cores) + ' at a time, cold kernels':<42}{cold[0]:>9.1f}{cold[0] / n:>16.2f}"
        f"{cold[0] / plain_seconds:>10.2f}"
    )
    say(
        f"{'course, ' + str(cores) + ' at a time, no second run':<42}{first_only[0]:>9.1f}"
        f"{first_only[0] / n:>16.2f}{first_only[0] / plain_seconds:>10.2f}"
    )
    say(f"{'plain nbgrader autograde (default steps)':<42}{plain_seconds:>9.1f}{plain_seconds / n:>16.2f}{1:>10.2f}")
    say(
        f"\nScaling: {', '.join(f'{j} at a time {runs[1][0] / runs[j][0]:.2f}x' for j in sorted(runs))} "
        "(against 1 at a time)"
    )
    say(f"Fastest course run against plain nbgrader: {best / plain_seconds:.2f} of its time")
    say(f"Peak memory of the largest grading process (a worker or a kernel): {peak:.0f} MiB")
    disagree = {
        s: (runs[1][1][s], plain_totals.get(s))
        for s in students
        if plain_totals.get(s) is None or abs(runs[1][1][s] - plain_totals[s]) > 1e-9
    }
    same_runs = all(runs[j][1] == runs[1][1] for j in runs) and cold[1] == runs[1][1] == first_only[1]
    say(
        f"Totals: course runs agree with each other: {'yes' if same_runs else 'NO'}; "
        f"with plain nbgrader: {'every student' if not disagree else f'NOT for {len(disagree)}: {disagree}'}"
    )
    say(
        f"The second run on shifted data costs {runs[cores][0] - first_only[0]:.1f} s "
        f"({runs[cores][0] / first_only[0]:.2f} times the grading without it); every total the same with it: "
        f"{'yes' if first_only[1] == runs[cores][1] else 'NO'}"
    )
    say(f"The looping submission alone: {loop_seconds:.1f} s (the {CELL_TIMEOUT} s cell limit, then the rest)")
    say("Run All, answered, fresh kernel: " + ", ".join(f"{a} {s:.1f} s" for a, s in runall.items()))


if __name__ == "__main__":
    main()
