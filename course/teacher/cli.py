"""The teacher's command line: ``course demo``; for a term ``roster``, ``generate``, ``release``, ``intake``,
``extend``, ``grade``, ``status``, ``feedback``, ``return``, ``regrades``, ``export``, ``insight``,
``similarity`` (docs/running-a-class.md)."""

import argparse
import os
import shlex
import shutil
import signal
import sys
import time
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
#: The shell's PATH, before course.teacher.classroom adds this environment's bin folder to it for nbgrader.
_SHELL_PATH = os.environ.get("PATH", "")
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


def course_command(args, *words: str) -> str:
    """A `course` command for the teacher to run next, as they called this one: the same program (``course`` when
    that is what the shell finds, else the path they typed, such as .venv/bin/course), and their own --course,
    --work and --no-sandbox, so that a line copied from the output serves the same class."""
    program = "course"
    called = Path(sys.argv[0] if sys.argv else "")
    if called.name == "course" and called.exists():
        # under make (make demo) the PATH is the Makefile's, not the teacher's shell's: name the program as typed
        on_path = None if os.environ.get("MAKELEVEL") else shutil.which("course", path=_SHELL_PATH)
        if not (on_path and Path(on_path).resolve() == called.resolve()):
            program = str(sys.argv[0])
    parts = [program]
    if getattr(args, "course_given", None):
        parts += ["--course", args.course_given]
    if getattr(args, "work_given", None):
        parts += ["--work", args.work_given]
    if getattr(args, "no_sandbox", False):
        parts.append("--no-sandbox")
    return shlex.join([*parts, *words])


def classroom(args):
    """The Classroom of the command line's course and work folder, naming commands as the teacher called this one."""
    from .classroom import Classroom

    room = Classroom(args.root, args.work)
    room.command = lambda *words: course_command(args, *words)
    return room


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
        f"  2. Write the feedback again with those grades: `{course_command(args, 'feedback', 'summit_outcome')}`.\n"
        f"  3. Give it back: `{course_command(args, 'return', 'summit_outcome')}` (students Fetch Feedback, "
        "Assignments tab).\n"
        f"  4. Grades for your LMS: `{course_command(args, 'export', '--lms', 'canvas')}` (or moodle).\n"
        f"  5. What the class learned, question by question: `{course_command(args, 'insight', 'summit_outcome')}`."
    )
    return 0


def cmd_generate(args, console: Console) -> int:
    room = classroom(args)
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
    room = classroom(args)
    room.release(args.assignment, args.due)
    due = f", due {args.due:%Y-%m-%d %H:%M %Z}".rstrip() if args.due else " (no due date)"
    console.print(f"Released {args.assignment} to the students{due}: they fetch it in the Assignments tab.")
    return 0


