"""Which submissions share more than their answers' common ground: every pair of students compared question by
question, code and prose apart, for the teacher to read (docs/similarity.md). Never a verdict.

Both use winnowing, the fingerprinting of MOSS, as copydetect implements it: the text is cut into overlapping
runs of ``k`` characters, a hash is kept from every window of them, and two answers share what their kept hashes
share. What every student was given or was expected to write is taken out first, as *starter text*:

- **code** (answer cells): copydetect's tokenizer turns every name into ``V`` (or ``F``) and every string into
  ``S``, so renamed variables change nothing; the starter text is the released cell and the instructor's solution,
  so the short correct answer many students write alike (``timeline.sort_values("date")``) shares nothing;
- **prose** (written answers): compared case-blind with the whitespace evened out; the starter text is the question
  and the released cell, and passages in quotation marks or quoted lines are left out (students quote the same
  readings).

A pair is *worth a look* when a question's shared part is at least :data:`SHARE` of the shorter answer's
fingerprinted text and at least :data:`LEAST` characters long: one short shared line is not enough.
"""

import html
import io
import re
import secrets
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd

from ..labels import answer_texts, nbgrader_meta, questions_of

#: Runs of characters fingerprinted (copydetect's noise threshold) and the winnowing window, for code and prose.
K = {"code": 20, "prose": 40}
WINDOW = {"code": 4, "prose": 8}
#: A question's answers are worth a look when they share this much of the shorter one ...
SHARE = 0.5
#: ... and at least this many characters (of the filtered code, or of the prose).
LEAST = {"code": 60, "prose": 200}
#: Quoted passages, left out of prose: "…", “…”, «…» and lines starting with ">".
_PRIVATE = 6400  # the size of Unicode's private use area from U+E000
QUOTED = re.compile(r'"[^"\n]{8,}"|\u201c[^\u201d]{8,}\u201d|\u00ab[^\u00bb]{8,}\u00bb|^>.*$', re.MULTILINE)


@dataclass
class Pair:
    """Two students and what their answers share."""

    first: str
    second: str
    #: per question: {"kind", "share", "shared", "slices": (first's, second's)}
    questions: dict = field(default_factory=dict)

    def top(self, kind: str) -> tuple[float, int]:
        """The largest share of a question of ``kind`` that is long enough to count, and its length (0, 0 if
        none)."""
        found = [(q["share"], q["shared"]) for q in self.questions.values() if q["kind"] == kind]
        long_enough = [f for f in found if f[1] >= LEAST[kind]]
        return max(long_enough or [(0.0, 0)])

    @property
    def worth_a_look(self) -> bool:
        return any(self.top(kind)[0] >= SHARE for kind in K)


@dataclass
class Report:
    assignment: str
    answers: dict  # {student: {question: {"kind", "text"}}}
    pairs: list  # every Pair with anything shared, most shared first

    def table(self) -> pd.DataFrame:
        rows = []
        for pair in self.pairs:
            code, prose = pair.top("code"), pair.top("prose")
            if not (code[1] or prose[1]):
                continue  # only passages too short to count: noise
            rows.append(
                {
                    "first": pair.first,
                    "second": pair.second,
                    "code_share": code[0],
                    "code_shared_characters": code[1],
                    "prose_share": prose[0],
                    "prose_shared_characters": prose[1],
                    "questions": ", ".join(
                        q for q, s in pair.questions.items() if s["shared"] >= LEAST[s["kind"]] and s["share"] > 0
                    ),
                    "worth_a_look": pair.worth_a_look,
                }
            )
        return pd.DataFrame(
            rows,
            columns=[
                "first",
                "second",
                "code_share",
                "code_shared_characters",
                "prose_share",
                "prose_shared_characters",
                "questions",
                "worth_a_look",
            ],
        )


# -- reading the answers -----------------------------------------------------------------------------------------
def answers_of(nb, kinds: dict) -> dict:
    """``{question: text}`` of a notebook's answers to the questions of ``kinds``."""
    return {q: t for q, t in answer_texts(nb.cells).items() if q in kinds}


def starter_texts(source: Path, released: Path) -> tuple[dict, dict]:
    """(kinds, starter): each question's kind ("code" or "prose") and the text every student had or was expected to
    write: the released cells, the instructor's solution and the question's own words."""
    from nbgrader.preprocessors import ClearSolutions  # noqa: F401 - the markers below are nbgrader's

    master = nbformat.read(source, as_version=4)
    given = nbformat.read(released, as_version=4) if released.exists() else master
    kinds, starter = {}, {}
    for cell, question in questions_of(master.cells):
        meta = nbgrader_meta(cell)
        question = question or meta.get("grade_id")
        if meta.get("solution") and cell.cell_type == "code":
            kinds.setdefault(question, "code")
        elif meta.get("task") or (meta.get("solution") and cell.cell_type == "markdown"):
            kinds[question] = "prose"
        if meta.get("solution") or meta.get("task"):
            starter[question] = starter.get(question, "") + _unmarked(cell.source) + "\n"
    for question, text in answers_of(given, kinds).items():
        starter[question] = starter.get(question, "") + text
    return kinds, starter


