"""The teacher's command line: ``course demo``; for a term ``roster``, ``generate``, ``release``, ``intake``,
``grade``, ``feedback``, ``return``, ``export`` (docs/running-a-class.md)."""

import argparse
import os
import sys
import warnings
from pathlib import Path

from rich.console import Console
from rich.table import Table

from ..paths import COURSE_ENV, WORK_FOLDER, NoCourse, find_course, graded_assignments, released

STATUS_STYLE = {
    "graded": "green",
    "flagged": "magenta",
    "error": "yellow",
    "timed out": "yellow",
    "kernel died": "red",
    "failed": "red",
    "not graded": "blue",
}
#: Exit status of `course grade` when some students could not be graded because the machine failed
#: (EX_TEMPFAIL: run it again); a scheduled job can tell it from success.
EXIT_RUN_AGAIN = 75


def print_outcomes(outcomes, console: Console) -> None:
    table = Table(title="Grades", show_lines=False)
    for col, just in [
        ("assignment", "left"),
        ("student", "left"),
        ("score", "right"),
        ("max", "right"),
        ("status", "left"),
        ("reason", "left"),
    ]:
        table.add_column(col, justify=just, overflow="fold")
    for o in outcomes:
        style = STATUS_STYLE.get(o.status, "")
        table.add_row(
            o.assignment,
            o.student,
            "-" if o.status == "not graded" else f"{o.score:g}",
            f"{o.max_score:g}",
            f"[{style}]{o.status}[/{style}]",
            o.summary(),
        )
    console.print(table)