def cmd_grade(args, console: Console) -> int:
    from rich.progress import Progress

    from ..grading.report import NOT_GRADED
    from .classroom import MachineStopped
    from .demo import write_status
    from .parallel import default_jobs
    from .roster import not_on_roster_note

    room = classroom(args)
    took = {"started": time.perf_counter()}
    with room.grading(args.assignment):  # refused at once while another run grades this assignment
        students = room.collect(args.assignment)
        took["collect"] = time.perf_counter() - took["started"]
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task(f"Grading {args.assignment}", total=len(students))
            try:
                outcomes = room.autograde(
                    args.assignment,
                    students,
                    resume=args.resume,
                    on_graded=lambda o: progress.advance(task),
                    jobs=args.jobs or default_jobs(),
                    feedback=True,  # each student's, by the worker that graded them
                )
            except KeyboardInterrupt as stop:  # Ctrl+C, or SIGTERM (course.teacher.classroom.GradingInterrupted)
                done = int(progress.tasks[0].completed)
                signum = getattr(stop, "signum", signal.SIGINT)
                by = "" if signum == signal.SIGINT else f" by {signal.Signals(signum).name}"
                console.print(
                    f"[yellow]Grading stopped{by} after {done} of {len(students)} students. Their results are kept, "
                    "and the students being graded have what they had before. Carry on with: "
                    f"{course_command(args, 'grade', args.assignment, '--resume')}[/yellow]"
                )
                return 128 + signum
            except MachineStopped as stop:
                console.print(
                    f"[red]Grading stopped: {stop.problem}. {stop.graded} of {stop.total} students were graded and "
                    f"are kept; nothing was recorded for the others. Free some space in {args.work}, then run: "
                    f"{course_command(args, 'grade', args.assignment, '--resume')}[/red]",
                    soft_wrap=True,
                )
                return stop.exit_status
        # feedback is provisional where written answers await the teacher; students taken from the journal of an
        # earlier run (--resume) get theirs here
        room.feedback(args.assignment, [o.student for o in outcomes if not o.feedback])
        took["grading and feedback"] = time.perf_counter() - took["started"] - took["collect"]
        status = write_status(outcomes, args.work / f"status-{args.assignment}.csv")
    print_outcomes(outcomes, console)
    unknown = not_on_roster_note(room.work, [o.student for o in outcomes], room.command)
    if unknown:
        console.print(f"[yellow]{unknown}[/yellow]")
    console.print(f"Grades CSV: {room.export_grades(args.work / 'grades.csv')}")
    console.print(f"Status CSV: {status}")
    took["exports"] = time.perf_counter() - took.pop("started") - took["collect"] - took["grading and feedback"]
    console.print(timings(took, outcomes), style="dim", soft_wrap=True)
    console.print(
        "Feedback is written but not yet returned. Grade the written answers in the formgrader, then:\n"
        f"  {course_command(args, 'feedback', args.assignment)}\n  {course_command(args, 'return', args.assignment)}",
        soft_wrap=True,
    )
    again = [o.student for o in outcomes if o.status == NOT_GRADED]
    if again:
        console.print(
            f"[blue]{len(again)} student(s) not graded because the grading machine failed "
            f"({', '.join(again)}); no zero was recorded for them. Run "
            f"`{course_command(args, 'grade', args.assignment, '--resume')}` to grade them.[/blue]"
        )
        return EXIT_RUN_AGAIN
    return 0


def timings(took: dict, outcomes: list) -> str:
    """Where the run's time went, in one line: each step's wall-clock seconds, and the workers' seconds on
    grading and on feedback summed over the students (make bench reads it: docs/performance.md)."""
    total = sum(took.values())
    steps = ", ".join(f"{step} {seconds:.1f} s" for step, seconds in took.items())
    spent = {part: sum(o.seconds.get(part, 0) for o in outcomes) for part in ("grading", "feedback")}
    return (
        f"Took {total:.1f} s: {steps}. Per student, summed over the workers: grading {spent['grading']:.1f} s, "
        f"feedback {spent['feedback']:.1f} s."
    )


