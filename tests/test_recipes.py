"""The three recipes of CONTRIBUTING.md, followed in a temporary copy of the course (its own ``course`` package
first on PYTHONPATH, for the teacher's commands and the students' kernels alike) and proven through the real
pipeline: a toy fourth assignment with one exercise graded by a new check and one question of a new kind, released
with ``course generate`` and graded with ``course grade`` in the sandbox."""

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from course.paths import PROJECT
from course.teacher.classroom import Classroom
from course.teacher.sample import fill_in, record_quiz, solutions
from tests.conftest import copy_course

TOY = "toy"

# Recipe: a new check (course/checks/<assignment>.py; expected values come from the test cell).
TOY_CHECK = '''"""Checks for the toy assignment."""

from . import register
from .expect import fail, shown


@register("summit_days")
def summit_days(answer, expected):
    if answer != expected:
        fail(f"The Hanoi summit ran from 27 to 28 February 2019: count both days. You have {shown(answer)}.")
'''

# Recipe: a new question kind (a QuestionKind registered in course/quiz/kinds.py).
TOY_KIND = '''

class TrueFalse(QuestionKind):
    """Judge each statement true or false."""

    name, required, partial_credit = "true_false", ("statements",), True

    def feedback_ids(self, q):
        return list(texts(q, "statements"))

    def key_fits(self, q, key):
        return isinstance(key, dict) and set(key) == set(texts(q, "statements"))

    def credit_rule(self, q):
        return "Partial credit: each statement judged rightly earns its share of the points."

    def normalise(self, q, raw):
        if not isinstance(raw, dict) or set(raw) != set(texts(q, "statements")):
            raise AnswerInvalid("judge every statement: true or false")
        return {sid: bool(raw[sid]) for sid in texts(q, "statements")}

    def describe(self, q, answer):
        return "; ".join(f"{t}: {'true' if answer[s] else 'false'}" for s, t in texts(q, "statements").items())

    def mark(self, q, answer, key, feedback):
        statements = texts(q, "statements")
        lines = [f"{RIGHT if answer[s] == key[s] else WRONG} {t} ({feedback[s]})" for s, t in statements.items()]
        return sum(answer[s] == key[s] for s in statements) / len(statements), lines

    def responses(self, q, answer, key):
        return [
            (f"{t}: {verdict}", answer is not None and answer[s] == value, key[s] == value)
            for s, t in texts(q, "statements").items()
            for verdict, value in (("true", True), ("false", False))
        ]


register_kind(TrueFalse())
'''
TOY_WIDGET = "  true_false: () => choices({ options: spec.statements }, uid, true, give),\n"

BANK = {
    "quiz": TOY,
    "title": "Toy quiz",
    "questions": [
        {
            "id": "claims",
            "type": "true_false",
            "prompt": "Judge each statement about the Hanoi summit.",
            "statements": [
                {"id": "two_days", "text": "The summit lasted two days"},
                {"id": "signed", "text": "A joint statement was signed"},
            ],
        }
    ],
}
KEY = {"two_days": True, "signed": False}
FEEDBACK = {"two_days": "27 and 28 February 2019", "signed": "the signing ceremony was cancelled"}


def cell(make, source, grade_id, **flags):
    made = make(source)
    made.metadata["nbgrader"] = {
        "schema_version": 3,
        "grade_id": grade_id,
        "solution": False,
        "grade": False,
        "locked": False,
        "task": False,
        **flags,
    }
    return made


