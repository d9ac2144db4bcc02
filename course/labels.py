"""Each graded cell of an assignment notebook named by its question, the way a student finds it ("Question A.2,
your answer"), from the headings above it. Used by "Check my work" in the notebook (course.my_work) and by the
feedback (course.grading.feedback). Reads only the notebook's cells: no answers here.
"""

import re

#: A question's heading: "### Question A.2 (2 points)", or "### Questions C.2 and C.3 (...)" over two cells.
HEADING = re.compile(r"^#{1,6}\s*Questions?\s+([A-Z]\.\d+)(?:\s*(?:,|and)\s*([A-Z]\.\d+))*", re.MULTILINE)
#: A quiz question named in a test cell: ``check("quiz_answered", "quiz/question")`` or ``"quiz_graded"``.
QUIZ_REF = re.compile(r'check\(\s*"quiz_(?:answered|graded)"\s*,\s*"([\w-]+/[\w-]+)"')
#: The kinds of graded cell, as :func:`kind_of_cell` names them.
WRITTEN, QUIZ, ANSWER, TEST = "written answer", "quiz", "your answer", "test"


def nbgrader_meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def kind_of_cell(cell) -> str:
    """What a graded cell is to the student: a written answer, a quiz, their code answer, or a test."""
    meta = nbgrader_meta(cell)
    if meta.get("task") or (meta.get("solution") and cell.cell_type == "markdown"):
        return WRITTEN
    if "quiz_graded" in cell.source or "quiz_answered" in cell.source:
        return QUIZ
    if meta.get("solution"):
        return ANSWER
    return TEST


def describe_cell(cell) -> str:
    """The kind of cell in words; a test says what it checks (its docstring's first line)."""
    kind = kind_of_cell(cell)
    if kind != TEST:
        return kind
    first = cell.source.strip().splitlines()[0] if cell.source.strip() else ""
    doc = re.match(r'^"""(.+?)(?:"""|$)', first)
    return f"test: {doc.group(1).strip().rstrip('.')}" if doc else "test"


def questions_of(cells) -> list:
    """``[(cell, question)]`` for every graded or answer cell, in order; ``question`` is "A.2", or None for a cell
    under no question heading. A heading of two questions covers its next two scored cells."""
    found, questions = [], []
    for cell in cells:
        headings = list(HEADING.finditer(cell.source)) if cell.cell_type == "markdown" else []
        if headings:
            questions = re.findall(r"[A-Z]\.\d+", headings[-1].group(0))
        meta = nbgrader_meta(cell)
        if not (meta.get("grade") or meta.get("task") or meta.get("solution")):
            continue
        found.append((cell, questions[0] if questions else None))
        if (meta.get("grade") or meta.get("task")) and len(questions) > 1:
            questions.pop(0)
    return found


def answer_texts(cells) -> dict:
    """Each question's answers as one text: its answer cells, and for a written task the cells a student writes in
    below it, up to the next graded cell or heading (nbgrader's tasks have no answer cell of their own)."""
    found: dict = {}
    task = None
    in_question = {id(c): q or nbgrader_meta(c).get("grade_id") for c, q in questions_of(cells)}
    for cell in cells:
        meta = nbgrader_meta(cell)
        question = in_question.get(id(cell))
        if meta.get("task"):
            task = question
        elif meta or (cell.cell_type == "markdown" and re.match(r"#{1,6}\s", cell.source)):
            task = None
        if question and meta.get("solution"):
            found[question] = found.get(question, "") + cell.source + "\n"
        elif task and not meta:
            found[task] = found.get(task, "") + cell.source + "\n"
    return found