def cmd_intake(args, console: Console) -> int:
    from .roster import load_roster, not_on_roster_note

    room = classroom(args)
    results = room.intake(args.assignment, args.archive)
    table = Table(title=f"Taken in from {args.archive.name}")
    for col in ("student", "as the LMS named them", "files", "refused (not taken)"):
        table.add_column(col, overflow="fold")
    unknown, taken, kept = [], [], []
    for r in results:
        refused = "; ".join(f"{name}: {why}" for name, why in r.refused)
        files = ", ".join(r.files)
        if r.kept_earlier:
            kept.append(r.student)
            files = (
                f"[yellow]{files}: not taken, no notebook of {args.assignment} in it; the earlier submission "
                "is kept[/yellow]"
            )
        elif r.files:
            taken.append(r.student)
            notes = [f"taken out of its folder {r.flattened}/"] if r.flattened else []
            notes += ["replaces the earlier submission"] if r.replaced else []
            if r.no_notebook:
                notes.append(f"[yellow]no notebook of {args.assignment}: it cannot be graded[/yellow]")
            files += f" ({'; '.join(notes)})" if notes else ""
        named = ""
        if r.lms is not None and r.lms.system != "folders":
            named = f"{r.lms.system}: {' '.join(p for p in (r.lms.name, r.lms.id) if p)}"
            if not r.in_roster and r.student in taken:
                named += " [yellow](not in the roster)[/yellow]"
                unknown.append(r.student)
        elif r.on_roster is False and r.student in taken:
            named = "[yellow](not on the class list)[/yellow]"
        table.add_row(
            r.student, named, files or "[red]nothing[/red]", f"[magenta]{refused}[/magenta]" if refused else ""
        )
    console.print(table)
    if not taken and kept:
        console.print(
            f"[yellow]Nothing new was taken in from {args.archive.name}: what it holds for {', '.join(kept)} has no "
            f"notebook of {args.assignment}, and their earlier submission is kept.[/yellow]"
        )
        return 0
    if not taken:
        console.print(
            f"[red]Nothing usable was taken in from {args.archive.name}: no student's file of {args.assignment} was "
            "found. Is it the download of this assignment (folders per student, or Moodle's, Canvas's or "
            "Blackboard's own)?[/red]"
        )
        return 1
    if unknown:
        source = load_roster(room.work).get("source")
        then = (
            f"They are not on the class list imported from {source}: `course export --lms` leaves them out. Add "
            f"them in the LMS and import the class list again ({course_command(args, 'roster', 'FILE.csv')}), or "
            "check their names."
            if source
            else f"Import the class list first ({course_command(args, 'roster', 'FILE.csv')}) to use your ids."
        )
        console.print(
            f"[yellow]{len(unknown)} student(s) are not in the roster and got ids made from the LMS's names "
            f"({', '.join(unknown)}). {then}[/yellow]"
        )
    note = not_on_roster_note(room.work, [s for s in taken if s not in unknown], room.command)
    if note:
        console.print(f"[yellow]{note}[/yellow]")
    console.print(f"Grade them with: {course_command(args, 'grade', args.assignment)}", soft_wrap=True)
    return 0


def parse_column(text: str) -> tuple[str, str]:
    """``ASSIGNMENT=COLUMN``, e.g. summit_outcome="Summit Outcome (1184301)"."""
    assignment, sep, column = text.partition("=")
    if not sep or not assignment.strip() or not column.strip():
        raise argparse.ArgumentTypeError(
            f"{text!r}: expected ASSIGNMENT=COLUMN, e.g. summit_outcome='Summit Outcome (1184301)'"
        )
    return assignment.strip(), column.strip()


#: How the LMS whose file the roster came from is named to the teacher.
ROSTER_KIND = {"canvas": "Canvas's gradebook export", "moodle": "Moodle's", "nbgrader": "nbgrader's own"}
LMS_NAME = {"canvas": "Canvas", "moodle": "Moodle"}


