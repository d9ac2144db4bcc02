"""Question banks: the quiz questions of each notebook, as data validated against ``bank/schema.json``.

Five kinds of question; each kind's answer and key have one shape:

=========  ===========================  =============================================
type       answer (what is recorded)    key
=========  ===========================  =============================================
single     an option id                 an option id
multiple   a list of option ids         the list of right option ids
numeric    a number                     {"value": number, "tolerance": number}
ordering   every item id, in order      every item id, in the right order
matching   {left id: right id}          {left id: right id} for every left id
=========  ===========================  =============================================

Feedback has one entry per option (single, multiple), per item (ordering), per left entry
(matching), or for "below", "within" and "above" the tolerance (numeric).

Banks are validated against the schema when the course is built and tested (:func:`validate_bank`, run by
``course generate`` and the tests), not in a student's kernel: the validator costs a second or more to import,
on every kernel start (docs/performance.md).
"""

import json
from functools import cache
from importlib import resources
from typing import Any

from .kinds import NUMERIC_BANDS, kind_of  # noqa: F401 - NUMERIC_BANDS is part of this module's API

__all__ = ["load_bank", "validate_bank", "banks", "find_question", "check_key", "feedback_ids", "credit_rule"]


def _bank_folder():
    return resources.files("course").joinpath("quiz", "bank")


def banks() -> list[str]:
    """The names of every quiz bank (one per notebook that has quizzes)."""
    return sorted(p.name[:-5] for p in _bank_folder().iterdir() if p.name.endswith(".json") and p.name != "schema.json")


def validate_bank(quiz: str) -> dict:
    """The bank, checked against ``bank/schema.json`` as well as :func:`load_bank` checks it; ValueError
    naming the first place that breaks the schema."""
    from jsonschema import Draft202012Validator  # build side only: see above

    schema = json.loads(_bank_folder().joinpath("schema.json").read_text(encoding="utf-8"))
    bank = _read_bank(quiz)
    errors = sorted(Draft202012Validator(schema).iter_errors(bank), key=lambda e: list(e.path))
    if errors:
        raise ValueError(f"Quiz bank {quiz}.json is invalid at {list(errors[0].path)}: {errors[0].message}")
    return load_bank(quiz)


def _read_bank(quiz: str) -> dict:
    try:
        return json.loads(_bank_folder().joinpath(f"{quiz}.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(f"There is no quiz bank called {quiz!r} in course/quiz/bank/.") from None


@cache
def load_bank(quiz: str) -> dict:
    """The question bank of a quiz, with the keys of its practice questions checked (its schema is checked
    by :func:`validate_bank` when the course is built and tested)."""
    bank = _read_bank(quiz)
    for q in bank["questions"]:
        check_question(q, f"{quiz}.json, question {q.get('id')!r}")
        if q.get("mode") == "practice":
            check_key(q, q["key"], q["feedback"], where=f"{quiz}.json, question {q['id']!r}")
    return bank


def find_question(quiz: str, qid: str) -> dict:
    """One question of a bank; ValueError (an instructor's typo) if there is none."""
    for q in load_bank(quiz)["questions"]:
        if q["id"] == qid:
            return q
    raise ValueError(f"Quiz {quiz!r} has no question {qid!r}.")


def feedback_ids(q: dict) -> list[str]:
    """What the feedback of a question must have an entry for."""
    return kind_of(q).feedback_ids(q)


def check_key(q: dict, key: Any, feedback: dict, where: str = "") -> None:
    """Raise ValueError unless ``key`` and ``feedback`` fit question ``q`` (instructor errors, not student ones)."""
    where = where or f"question {q['id']!r}"
    kind = kind_of(q)
    if not kind.key_fits(q, key):
        raise ValueError(
            f"{where}: the key {key!r} does not fit a {kind.name} question with these choices "
            "(see course/quiz/kinds.py for the shape; an ordering key must differ from the order shown)."
        )
    ids = kind.feedback_ids(q)
    missing = [i for i in ids if not str((feedback or {}).get(i, "")).strip()]
    extra = sorted(set(feedback or {}) - set(ids))
    if missing or extra:
        raise ValueError(f"{where}: feedback needs one entry for each of {ids} (missing {missing}, unknown {extra}).")


def credit_rule(q: dict) -> str:
    """How a question is scored, in one sentence a student can check."""
    return kind_of(q).credit_rule(q)


def check_question(q: dict, where: str) -> None:
    """What the bank's schema cannot say of a question, because it depends on its kind: a known kind and the
    fields that kind needs."""
    lacking = [part for part in kind_of(q).required if part not in q]
    if lacking:
        raise ValueError(f"{where} is invalid: a {q['type']} question needs {', '.join(lacking)}")
