"""Feedback a student can read question by question (nbgrader's generate_feedback, with the course's labels).

:class:`LabelFeedback` runs after nbgrader's GetGrades: it names every graded cell by its question ("Question
A.2", from the heading above it) and marks the answers the teacher has not graded yet, which nbgrader would
show as a score of zero. The course's template (``templates/feedback``, which extends nbgrader's
feedback template) shows those names in the table of contents and above each cell, "awaiting your teacher"
instead of "0 / 4", and wraps long lines. See docs/grading-safety.md, "Feedback".
"""

import json
import re
from pathlib import Path

import nbformat
from jinja2 import BytecodeCache
from nbconvert.exporters import HTMLExporter, TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
from nbformat.v4 import new_markdown_cell, new_output
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Dict, Enum, Unicode
from traitlets.config import Configurable

from ..checks.quizzes import MARKED
from ..labels import QUIZ, QUIZ_REF, describe_cell, kind_of_cell, nbgrader_meta, questions_of
from ..quiz.saved import saved_answer
from .notes import NOTE
from .report import BLANK_ERRORS, STUB_LINE

#: Where the course's nbconvert templates are (its ``feedback`` extends nbgrader's template of that name).
TEMPLATES = Path(__file__).parent / "templates"


class _CompiledTemplates(BytecodeCache):
    """Jinja's compiled templates, kept in memory for the life of the process. nbgrader's generate_feedback builds
    a new exporter, and so a new Jinja environment, for every student, which compiled every template of the page
    again (a fifth of a feedback's time); a template whose source changed is compiled anew (Jinja keys it by a
    checksum of the source). docs/performance.md, "Feedback"."""

    def __init__(self):
        self._compiled: dict = {}

    def load_bytecode(self, bucket):
        code = self._compiled.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket):
        self._compiled[bucket.key] = bucket.bytecode_to_string()


_COMPILED = _CompiledTemplates()


class FeedbackExporter(HTMLExporter):
    """nbgrader's generate_feedback exporter, configured apart (course.grading.config): the course's template set
    on HTMLExporter would also be the formgrader's, whose submission page then fails to render. Its templates are
    compiled once per process (:class:`_CompiledTemplates`)."""

    def _create_environment(self):
        environment = super()._create_environment()
        environment.bytecode_cache = _COMPILED
        return environment

    def from_notebook_node(self, nb, resources=None, **kw):
        """HTMLExporter's page without its BeautifulSoup pass, which parses the whole page again to give images
        without one an alternative text and to make JupyterLab-template cells focusable (this template has none):
        the alternative text is given here, where the page is written. A third of a feedback's time."""
        lang = nb.metadata.get("language_info", {})
        lexer = lang.get("pygments_lexer", lang.get("name", None))
        resources = self._init_resources(resources)
        self.register_filter(
            "highlight_code", self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
        )
        self.register_filter(
            "filter_data_type",
            WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self, resources=resources),
        )
        html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
        return _IMG_WITHOUT_ALT.sub(f'<img alt="{NO_ALT}"', html), resources


#: What HTMLExporter says for an image without alternative text (WCAG 1.1.1 asks for one; plots students drew
#: have none).
NO_ALT = "No description has been provided for this image"
_IMG_WITHOUT_ALT = re.compile(r"<img(?![^>]*\balt=)")


class LabelFeedback(NbGraderPreprocessor):
    """Give each graded cell of a feedback notebook a label and say which await the teacher."""

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        with Gradebook(info["db_url"]) as gb:
            for cell, question in questions_of(nb.cells):
                meta = nbgrader_meta(cell)
                what = describe_cell(cell)
                meta["label"] = f"Question {question}, {what}" if question else what.capitalize()
                if not (meta.get("grade") or meta.get("task")):
                    continue  # an answer cell: named (for comments on it), not scored
                try:
                    grade = gb.find_grade(meta["grade_id"], info["notebook"], info["assignment"], info["student"])
                except MissingEntry:
                    continue
                meta["awaiting"] = bool(grade.needs_manual_grade)
        return nb, resources


#: What the student-facing feedback hides, per setting (docs/grading-safety.md, "Feedback").
CONTENTS = ("student", "full")
QUIZ_KEYS = ("shown", "after_all_submitted", "never")
UNGRADED_WRITTEN = ("provisional", "held")