def cmd_export(args, console: Console) -> int:
    from .roster import load_roster, not_on_roster_note

    room = classroom(args)
    out = args.out or args.work / ("grades.csv" if args.lms == "nbgrader" else f"grades-{args.lms}.csv")
    if args.lms == "nbgrader":
        room.export_grades(out)
        console.print(f"Grades for nbgrader: {shown(out)}")
        with room.gradebook() as gb:
            graded = {sub.student.id for a in gb.assignments for sub in a.submissions}
        note = not_on_roster_note(room.work, graded, room.command)
        if note:
            console.print(f"[yellow]{note}[/yellow]")
        return 0
    columns = dict(args.column or [])
    report = room.export_lms(args.lms, out, args.assignment or None, columns)
    lms, source = LMS_NAME[args.lms], load_roster(room.work).get("source", "the roster")
    if not report.columns:
        waiting = f" ({', '.join(report.not_graded)} given out, nothing graded yet)" if report.not_graded else ""
        console.print(
            f"[red]Nothing written: no assignment{' asked for' if args.assignment else ''} has grades in the "
            f"gradebook yet{waiting}. Grade one first: {course_command(args, 'grade', 'ASSIGNMENT')}.[/red]"
        )
        return 1
    headed = ", ".join(a if h == a else f"{a} as {h!r}" for a, h in report.columns.items())
    console.print(f"Grades for {args.lms}: {shown(out)}: {report.rows} student(s); columns: {headed}")
    if report.roster_lms and report.roster_lms != args.lms:
        console.print(
            f"[yellow]The class list came from {ROSTER_KIND[report.roster_lms]} file ({source}), not {lms}'s: "
            f"{lms}'s own identifiers and columns are not known; the course's ids are used.[/yellow]"
        )
    for assignment, candidates in report.ambiguous.items():
        console.print(
            f"[yellow]More than one {lms} column could be {assignment} ({', '.join(map(repr, candidates))}); none "
            f"is used. Name it: --column {assignment}=COLUMN[/yellow]"
        )
    if report.unmatched:
        where = (
            "the Canvas gradebook export imported with `course roster`"
            if report.roster_lms == "canvas"
            else "any Canvas file: the class list was not Canvas's gradebook export"
        )
        console.print(
            f"[yellow]No column of {where} matches {', '.join(report.unmatched)}: headed by the assignment id, "
            "Canvas would create a new assignment of that name. If it exists in Canvas, export Canvas's gradebook "
            f"again and import it ({course_command(args, 'roster', 'FILE.csv')}), or name its column: "
            f"--column {report.unmatched[0]}='Its Title (12345)'.[/yellow]"
        )
    if report.not_graded:
        console.print(f"Left out, nothing graded yet: {', '.join(report.not_graded)}.")
    if report.not_on_roster:
        console.print(
            f"[yellow]Left out, not on the class list imported from {source}: {', '.join(report.not_on_roster)} "
            f"({lms} refuses grades for a student it does not know"
            f"{'; its import stops at the first' if args.lms == 'moodle' else ''}). Add them to the class list in "
            f"{lms} and import it again ({course_command(args, 'roster', 'FILE.csv')}), or check their ids.[/yellow]"
        )
    if report.no_grade:
        shown_ids = ", ".join(report.no_grade[:10]) + (" ..." if len(report.no_grade) > 10 else "")
        console.print(f"Left out, no grade in any column: {len(report.no_grade)} student(s) ({shown_ids}).")
    for assignment, students in report.empty.items():
        console.print(f"Empty cell for {assignment} (no submission; not a zero): {', '.join(students)}.")
    if report.empty and args.lms == "moodle":
        one = course_command(args, "export", "--lms", "moodle", "--assignment", next(iter(report.empty)))
        console.print(
            "[yellow]Moodle's import sets an empty cell to no grade, removing any grade Moodle has for that "
            f"student: export one assignment at a time ({one}) to leave them out.[/yellow]"
        )
    elif report.empty:
        console.print("Canvas's import preview lists an empty cell against a grade Canvas has as a change: check it.")
    if args.lms == "moodle":
        console.print(
            "In Moodle, Grades > Import > CSV file: map from 'Username' to username (or 'Email address' to "
            "useremail, 'ID number' to useridnumber), and map each grade column to its grade item."
        )
    return 0


