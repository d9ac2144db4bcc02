"""The benchmark's figures, kept in one file and written into the pages that quote them.

`make bench` saves what it measured in ``bench/results.json`` and rewrites each block of the README and the docs
that quotes it, between ``<!-- bench:NAME -->`` and ``<!-- /bench:NAME -->``. ``tests/test_bench_figures.py``
checks that every block still reads what ``results.json`` says, so the pages cannot disagree with each other or
with the last run.
"""

import json
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent
RESULTS = HERE / "results.json"
#: The pages that quote the figures, and which blocks each holds.
PAGES = {
    "README.md": ("teacher-command", "autograde"),
    "docs/performance.md": ("teacher-command", "autograde"),
    "docs/hundreds-of-students.md": ("per-submission",),
}


def _row(name: str, seconds: float, n: int, plain: float) -> str:
    return f"| {name} | {seconds:.1f} | {seconds / n:.2f} | {seconds / plain:.2f} |"


def blocks(r: dict) -> dict:
    """{block name: its markdown} from the results of one run."""
    n, cores = r["students"], r["cores"]
    plain = r["plain"]["autograde"] + r["plain"]["feedback"]
    grade, first = r["course_grade"]["with_second_run"], r["course_grade"]["without_second_run"]
    head = f"| | seconds for {n} | per submission | against plain nbgrader |\n|---|---|---|---|"
    command = "\n".join(
        [
            head,
            _row(f"`course grade`, every defence on ({cores} at a time)", grade["total"], n, plain),
            _row("`course grade` without the second run on shifted data", first["total"], n, plain),
            _row("plain `nbgrader autograde` + `nbgrader generate_feedback`", plain, n, plain),
            "",
            f"Where `course grade`'s {grade['total']:.1f} s went: "
            + ", ".join(f"{step} {s:.1f} s" for step, s in grade["steps"].items())
            + f"; summed over its {cores} workers, grading took {grade['grading']:.1f} s and writing feedback "
            f"{grade['feedback']:.1f} s ({grade['feedback'] / n:.2f} s a student). Plain nbgrader: autograde "
            f"{r['plain']['autograde']:.1f} s, generate_feedback {r['plain']['feedback']:.1f} s. Totals agree "
            f"with plain nbgrader for {r['agree']} of {n} students. The second run on shifted data costs "
            f"{grade['total'] - first['total']:.1f} s ({grade['total'] / first['total']:.2f} times the command "
            f"without it): with it, `course grade` is {plain / grade['total']:.1f} times as fast as plain "
            f"nbgrader; without it, {plain / first['total']:.1f} times.",
        ]
    )
    auto = r["autograde"]
    p = r["plain"]["autograde"]
    autograde = "\n".join(
        [
            f"| autograde step alone | seconds for {n} | per submission | against plain autograde |",
            "|---|---|---|---|",
            *[_row(f"course, {j} at a time", auto["jobs"][j], n, p) for j in sorted(auto["jobs"], key=int)],
            _row(f"course, {cores} at a time, every kernel started cold", auto["cold"], n, p),
            _row(f"course, {cores} at a time, without the second run", auto["without_second_run"], n, p),
            _row("plain `nbgrader autograde`", p, n, p),
        ]
    )
    per = (
        f"`course grade` on {n} submissions, {cores} at a time on {cores} cores, every defence on: "
        f"{grade['total'] / n:.2f} s a submission end to end (collect, grading, feedback, exports), about "
        f"{grade['total'] * cores / n:.1f} core-seconds each (measured by `make bench`, {r['date']})."
    )
    return {"teacher-command": command, "autograde": autograde, "per-submission": per}


def _marked(name: str) -> re.Pattern:
    return re.compile(rf"(<!-- bench:{name} -->)\n(.*?)\n?(<!-- /bench:{name} -->)", re.S)


def quoted(text: str, name: str) -> str | None:
    """The block ``name`` as a page holds it (None if the page has no such block)."""
    found = _marked(name).search(text)
    return found.group(2).rstrip("\n") if found else None


def write(results: dict) -> list[Path]:
    """Save ``results`` and rewrite every page's blocks from them; the pages written are returned."""
    RESULTS.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    made, written = blocks(results), []
    for page, names in PAGES.items():
        path = PROJECT / page
        text = path.read_text(encoding="utf-8")
        for name in names:
            if quoted(text, name) is None:
                raise ValueError(f"{page} has no block <!-- bench:{name} -->: add one where the figures belong")
            text = _marked(name).sub(lambda m, body=made[name]: f"{m.group(1)}\n{body}\n{m.group(3)}", text)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