class FeedbackPolicy(Configurable):
    """What a student's feedback shows, for the whole course or per assignment (``assignments``), set in
    nbgrader_config.py: ``c.FeedbackPolicy.quiz_keys = "after_all_submitted"``."""

    content = Enum(
        CONTENTS,
        default_value="student",
        help="student: each result, the message of a failed check and the tests the student was given, never a "
        "hidden test, rubric or grading internal; full: everything, as nbgrader shows it",
    ).tag(config=True)
    quiz_keys = Enum(
        QUIZ_KEYS,
        default_value="shown",
        help="the right answer and explanation of each quiz question: shown; shown once every student in the "
        "gradebook has submitted (after_all_submitted); never",
    ).tag(config=True)
    ungraded_written = Enum(
        UNGRADED_WRITTEN,
        default_value="provisional",
        help="feedback of a student whose written answers are not graded yet: provisional (marked so) or held "
        "(not written until they are graded)",
    ).tag(config=True)
    assignments = Dict(help='per assignment, settings that differ: {"middle_powers": {"quiz_keys": "never"}}').tag(
        config=True
    )
    release_directory = Unicode(help="the course's release/ folder: the student versions of the notebooks").tag(
        config=True
    )
    submitted_directory = Unicode(help="where collected submissions are (one folder per student)").tag(config=True)

    def setting(self, name: str, assignment: str) -> str:
        value = self.assignments.get(assignment, {}).get(name, getattr(self, name))
        allowed = {"content": CONTENTS, "quiz_keys": QUIZ_KEYS, "ungraded_written": UNGRADED_WRITTEN}[name]
        if value not in allowed:
            raise ValueError(f"FeedbackPolicy.assignments[{assignment!r}][{name!r}] is {value!r}; one of {allowed}")
        return value


def keys_shown(gb: Gradebook, assignment: str, setting: str, submitted_directory: str = "") -> bool:
    """Whether quiz keys may be shown now: always, never, or once every student in the gradebook submitted (in
    the gradebook, or a folder in ``submitted_directory``: a submission that could not be graded still counts)."""
    if setting != "after_all_submitted":
        return setting == "shown"
    submitted = {s.student.id for s in gb.find_assignment(assignment).submissions}
    if submitted_directory:
        submitted |= {p.parent.name for p in Path(submitted_directory).glob(f"*/{assignment}") if p.is_dir()}
    return all(student.id in submitted for student in gb.students)


class StudentView(NbGraderPreprocessor):
    """The feedback as the student may see it (``FeedbackPolicy``): test cells and written questions as they were
    released (no hidden test, no mark scheme), quiz keys shown or held, provisional while written answers wait."""

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        policy = FeedbackPolicy(parent=self.parent, config=self.config)
        assignment = info["assignment"]
        if policy.setting("content", assignment) == "full":
            return nb, resources
        released = _released_cells(Path(policy.release_directory) / assignment / f"{info['notebook']}.ipynb")
        with Gradebook(info["db_url"]) as gb:
            show_keys = keys_shown(gb, assignment, policy.setting("quiz_keys", assignment), policy.submitted_directory)
        folder = Path(resources.get("metadata", {}).get("path") or ".")
        for cell in nb.cells:
            meta = nbgrader_meta(cell)
            if str(meta.get("comment") or "").startswith(NOTE):
                meta["comment"] = None  # the course's note is for the teacher (course.grading.notes)
            scored = meta.get("grade") or meta.get("task")
            if not scored or (meta.get("solution") and not meta.get("task")):
                continue  # the student's own answers (a written one too) stay as they wrote them
            given = released.get(meta.get("grade_id"))
            cell.source = given if given is not None else _visible(cell.source)
            if kind_of_cell(cell) == QUIZ and not show_keys:
                cell.outputs = _quiz_without_key(cell, folder)
        _for_students(nb)
        if any(nbgrader_meta(c).get("awaiting") for c in nb.cells):
            nb.cells.insert(0, new_markdown_cell(PROVISIONAL))
        return nb, resources


#: The teacher's record of regrade requests in the work folder (course.teacher.regrades).
REGRADES = "regrades.json"