def cmd_roster(args, console: Console) -> int:
    from .roster import match_columns

    done = classroom(args).import_roster(args.file, args.id_column)
    roster = done.roster
    console.print(
        f"Roster {args.file.name} ({ROSTER_KIND[roster.lms]}, ids from {roster.id_column!r}): {done.added} "
        f"student(s) added, {done.updated} updated in the gradebook."
    )
    if roster.skipped:
        console.print(f"[yellow]{len(roster.skipped)} row(s) not taken:[/yellow]")
        for number, why in roster.skipped:
            console.print(f"[yellow]  row {number}: {why}[/yellow]")
        if roster.hint:
            console.print(f"[yellow]{roster.hint}[/yellow]")
    if done.replaced:
        console.print(f"[yellow]Note: {done.replaced}.[/yellow]")
    if roster.columns:
        found, ambiguous = match_columns(roster.columns, graded_assignments(args.root))
        for assignment, column in found.items():
            console.print(f"{assignment}: graded into the column {column!r}")
        for assignment, candidates in ambiguous.items():
            could = ", ".join(map(repr, candidates))
            console.print(f"[yellow]{assignment}: more than one column could be it ({could})[/yellow]")
        missing = [a for a in graded_assignments(args.root) if a not in found and a not in ambiguous]
        if missing:
            console.print(
                f"No column of {args.file.name} for {', '.join(missing)}: `course export --lms {roster.lms}` heads "
                "them by their id (create them in the LMS and import its export again, or name a column when "
                "exporting: --column ASSIGNMENT=COLUMN)."
            )
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
    room = classroom(args)
    results = room.feedback(args.assignment)
    if not results:
        console.print(
            f"[yellow]No student of {args.assignment} is graded yet: run "
            f"`{course_command(args, 'grade', args.assignment)}`.[/yellow]"
        )
        return 1
    _print_returned(results, f"Feedback for {args.assignment} (not yet returned to students)", console)
    console.print(
        f"Give it back to the students with: {course_command(args, 'return', args.assignment)}", soft_wrap=True
    )
    return 0


def cmd_return(args, console: Console) -> int:
    room = classroom(args)
    results = room.return_feedback(args.assignment)
    if not results:
        console.print(
            f"[yellow]No feedback to return: run `{course_command(args, 'feedback', args.assignment)}` first.[/yellow]"
        )
        return 1
    _print_returned(results, f"Feedback returned for {args.assignment}", console)
    uploads = args.work / "returned" / f"{args.assignment}.zip"
    if uploads.exists():
        console.print(f"For the students who submitted through the LMS, upload: {shown(uploads)}")
    failed = [r for r in results if not r.files]
    return 1 if failed else 0


def cmd_insight(args, console: Console) -> int:
    from .insight import analyse, students_in_words, to_look_at
    from .insight_report import write_report

    room = classroom(args)
    found = analyse(room, args.assignment)
    graded = int(found.scores.notna().any(axis=1).sum())
    if not graded:
        console.print(
            f"[yellow]No student of {args.assignment} is graded yet: run "
            f"`{course_command(args, 'grade', args.assignment)}` first.[/yellow]"
        )
        return 1
    page = write_report(found, args.out or args.work / "insight" / args.assignment)
    r = found.reliability
    console.print(f"Item analysis of {args.assignment}: {students_in_words(graded, 'graded')}.", highlight=False)
    for text in found.warnings:
        console.print(f"[yellow]{text}[/yellow]")
    if r["value"] == r["value"]:
        console.print(
            f"{r['name']} {r['value']:.2f} (95% interval {r['low']:.2f} to {r['high']:.2f}, "
            f"{r['students']} students with every question graded).",
            highlight=False,
        )
    for line in to_look_at(found):
        console.print(f"  \u2691 {line}", highlight=False, soft_wrap=True)
    awaiting = int(found.written["awaiting"].sum()) if len(found.written) else 0
    if awaiting:
        console.print(f"{awaiting} written answers await you in the formgrader; they count once graded.")
    console.print(f"Report: {shown(page)} (open it in a browser; a CSV of every table beside it)", soft_wrap=True)
    return 0


