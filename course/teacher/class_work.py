"""What item analysis reads of a graded class (docs/insight.md): the gradebook's points per question, and from the
work folder each student's quiz answers, the checks their code failed and, where JupyterLab recorded cell timing,
when they ran each question's cells. Teacher side: reads source/, the gradebook and work/, never changes them.
"""

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd

from ..grading.keys import graded_keys
from ..labels import HEADING, QUIZ, QUIZ_REF, TEST, WRITTEN, answer_texts, kind_of_cell, nbgrader_meta, questions_of
from ..paths import ANSWERS_FILE
from ..quiz.bank import find_question

#: The keys of JupyterLab's cell timing (its ``recordTiming`` setting) that start and end a run.
RUN_STARTED, RUN_ENDED = "iopub.execute_input", "shell.execute_reply"


@dataclass
class ClassWork:
    """One assignment's graded class, as tables and plain data (students are the gradebook's ids)."""

    assignment: str
    #: students x questions: the points each earned, summed over the question's graded cells; NaN where a written
    #: answer still awaits the teacher
    scores: pd.DataFrame
    #: per question ("A.2", in the notebook's order): points and kind ("code", "quiz", "written")
    questions: pd.DataFrame
    #: students x questions: True where the student left the question as released (no answer given)
    blank: pd.DataFrame
    #: per quiz question: {"ref": "quiz/id", "bank": the bank's question, "key": its key}
    quizzes: dict = field(default_factory=dict)
    #: {student: {"quiz/id": {"answer", "saved_at"}}}, as submitted
    answers: dict = field(default_factory=dict)
    #: one row per failed test cell of a code question: student, question, cell, error, message
    failures: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: one row per student and question with recorded cell timing: student, question, started, ended
    runs: pd.DataFrame = field(default_factory=pd.DataFrame)


def read_class(room, assignment: str) -> ClassWork:
    """The graded class of ``assignment`` in ``room`` (a course.teacher.classroom.Classroom)."""
    notebooks = sorted((room.root / "source" / assignment).glob("*.ipynb"))
    question_of, rows, quizzes = {}, [], {}
    for path in notebooks:
        for cell, question in questions_of(nbformat.read(path, as_version=4).cells):
            meta = nbgrader_meta(cell)
            if not (meta.get("grade") or meta.get("task")):
                continue
            question = question or meta["grade_id"]  # a notebook without "Question A.1" headings: the cell's id
            question_of[(path.stem, meta["grade_id"])] = question
            kind = kind_of_cell(cell)
            rows.append({"question": question, "kind": kind, "points": meta.get("points", 0)})
            for ref in QUIZ_REF.findall(cell.source) if kind == QUIZ else ():
                quizzes[question] = {"ref": ref, "bank": find_question(*ref.split("/"))}
        keys = graded_keys(path)
        for quiz in quizzes.values():
            if quiz["ref"] in keys:
                quiz["key"] = keys[quiz["ref"]]["key"]
    questions = (
        pd.DataFrame(rows).groupby("question", sort=False).agg(points=("points", "sum"), kind=("kind", _main_kind))
    )
    scores = _gradebook_scores(room, assignment, question_of, list(questions.index))
    work = ClassWork(assignment, scores, questions, pd.DataFrame(False, index=scores.index, columns=questions.index))
    work.quizzes = quizzes
    failures, runs = [], []
    for student in scores.index:
        graded = room.work / "autograded" / student / assignment
        submitted = room.work / "submitted" / student / assignment
        work.answers[student] = _answers(graded / ANSWERS_FILE)
        for path in notebooks:
            failures += _failures(graded / path.name, student, path.stem, question_of)
            released = room.root / "release" / assignment / path.name
            given, blank = _given(submitted / path.name, released)
            runs += [{"student": student, **run} for run in given]
            for question in blank:
                if question in work.blank.columns:
                    work.blank.loc[student, question] = True
        for question, quiz in quizzes.items():
            entry = work.answers[student].get(quiz["ref"])
            work.blank.loc[student, question] = not (isinstance(entry, dict) and entry.get("answer") is not None)
    work.failures = pd.DataFrame(failures, columns=["student", "question", "cell", "error", "message"])
    work.runs = pd.DataFrame(runs, columns=["student", "question", "started", "ended"])
    return work