def shown(path: Path) -> str:
    """A path relative to the working directory when it is inside it, for shorter lines."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def cmd_demo(args, console: Console) -> int:
    from .demo import run_demo

    if not (args.root / "sample_class").is_dir():
        console.print(
            f"[red]{args.root} has no sample_class/: the demo runs in a clone of the module's repository.[/red]"
        )
        return 1
    console.print(f"Running the whole nbgrader cycle on the sample class in {shown(args.work)} (about 2 minutes) ...")
    result = run_demo(args.root, args.work, say=lambda text: console.print(text, highlight=False))
    print_outcomes(result["outcomes"], console)
    console.print("Feedback (HTML, one per graded student and assignment):")
    for path in result["feedback"]:
        console.print(f"  {shown(path)}")
    console.print(f"Grades CSV (nbgrader export): {shown(result['grades'])}")
    console.print(f"Status CSV (score, status, reason): {shown(result['status'])}")
    console.print(
        "\n[bold]What next[/bold], as in a real term (docs/running-a-class.md):\n"
        "  1. Grade the written answers: `make lab`, then Nbgrader > Formgrader (the students full_marks and partial\n"
        "     wrote one each; the rubric is in each question's mark scheme).\n"
        "  2. Write the feedback again with those grades: `.venv/bin/course feedback summit_outcome`.\n"
        "  3. Give it back: `.venv/bin/course return summit_outcome` (students Fetch Feedback, Assignments tab).\n"
        "  4. Grades for your LMS: `.venv/bin/course export --lms canvas` (or moodle)."
    )
    return 0


def cmd_generate(args, console: Console) -> int:
    from .classroom import Classroom

    room = Classroom(args.root, args.work)
    for assignment in args.assignments or released(args.root):
        console.print(f"generated {room.generate(assignment)}")
    return 0


def parse_due(text: str):
    """A due date as a teacher writes it ("2019-03-08 17:00", with a zone or not: then the machine's own)."""
    from dateutil import parser as dates

    try:
        when = dates.parse(text)
    except (ValueError, OverflowError):
        raise argparse.ArgumentTypeError(f"{text!r} is not a date and time, such as '2019-03-08 17:00'") from None
    return when if when.tzinfo else when.astimezone()


def cmd_release(args, console: Console) -> int:
    from .classroom import Classroom

    room = Classroom(args.root, args.work)
    room.release(args.assignment, args.due)
    due = f", due {args.due:%Y-%m-%d %H:%M %Z}".rstrip() if args.due else " (no due date)"
    console.print(f"Released {args.assignment} to the students{due}: they fetch it in the Assignments tab.")
    return 0


def cmd_grade(args, console: Console) -> int:
    from rich.progress import Progress

    from ..grading.report import NOT_GRADED
    from .classroom import Classroom
    from .demo import write_status
    from .parallel import default_jobs

    room = Classroom(args.root, args.work)
    with room.grading(args.assignment):  # refused at once while another run grades this assignment
        students = room.collect(args.assignment)
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task(f"Grading {args.assignment}", total=len(students))
            try:
                outcomes = room.autograde(
                    args.assignment,
                    students,
                    resume=args.resume,
                    on_graded=lambda o: progress.advance(task),
                    jobs=args.jobs or default_jobs(),
                )
            except KeyboardInterrupt:
                done = int(progress.tasks[0].completed)
                console.print(
                    f"[yellow]Grading stopped after {done} of {len(students)} students. Their results "
                    f"are kept; carry on with: course grade {args.assignment} --resume[/yellow]"
                )
                return 130
        status = write_status(outcomes, args.work / f"status-{args.assignment}.csv")
        room.feedback(args.assignment)  # provisional where written answers await the teacher
    print_outcomes(outcomes, console)
    console.print(f"Grades CSV: {room.export_grades(args.work / 'grades.csv')}")
    console.print(f"Status CSV: {status}")
    console.print(
        f"Feedback is written but not yet returned. Grade the written answers in the formgrader, then "
        f"`course feedback {args.assignment}` and `course return {args.assignment}`."
    )
    again = [o.student for o in outcomes if o.status == NOT_GRADED]
    if again:
        console.print(
            f"[blue]{len(again)} student(s) not graded because the grading machine failed "
            f"({', '.join(again)}); no zero was recorded for them. Run "
            f"`course grade {args.assignment} --resume` to grade them.[/blue]"
        )
        return EXIT_RUN_AGAIN
    return 0


def cmd_intake(args, console: Console) -> int:
    from .classroom import Classroom

    room = Classroom(args.root, args.work)
    results = room.intake(args.assignment, args.archive)
    table = Table(title=f"Taken in from {args.archive.name}")
    for col in ("student", "as the LMS named them", "files", "refused (not taken)"):
        table.add_column(col, overflow="fold")
    unknown = []
    for r in results:
        refused = "; ".join(f"{name}: {why}" for name, why in r.refused)
        files = ", ".join(r.files) + (" (replaces the earlier submission)" if r.replaced else "")
        named = ""
        if r.lms is not None and r.lms.system != "folders":
            named = f"{r.lms.system}: {' '.join(p for p in (r.lms.name, r.lms.id) if p)}"
            if not r.in_roster and r.files:
                named += " [yellow](not in the roster)[/yellow]"
                unknown.append(r.student)
        table.add_row(
            r.student, named, files or "[red]nothing[/red]", f"[magenta]{refused}[/magenta]" if refused else ""
        )
    console.print(table)
    if not any(r.files for r in results):
        console.print(
            f"[red]Nothing usable was taken in from {args.archive.name}: no student's file of {args.assignment} was "
            "found. Is it the download of this assignment (folders per student, or Moodle's, Canvas's or "
            "Blackboard's own)?[/red]"
        )
        return 1
    if unknown:
        console.print(
            f"[yellow]{len(unknown)} student(s) are not in the roster and got ids made from the LMS's names "
            f"({', '.join(unknown)}). Import the class list first (course roster FILE.csv) to use your ids.[/yellow]"
        )
    console.print(f"Grade them with: course grade {args.assignment}")
    return 0


def cmd_export(args, console: Console) -> int:
    from .classroom import Classroom
    from .lms_export import write_lms_grades

    room = Classroom(args.root, args.work)
    out = args.out or args.work / ("grades.csv" if args.lms == "nbgrader" else f"grades-{args.lms}.csv")
    if args.lms == "nbgrader":
        room.export_grades(out)
    else:
        with room.gradebook() as gb:
            write_lms_grades(gb, graded_assignments(args.root), args.lms, out)
    console.print(f"Grades for {args.lms}: {shown(out)}")
    return 0


def cmd_roster(args, console: Console) -> int:
    from .classroom import Classroom

    added, updated = Classroom(args.root, args.work).import_roster(args.file)
    console.print(f"Roster {args.file.name}: {added} student(s) added, {updated} updated in the gradebook.")
    return 0


def _print_returned(results, title: str, console: Console) -> None:
    table = Table(title=title)
    for col in ("student", "what happened", "files"):
        table.add_column(col, overflow="fold")
    for r in results:
        files = ", ".join(shown(p) for p in r.files or [])
        style = "" if r.files else "yellow"
        table.add_row(r.student, f"[{style}]{r.note}[/{style}]" if style else r.note, files)
    console.print(table)


def cmd_feedback(args, console: Console) -> int:
    from .classroom import Classroom

    room = Classroom(args.root, args.work)
    results = room.feedback(args.assignment)
    if not results:
        console.print(f"[yellow]No student of {args.assignment} is graded yet: run `course grade {args.assignment}`.")
        return 1
    _print_returned(results, f"Feedback for {args.assignment} (not yet returned to students)", console)
    console.print(f"Give it back to the students with: course return {args.assignment}")
    return 0


def cmd_return(args, console: Console) -> int:
    from .classroom import Classroom

    room = Classroom(args.root, args.work)
    results = room.return_feedback(args.assignment)
    if not results:
        console.print(f"[yellow]No feedback to return: run `course feedback {args.assignment}` first.[/yellow]")
        return 1
    _print_returned(results, f"Feedback returned for {args.assignment}", console)
    uploads = args.work / "returned" / f"{args.assignment}.zip"
    if uploads.exists():
        console.print(f"For the students who submitted through the LMS, upload: {shown(uploads)}")
    failed = [r for r in results if not r.files]
    return 1 if failed else 0


def _unknown_assignments(args) -> str:
    """Why the assignments named on the command line are not the course's, or "" when they are."""
    if args.command == "generate":
        known, names = released(args.root), args.assignments
    elif args.command == "release":
        known, names = released(args.root), [args.assignment]
    elif args.command in ("grade", "intake", "feedback", "return"):
        known, names = graded_assignments(args.root), [args.assignment]
    else:
        return ""
    missing = [n for n in names if n not in known]
    if not missing:
        return ""
    return (
        f"no assignment {', '.join(map(repr, missing))} in {Path(args.root) / 'source'}: an assignment is a "
        f"folder there with its notebook. This course has: {', '.join(known) or 'none'}."
    )


def main(argv=None) -> int:
    # --course is taken before or after the command (course --course DIR grade A, course grade A --course DIR).
    where = argparse.ArgumentParser(add_help=False)
    where.add_argument(
        "--course",
        "--root",
        dest="root",
        type=Path,
        default=argparse.SUPPRESS,
        metavar="DIR",
        help=f"the course directory (default: the one you are in, as nbgrader finds its config; or ${COURSE_ENV})",
    )
    parser = argparse.ArgumentParser(prog="course", description=__doc__, parents=[where])
    parser.add_argument(
        "--work",
        type=Path,
        help=f"folder for the exchange, submissions and gradebook (default: {WORK_FOLDER}/ in the course directory, "
        "unless its nbgrader_config.py says otherwise)",
    )
    parser.add_argument(
        "--no-sandbox",
        action="store_true",
        help="autograde without the bubblewrap sandbox (students' code then runs as you, "
        "with your files and network); same as COURSE_SANDBOX=off",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("demo", parents=[where], help="run the whole cycle on the bundled sample class and print the grades")
    gen = sub.add_parser("generate", parents=[where], help="regenerate release/ (the student version) from source/")
    gen.add_argument("assignments", nargs="*", metavar="ASSIGNMENT", help="default: all of source/")
    rel = sub.add_parser(
        "release", parents=[where], help="give an assignment to the students (the exchange), with its due date"
    )
    rel.add_argument("assignment", help="an assignment of source/ (generated in release/)")
    rel.add_argument("--due", type=parse_due, help="e.g. '2019-03-08 17:00' (your time zone unless one is given)")
    grade = sub.add_parser("grade", parents=[where], help="collect, autograde, write feedback and export grades")
    grade.add_argument("assignment", help="an assignment of source/ (the module's three, or your own)")
    grade.add_argument(
        "--resume",
        action="store_true",
        help="carry on an interrupted run: students already graded (same submission) are kept",
    )
    grade.add_argument(
        "--jobs", type=int, default=0, metavar="N", help="students graded at once (default: one per processor)"
    )
    intake = sub.add_parser(
        "intake",
        parents=[where],
        help="take submissions from an LMS download (Moodle, Canvas, Blackboard) or any zip or tar archive "
        "with one folder per student into the work folder, refusing links and path tricks; then grade",
    )
    intake.add_argument("assignment", help="an assignment of source/")
    intake.add_argument("archive", type=Path, help="a .zip, .tar, .tar.gz or .tgz file")
    roster = sub.add_parser(
        "roster", parents=[where], help="import the class list: a CSV as your LMS exports it (docs/running-a-class.md)"
    )
    roster.add_argument(
        "file", type=Path, help="nbgrader's id,first_name,last_name,email,lms_user_id; or Canvas's, Moodle's"
    )
    export = sub.add_parser(
        "export", parents=[where], help="grades as a CSV your LMS imports (Canvas, Moodle) or nbgrader's own"
    )
    export.add_argument("--lms", choices=("nbgrader", "canvas", "moodle"), default="nbgrader")
    export.add_argument("--out", type=Path, help="where to write it (default: the work folder)")
    for name, text in (
        ("feedback", "write the feedback again (after you graded written answers in the formgrader), not autograding"),
        ("return", "give feedback back: through the exchange (students Fetch Feedback) and as LMS upload files"),
    ):
        verb = sub.add_parser(name, parents=[where], help=text)
        verb.add_argument("assignment", help="an assignment of source/")
    args = parser.parse_args(argv)
    try:
        args.root = find_course(getattr(args, "root", None))
    except NoCourse as exc:
        parser.error(str(exc))
    args.work = args.work.resolve() if args.work else args.root / WORK_FOLDER
    unknown = _unknown_assignments(args)
    if unknown:
        parser.error(unknown)
    if args.no_sandbox:
        from ..grading.sandbox import SANDBOX_ENV

        os.environ[SANDBOX_ENV] = "off"
    # nbgrader 0.9.6 triggers SQLAlchemy 2 "not in session" warnings on every autograde; harmless noise.
    warnings.filterwarnings("ignore", message=".*not in session.*")
    console = Console(width=max(Console().width, 120))  # the reasons need room
    handler = {
        "demo": cmd_demo,
        "generate": cmd_generate,
        "release": cmd_release,
        "grade": cmd_grade,
        "intake": cmd_intake,
        "feedback": cmd_feedback,
        "return": cmd_return,
        "roster": cmd_roster,
        "export": cmd_export,
    }[args.command]
    try:
        return handler(args, console)
    except Exception as exc:  # a teacher sees one clear line, not a traceback
        from ..grading.config import SettingsError
        from .classroom import StepFailed

        if isinstance(exc, (StepFailed, SettingsError)):
            console.print(f"[red]{exc}[/red]")
            return 1
        raise


if __name__ == "__main__":
    sys.exit(main())