def cmd_similarity(args, console: Console) -> int:
    from .similarity import similarity, write_report

    room = classroom(args)
    report = similarity(room, args.assignment)
    if len(report.answers) < 2:
        console.print(
            f"[yellow]{len(report.answers)} submission(s) of {args.assignment} in {shown(args.work / 'submitted')}: "
            f"at least two are needed. Collect them with `{course_command(args, 'grade', args.assignment)}` "
            "(or take them in from an LMS download with `course intake`).[/yellow]"
        )
        return 1
    page = write_report(report, args.out or args.work / "similarity" / args.assignment)
    worth = [p for p in report.pairs if p.worth_a_look]
    console.print(
        f"Compared {len(report.answers)} submissions of {args.assignment} in pairs, question by question: "
        f"{len(worth)} pair(s) worth a look. Not a verdict: read the shared passages.",
        highlight=False,
    )
    for pair in worth:
        parts = [f"{kind} {pair.top(kind)[0]:.0%}" for kind in ("code", "prose") if pair.top(kind)[0]]
        console.print(f"  {pair.first} and {pair.second}: {', '.join(parts)} shared", highlight=False)
    console.print(f"Report: {shown(page)} (pairs.csv beside it)", soft_wrap=True)
    return 0


def cmd_extend(args, console: Console) -> int:
    from .extensions import Grant, class_due, extend, grants_from_csv, parse_span, released_at

    room = classroom(args)
    with room.gradebook() as gb:
        due = class_due(gb, args.assignment)
    if args.csv:
        if args.student or args.until or args.by:
            console.print("[red]Give either --csv FILE or a student with --until or --by, not both.[/red]")
            return 2
        grants = grants_from_csv(args.csv, due, released_at(room.work, args.assignment), _when)
    else:
        if not args.student or (args.until is None) == (args.by is None):
            console.print(
                "[red]Name a student and give one of --until '2019-03-10 17:00' or --by 2d (or --csv FILE for "
                "many).[/red]"
            )
            return 2
        if due is None:
            grants = []  # extend() says there is no due date to extend, and how to set one
        else:
            until = args.until if args.until is not None else due + parse_span(args.by)
            grants = [Grant(args.student, until, args.why or "")]
    notes = extend(room, args.assignment, grants)
    for grant in grants:
        console.print(
            f"{grant.student}: {args.assignment} due {grant.until.astimezone():%A %d %B %Y, %H:%M %Z}"
            + (f" ({grant.why})" if grant.why else ""),
            highlight=False,
        )
    for note in notes:
        console.print(f"[yellow]{note}[/yellow]")
    console.print(
        f"Kept in {shown(room.work / 'extensions.json')}; the late penalty counts from each student's own date, "
        "and Check my work shows it to them. "
        f"See everyone with `{course_command(args, 'status', args.assignment)}`.",
        soft_wrap=True,
    )
    return 0


def _when(text: str):
    try:
        return parse_due(text)
    except argparse.ArgumentTypeError as exc:
        raise ValueError(str(exc)) from None