def follow_the_recipes(root: Path) -> None:
    """What a teacher-developer writes, step by step, in the course copy at ``root``."""
    package = root / "course"
    # a new check
    (package / "checks" / f"{TOY}.py").write_text(TOY_CHECK, encoding="utf-8")
    # a new question kind: the kind, its own field in the schema, its builder in the widget's one table
    with open(package / "quiz" / "kinds.py", "a", encoding="utf-8") as fh:
        fh.write(TOY_KIND)
    schema_path = package / "quiz" / "bank" / "schema.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    schema["$defs"]["question"]["properties"]["statements"] = {"$ref": "#/$defs/choices"}
    schema_path.write_text(json.dumps(schema, indent=2), encoding="utf-8")
    widget = (package / "quiz" / "widget.js").read_text(encoding="utf-8")
    assert widget.count("const build = {") == 1, "the widget has one table of builders"
    widget = widget.replace("const build = {", "const build = {\n" + TOY_WIDGET, 1)
    (package / "quiz" / "widget.js").write_text(widget, encoding="utf-8")
    # a new assignment: its notebook in source/ and its quiz bank
    (package / "quiz" / "bank" / f"{TOY}.json").write_text(json.dumps(BANK, indent=1), encoding="utf-8")
    quiz_test = (
        '"""Check the quiz answer."""\n### BEGIN HIDDEN TESTS\n'
        f'earned = check("quiz_graded", "{TOY}/claims", points=2, key={KEY!r}, feedback={FEEDBACK!r})\n'
        f'### END HIDDEN TESTS\ncheck("quiz_answered", "{TOY}/claims")\n### BEGIN HIDDEN TESTS\nearned\n'
        "### END HIDDEN TESTS"
    )
    nb = new_notebook(
        cells=[
            cell(new_markdown_cell, "# A toy assignment\nHow long was the Hanoi summit?", "intro", locked=True),
            cell(new_code_cell, "from course import check, question", "setup", locked=True),
            cell(new_code_cell, "### BEGIN SOLUTION\ndays = 2\n### END SOLUTION", "days", solution=True),
            cell(
                new_code_cell,
                'check("summit_days", days, expected=2)\n### BEGIN HIDDEN TESTS\n'
                'check("summit_days", days, expected=2)\n### END HIDDEN TESTS',
                "test_days",
                grade=True,
                locked=True,
                points=2,
            ),
            cell(new_code_cell, f'question("{TOY}", "claims")', "quiz_claims", locked=True),
            cell(new_code_cell, quiz_test, "test_quiz_claims", grade=True, locked=True, points=2),
        ],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    )
    (root / "source" / TOY).mkdir(parents=True)
    nbformat.write(nb, root / "source" / TOY / f"{TOY}.ipynb")


def test_a_toy_assignment_with_a_new_check_and_a_new_question_kind_is_released_and_graded(tmp_path):
    root = copy_course(tmp_path / "course")
    shutil.copytree(PROJECT / "course", root / "course", ignore=shutil.ignore_patterns("__pycache__"))
    follow_the_recipes(root)
    env = dict(os.environ, PYTHONPATH=str(root))  # the copy's package, not the project's (run from the copy:
    # `python -m` puts the working folder first on sys.path)
    course = [sys.executable, "-m", "course.teacher.cli", "--work", str(root / "work")]

    def run(*args):
        done = subprocess.run([*course, *args, "--root", str(root)], capture_output=True, text=True, env=env, cwd=root)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    run("generate", TOY)
    released = (root / "release" / TOY / f"{TOY}.ipynb").read_text(encoding="utf-8")
    assert "days = 2" not in released and "key=" not in released

    room = Classroom(root, root / "work")
    room.release(TOY)
    answers = solutions(root / "source" / TOY / f"{TOY}.ipynb")
    for student, days, quiz in (("right", "days = 2", KEY), ("half", "days = 1", dict(KEY, signed=True))):
        home = root / "work" / "students" / student
        folder = room.student_fetch(TOY, student, home)
        fill_in(folder / f"{TOY}.ipynb", {"answers": {"days": days}}, answers)
        record_quiz(folder, TOY, {"claims": quiz})
        room.student_submit(TOY, student, home)

    run("grade", TOY, "--jobs", "1")  # two students: workers would cost more than they save
    with open(root / "work" / f"status-{TOY}.csv", encoding="utf-8") as fh:
        rows = {r["student"]: r for r in csv.DictReader(fh)}
    assert {s: (r["status"], float(r["score"]), float(r["max_score"])) for s, r in rows.items()} == {
        "right": ("graded", 4.0, 4.0),
        "half": ("graded", 1.0, 4.0),  # the check fails; one of two statements right earns half the quiz
    }
    nb = nbformat.read(root / "work" / "autograded" / "half" / TOY / f"{TOY}.ipynb", as_version=4)
    shown = {c.metadata["nbgrader"]["grade_id"]: json.dumps(c.get("outputs", [])) for c in nb.cells if c.get("outputs")}
    assert "count both days. You have 1" in shown["test_days"]
    assert "Partial credit: each statement judged rightly" in shown["test_quiz_claims"]
    assert "A joint statement was signed" in shown["test_quiz_claims"]
    # the item analysis counts the new kind's responses (its `responses`); cells under no heading go by their ids
    said = run("insight", TOY)
    assert "2 graded students" in said, said
    options = list(csv.DictReader(open(root / "work" / "insight" / TOY / "options.csv", encoding="utf-8")))
    assert {r["question"] for r in options} == {"test_quiz_claims"}
    made = {r["response"]: (r["students"], r["right"]) for r in options}
    assert made["A joint statement was signed: false"] == ("1", "True"), made  # the student right
    assert made["A joint statement was signed: true"] == ("1", "False"), made  # the student half right