def _gradebook_scores(room, assignment: str, question_of: dict, columns: list) -> pd.DataFrame:
    from nbgrader.api import MissingEntry

    found: dict = {}
    with room.gradebook() as gb:
        try:
            submissions = gb.find_assignment(assignment).submissions
        except MissingEntry:  # never generated or graded here: no student to analyse
            submissions = []
        for submission in submissions:
            mine = found.setdefault(submission.student.id, {})
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    question = question_of.get((notebook.name, grade.name))
                    if question is None:
                        continue
                    earned = np.nan if grade.needs_manual_grade else float(grade.score)
                    mine[question] = mine.get(question, 0.0) + earned
    return pd.DataFrame.from_dict(found, orient="index", columns=columns).sort_index()


def _main_kind(kinds: pd.Series) -> str:
    """A question's kind, from its graded cells: "quiz", "written" or "code" (its test cells check code)."""
    return "quiz" if QUIZ in set(kinds) else "written" if WRITTEN in set(kinds) else "code"


def _answers(path: Path) -> dict:
    """A submission's quiz answers as submitted ({} when none or unreadable: the grade already says so)."""
    from ..quiz.record import AnswerRecordError, read_answers

    try:
        return read_answers(path.parent) if path.exists() else {}
    except AnswerRecordError:
        return {}


def _read(path: Path):
    try:
        return nbformat.read(path, as_version=4)
    except (OSError, ValueError, json.JSONDecodeError):
        return None  # missing or damaged: the student's grade already says why


def _failures(path: Path, student: str, notebook: str, question_of: dict) -> list[dict]:
    """Every error a code question's test cell shows in the autograded notebook: the verdict reached outside the
    kernel, in the words the student read."""
    nb = _read(path)
    found = []
    for cell in nb.cells if nb else ():
        meta = nbgrader_meta(cell)
        question = question_of.get((notebook, meta.get("grade_id")))
        if question is None or cell.cell_type != "code" or kind_of_cell(cell) != TEST:
            continue
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                message = (out.get("evalue") or "").strip().splitlines()
                found.append(
                    {
                        "student": student,
                        "question": question,
                        "cell": meta["grade_id"],
                        "error": out.get("ename", ""),
                        "message": message[0] if message else "",
                    }
                )
    return found


def _given(path: Path, released: Path) -> tuple[list[dict], set]:
    """(runs, blank) of a submitted notebook: per question, the first start and last end of its cells' runs as
    JupyterLab recorded them; and the questions whose answers all read as released."""
    nb, first = _read(path), _read(released)
    if nb is None:
        return [], set()
    answers, as_released = answer_texts(nb.cells), answer_texts(first.cells if first else [])
    spans: dict = {}
    for cell, question in _sections(nb.cells):
        timing = cell.get("metadata", {}).get("execution", {})
        started, ended = _when(timing.get(RUN_STARTED)), _when(timing.get(RUN_ENDED))
        if question and started and ended:
            low, high = spans.get(question, (started, ended))
            spans[question] = (min(low, started), max(high, ended))
    runs = [{"question": q, "started": s, "ended": e} for q, (s, e) in spans.items()]
    blank = {q for q, text in answers.items() if text == as_released.get(q)}
    return runs, blank


def _sections(cells) -> list:
    """``[(cell, question)]`` for every cell: the question whose heading or graded cell it is under, so that a
    quiz's widget cell and a question's working cells count with it (None before the first question)."""
    graded = {id(c): q for c, q in questions_of(cells)}
    found, current = [], None
    for cell in cells:
        heading = HEADING.search(cell.source) if cell.cell_type == "markdown" else None
        if heading:
            current = heading.group(1)
        current = graded.get(id(cell)) or current
        found.append((cell, current))
    return found


def _when(text) -> datetime | None:
    try:
        return pd.Timestamp(text).to_pydatetime() if text else None
    except (ValueError, TypeError):
        return None