def parse_span_arg(text: str) -> str:
    from .extensions import parse_span

    try:
        parse_span(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


def cmd_status(args, console: Console) -> int:
    from .status import class_status, in_words

    room = classroom(args)
    found = class_status(room, args.assignment)
    if found.empty:
        console.print(
            f"[yellow]No student of {args.assignment} yet: import the class list with `course roster`.[/yellow]"
        )
        return 1
    table = Table(title=f"{args.assignment}: where each student stands")
    for column in ("student", "submitted", "due", "late by", "extended", "graded", "feedback", "returned"):
        table.add_column(column, overflow="fold")
    for row in found.itertuples():
        graded = "" if row.score is None or pd_isna(row.score) else f"{row.score:g} of {row.max_score:g}"
        if graded and row.late_penalty:
            graded += f" (late: {row.late_penalty:g} taken)"
        if row.outcome and row.outcome != "graded":
            graded = f"{graded} ({row.outcome})" if graded else row.outcome  # flagged, error, failed, ...
        if graded and row.written_to_grade:
            graded += ", written answers to grade"
        table.add_row(
            row.student,
            _local_time(row.submitted) or "[yellow]not submitted[/yellow]",
            _local_time(row.due),
            "" if row.late is None or pd_isna(row.late) else f"[red]{in_words(row.late)}[/red]",
            "until " + _local_time(row.extended) if row.extended is not None and not pd_isna(row.extended) else "",
            graded,
            "written" if row.feedback else "",
            row.returned or "",
        )
    console.print(table)
    return 0


def _local_time(when) -> str:
    """A moment in the teacher's time zone, short ("08 Mar 2019 17:00"); "" for none."""
    import pandas as pd

    return "" if when is None or pd_isna(when) else f"{pd.Timestamp(when).to_pydatetime().astimezone():%d %b %Y %H:%M}"


def pd_isna(value) -> bool:
    import pandas as pd

    return bool(pd.isna(value))


def cmd_regrades(args, console: Console) -> int:
    from .regrades import decide, waiting

    room = classroom(args)
    if args.decide is not None:
        if (args.points is None) == (not args.keep):
            console.print("[red]Give the new points (--points P) or keep them (--keep), and a --comment.[/red]")
            return 2
        entry = decide(room, args.decide, None if args.keep else args.points, args.comment or "")
        d = entry["decision"]
        console.print(
            f"Request {entry['number']} ({entry['student']}, {entry['assignment']} {entry['question']}): "
            f"{d['points_before']:g} -> {d['points_after']:g} of {d['max_points']:g} points, in the gradebook. "
            "The student reads your answer in their feedback: "
            f"`{course_command(args, 'feedback', entry['assignment'])}` then "
            f"`{course_command(args, 'return', entry['assignment'])}`.",
            highlight=False,
            soft_wrap=True,
        )
        return 0
    found = waiting(room, args.assignment)
    if found.empty:
        console.print("No regrade request is waiting." + (f" ({args.assignment})" if args.assignment else ""))
        return 0
    console.print(f"Regrade requests waiting for you ({len(found)}):")
    for row in found.itertuples():
        note = getattr(row, "note", "")
        console.print(
            f"  {row.number}. {row.student}, {row.assignment} {row.question}: {row.points:g} of {row.max_points:g} "
            f"points; sent {_local_time(row.sent)}" + (f" ({note})" if isinstance(note, str) and note else ""),
            highlight=False,
            soft_wrap=True,
        )
        console.print(f"     Why: {row.why}", highlight=False, soft_wrap=True)
        if row.formgrader:
            console.print(f"     Answer and rubric: {row.formgrader}", highlight=False, soft_wrap=True)
    console.print(
        "Open each answer beside its rubric in the formgrader: its address, then that path (on a hub, after "
        "/services/COURSE/); "
        f"then `{course_command(args, 'regrades', '--decide', 'N', '--points', 'P', '--comment', '...')}` "
        "(or --keep for the same points).",
        soft_wrap=True,
    )
    return 0


def _unknown_assignments(args) -> str:
    """Why the assignments named on the command line are not the course's, or "" when they are."""
    if args.command == "generate":
        known, names = released(args.root), args.assignments
    elif args.command == "release":
        known, names = released(args.root), [args.assignment]
    elif args.command in ("grade", "intake", "feedback", "return", "insight", "similarity", "extend", "status"):
        known, names = graded_assignments(args.root), [args.assignment]
    elif args.command == "regrades" and args.assignment:
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
    roster.add_argument(
        "--id-column",
        metavar="COLUMN",
        help="the column holding the student ids (default: 'SIS Login ID' for Canvas, 'Username' for Moodle, 'id')",
    )
    export = sub.add_parser(
        "export", parents=[where], help="grades as a CSV your LMS imports (Canvas, Moodle) or nbgrader's own"
    )
    export.add_argument("--lms", choices=("nbgrader", "canvas", "moodle"), default="nbgrader")
    export.add_argument("--out", type=Path, help="where to write it (default: the work folder)")
    export.add_argument(
        "--assignment",
        action="append",
        metavar="ASSIGNMENT",
        help="only this assignment (again for more); default: every assignment with grades",
    )
    export.add_argument(
        "--column",
        action="append",
        type=parse_column,
        metavar="ASSIGNMENT=COLUMN",
        help="the LMS column an assignment goes into, e.g. summit_outcome='Summit Outcome (1184301)' "
        "(default: the roster's LMS column with the assignment's name)",
    )
    for name, text in (
        ("feedback", "write the feedback again (after you graded written answers in the formgrader), not autograding"),
        ("return", "give feedback back: through the exchange (students Fetch Feedback) and as LMS upload files"),
    ):
        verb = sub.add_parser(name, parents=[where], help=text)
        verb.add_argument("assignment", help="an assignment of source/")
    for name, text, given in (
        (
            "insight",
            "what the class learned: each question's difficulty and discrimination, quiz responses, why code answers "
            "failed, written answers' grading, time (an HTML report and CSV tables; docs/insight.md)",
            "graded",
        ),
        (
            "similarity",
            "pairs of submissions that share code or prose beyond what everyone was given, ranked, with the shared "
            "passages side by side (an HTML report and a CSV; never a verdict: docs/similarity.md)",
            "collected",
        ),
    ):
        report = sub.add_parser(name, parents=[where], help=text)
        report.add_argument("assignment", help=f"an assignment of source/, {given}")
        report.add_argument("--out", type=Path, metavar="DIR", help=f"default: {name}/ASSIGNMENT in the work folder")
    ext = sub.add_parser(
        "extend",
        parents=[where],
        help="give a student their own due date (an extension, an accommodation), or many from a CSV; the late "
        "penalty counts from it",
    )
    ext.add_argument("assignment", help="an assignment of source/, released with a due date")
    ext.add_argument("student", nargs="?", help="the student's id, as on the class list")
    ext.add_argument("--until", type=parse_due, help="their due date, e.g. '2019-03-10 17:00'")
    ext.add_argument("--by", type=parse_span_arg, help="added to the class's due date: 2d, 36h, 1d12h, 90m, 1w")
    ext.add_argument("--why", help="kept with the grant, for your record (never shown to other students)")
    ext.add_argument(
        "--csv",
        type=Path,
        metavar="FILE",
        help="many at once: columns student, and one of until, by or factor (1.5: the time from release to the "
        "due date, multiplied), and optionally why",
    )
    stat = sub.add_parser(
        "status", parents=[where], help="one table: who submitted, late, extended, graded, feedback written, returned"
    )
    stat.add_argument("assignment", help="an assignment of source/")
    regrade = sub.add_parser(
        "regrades",
        parents=[where],
        help="regrade requests students sent from their notebooks: list those waiting, or decide one",
    )
    regrade.add_argument("assignment", nargs="?", help="only this assignment's (default: all)")
    regrade.add_argument("--decide", type=int, metavar="N", help="the number of the request to decide")
    regrade.add_argument("--points", type=float, metavar="P", help="the question's points after the regrade")
    regrade.add_argument("--keep", action="store_true", help="keep the points as they are")
    regrade.add_argument("--comment", help="your answer, which the student reads in their feedback")
    args = parser.parse_args(argv)
    # as the teacher typed them, for the next commands this one prints (course_command)
    args.course_given = str(args.root) if getattr(args, "root", None) else None
    args.work_given = str(args.work) if args.work else None
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
        "insight": cmd_insight,
        "similarity": cmd_similarity,
        "extend": cmd_extend,
        "status": cmd_status,
        "regrades": cmd_regrades,
    }[args.command]
    try:
        return handler(args, console)
    except Exception as exc:  # a teacher sees one clear line, not a traceback
        from ..grading.config import SettingsError
        from .classroom import StepFailed
        from .extensions import ExtensionRefused
        from .regrades import RegradeRefused

        if isinstance(exc, (StepFailed, SettingsError, ExtensionRefused, RegradeRefused)):
            console.print(f"[red]{exc}[/red]")
            return getattr(exc, "exit_status", 1)
        raise


if __name__ == "__main__":
    sys.exit(main())