def _unmarked(text: str) -> str:
    """A master cell without nbgrader's solution markers."""
    return "\n".join(
        line for line in text.splitlines() if "### BEGIN SOLUTION" not in line and "### END SOLUTION" not in line
    )


# -- fingerprints ------------------------------------------------------------------------------------------------
def prose_for_comparing(text: str) -> str:
    """The text as prose is compared, of the same length so that shared passages point into the original: quoted
    passages blanked out, letters in lower case, every space, tab and line break one space."""
    # a quotation becomes characters of Unicode's private use area that differ from one text to the next, so that two
    # blanked quotations share nothing (a run of spaces would)
    salt = secrets.randbelow(_PRIVATE)
    blanked = QUOTED.sub(
        lambda m: "".join(chr(0xE000 + (salt + m.start() + i) % _PRIVATE) for i in range(len(m.group(0)))), text
    )
    return re.sub(r"\s", " ", blanked.lower())


def fingerprint(text: str, kind: str, starter=None):
    """copydetect's fingerprint of an answer, the starter text's hashes taken out."""
    from copydetect.detector import CodeFingerprint
    from copydetect.utils import get_token_coverage

    if kind == "code":
        found = CodeFingerprint("answer.py", K[kind], WINDOW[kind], fp=io.StringIO(text), language="python")
    else:
        found = CodeFingerprint(
            "answer.txt", K[kind], WINDOW[kind], filter=False, fp=io.StringIO(prose_for_comparing(text))
        )
    if starter is not None and starter.hashes:
        # copydetect's own boilerplate removal assumes hashes that are unique, which winnowed text's are not
        found.hashes = found.hashes - starter.hashes
        for gone in starter.hashes:
            found.hash_idx.pop(gone, None)
        found.token_coverage = get_token_coverage(found.hash_idx, found.k, len(found.filtered_code))
    return found


def compare(first, second, kind: str) -> dict:
    """What two fingerprinted answers share: its share of the shorter answer, in characters, and where."""
    from copydetect.detector import compare_files

    overlap, (share1, share2), slices = compare_files(first, second)
    return {"kind": kind, "share": float(max(share1, share2)), "shared": int(overlap), "slices": slices}


def similarity(room, assignment: str) -> Report:
    """Every pair of ``assignment``'s submitted notebooks in ``room`` compared (see the module's docstring)."""
    answers: dict = {}
    pairs = []
    for source in sorted((room.root / "source" / assignment).glob("*.ipynb")):
        kinds, starter = starter_texts(source, room.root / "release" / assignment / source.name)
        starters = {q: fingerprint(t, kinds[q]) for q, t in starter.items() if q in kinds}
        prints: dict = {}
        for path in sorted((room.work / "submitted").glob(f"*/{assignment}/{source.name}")):
            student = path.parent.parent.name
            try:
                nb = nbformat.read(path, as_version=4)
            except Exception:  # noqa: BLE001 - a damaged notebook: its grade says why; nothing to compare
                continue
            mine = answers_of(nb, kinds)
            answers.setdefault(student, {}).update({q: {"kind": kinds[q], "text": t} for q, t in mine.items()})
            prints[student] = {q: fingerprint(t, kinds[q], starters.get(q)) for q, t in mine.items()}
        for first, second in combinations(sorted(prints), 2):
            pair = Pair(first, second)
            for question in prints[first].keys() & prints[second].keys():
                found = compare(prints[first][question], prints[second][question], kinds[question])
                if found["shared"]:
                    pair.questions[question] = found
            if pair.questions:
                pairs.append(pair)
    pairs.sort(key=lambda p: (p.worth_a_look, max(p.top("code")[0], p.top("prose")[0])), reverse=True)
    return Report(assignment, answers, pairs)


# -- the report --------------------------------------------------------------------------------------------------
def write_report(report: Report, folder: Path) -> Path:
    """index.html (pairs ranked, each pair worth a look with its shared passages side by side) and pairs.csv."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    table = report.table()
    table.to_csv(folder / "pairs.csv", index=False)
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(
        loader=FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    shown = [p for p in report.pairs if p.worth_a_look]
    page = folder / "index.html"
    page.write_text(
        env.get_template("similarity.html.j2").render(
            assignment=report.assignment,
            students=len(report.answers),
            table=table,
            shown=shown,
            side_by_side=lambda pair, q: side_by_side(report, pair, q),
            share=SHARE,
            least=LEAST,
            percent=lambda v: f"{v:.0%}",
        ),
        encoding="utf-8",
    )
    return page


def side_by_side(report: Report, pair: Pair, question: str) -> tuple[str, str]:
    """The two answers to ``question`` as HTML, their shared passages in ``<mark>``."""
    from copydetect.utils import highlight_overlap

    found = pair.questions[question]
    shown = []
    for student, slices in zip((pair.first, pair.second), found["slices"]):
        text = report.answers[student][question]["text"]
        if len(slices) and np.asarray(slices).size:
            marked, _ = highlight_overlap(text, np.asarray(slices), "<mark>", "</mark>", escape_html=True)
        else:
            marked = html.escape(text)
        shown.append(marked)
    return shown[0], shown[1]