def regrade_decisions(work: Path, assignment: str, student: str) -> list:
    """The decided regrade requests of one student on one assignment, oldest first."""
    try:
        found = json.loads((Path(work) / REGRADES).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [
        e
        for e in found
        if e.get("status") == "decided" and e.get("assignment") == assignment and e.get("student") == student
    ]


class RegradeAnswers(NbGraderPreprocessor):
    """The teacher's answers to this student's regrade requests, at the end of their feedback (and no one else's)."""

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        policy = FeedbackPolicy(parent=self.parent, config=self.config)
        work = Path(policy.submitted_directory).parent
        answered = regrade_decisions(work, info["assignment"], info["student"])
        if answered:
            lines = ["## Your regrade requests", ""]
            for entry in answered:
                d = entry["decision"]
                change = (
                    f"{d['points_before']:g} → {d['points_after']:g} of {d['max_points']:g} points"
                    if d["points_after"] != d["points_before"]
                    else f"unchanged, {d['points_after']:g} of {d['max_points']:g} points"
                )
                lines += [
                    f"**Question {entry['question']}**: {change}.",
                    "",
                    f"You asked: {entry['why']}",
                    "",
                    f"Your teacher's answer: {d['comment']}",
                    "",
                ]
            nb.cells.append(new_markdown_cell("\n".join(lines).rstrip()))
        return nb, resources


#: Put at the top of the feedback while the teacher has written answers left to grade.
PROVISIONAL = (
    "**Provisional feedback.** Your teacher has not graded your written answers yet: those show *awaiting your "
    "teacher*, and your total will change when they are graded."
)
_HIDDEN = re.compile(r"^[ \t]*#+[ \t]*BEGIN HIDDEN TESTS.*?^[ \t]*#+[ \t]*END HIDDEN TESTS[^\n]*\n?", re.M | re.S)
_MARK_SCHEME = re.compile(r"=== BEGIN MARK SCHEME ===.*?=== END MARK SCHEME ===\n?", re.S)


def _visible(source: str) -> str:
    """A cell without its hidden tests and mark scheme (for a cell with no released twin)."""
    return _MARK_SCHEME.sub("", _HIDDEN.sub("", source)).rstrip()


def _released_cells(path: Path) -> dict:
    """{grade id: source} of the student version's graded and task cells; {} if there is none."""
    try:
        nb = nbformat.read(path, as_version=4)
    except (OSError, ValueError):
        return {}
    return {nbgrader_meta(c)["grade_id"]: c.source for c in nb.cells if nbgrader_meta(c).get("grade_id")}


#: What a blank answer and the test below it show in the feedback: the words of Check my work (course.my_work).
LEFT_BLANK = "Left blank: no answer was written here."
NOT_CHECKED = "Not checked: the answer to this question was left blank."
#: Errors whose name says nothing to a student: only their message is shown.
_MESSAGES_ONLY = {"CheckFailed", "NotComputedFromData"}
_WIDGET = "application/vnd.jupyter.widget-view+json"


def _for_students(nb) -> None:
    """What the student reads, in words: a blank answer says so (not a NotImplementedError), the tests that
    needed it say they were not checked (not a NameError), a check's message without the class name, and nothing
    the grading left behind: no empty output of a quiz widget, no score a test cell returned (the heading shows it),
    no line of Check my work, which only runs for the student."""
    from ..my_work import CALL

    blank = set()
    for cell, question in questions_of(nb.cells):
        if cell.cell_type != "code":
            continue
        meta = nbgrader_meta(cell)
        if meta.get("solution") and STUB_LINE in cell.source:
            blank.add(question)
            cell.outputs = [new_output("stream", name="stdout", text=LEFT_BLANK + "\n")]
            continue
        outputs = []
        for out in cell.get("outputs", []):
            if meta.get("grade") and not meta.get("solution") and out.get("output_type") == "execute_result":
                continue
            if out.get("output_type") == "error":
                if question in blank and (out.get("ename") in BLANK_ERRORS or out.get("ename") == "NameError"):
                    outputs = [new_output("stream", name="stdout", text=NOT_CHECKED + "\n")]
                    break
            outputs.append(out)
        cell.outputs = outputs
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = (
                []
                if CALL in cell.source
                else [_plain_table(_plain_error(o)) for o in cell.outputs if _WIDGET not in o.get("data", {})]
            )


#: A table's empty corner header (pandas writes ``<th></th>`` above the index): a header of nothing, which a
#: screen reader announces as an unnamed column header; a plain cell says the same to everyone.
_EMPTY_HEADER = re.compile(r"<th(\s[^>]*)?>\s*(?:&nbsp;)?\s*</th>")


def _plain_table(out):
    """An HTML output with its empty table headers as plain cells (docs/accessibility.md)."""
    html = (
        out.get("data", {}).get("text/html") if out.get("output_type") in ("display_data", "execute_result") else None
    )
    if not html:
        return out
    text = "".join(html) if isinstance(html, list) else html
    out["data"]["text/html"] = _EMPTY_HEADER.sub(lambda m: f"<td{m.group(1) or ''}></td>", text)
    return out


def _plain_error(out):
    """An error as its name and message, without the frames of code it ran through; an answer left blank (its
    stub's NotImplementedError) in words."""
    if out.get("output_type") != "error":
        return out
    if out.get("ename") in BLANK_ERRORS:
        return new_output("stream", name="stdout", text="Not run: it uses an answer that was left blank.\n")
    evalue = str(out.get("evalue", ""))
    line = evalue if out.get("ename") in _MESSAGES_ONLY else f"{out.get('ename')}: {evalue}"
    return nbformat.from_dict({**out, "traceback": [line]})


def _quiz_without_key(cell, folder: Path) -> list:
    """A quiz test's outputs with the points and the student's own answer only (no right answer, no why)."""
    lines = []
    for out in cell.get("outputs", []):
        text = out.get("text") if out.get("output_type") == "stream" else out.get("evalue", "")
        if text and text.startswith(MARKED):
            lines.append(text.splitlines()[0])
    for ref in dict.fromkeys(QUIZ_REF.findall(cell.source)):
        answer = saved_answer(ref, folder)
        lines.append(f"Your answer: {answer}" if answer else "No answer was saved.")
    lines.append("The right answers are shown later.")
    return [new_output("stream", name="stdout", text="\n".join(lines) + "\n")]
