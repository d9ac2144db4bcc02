"""Scoring a quiz answer against its key, and saying why, for every kind of question.

Pure functions on plain data (the question from the bank, the recorded answer, the key), so the
same verdict can be reached inside a kernel or in a separate clean process.
"""

from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from .bank import credit_rule

__all__ = ["AnswerInvalid", "Mark", "normalise", "describe", "mark"]

RIGHT, WRONG = "\u2714", "\u2718"  # shown with words, never colour alone


class AnswerInvalid(ValueError):
    """An answer that does not fit its question; the message is for the student."""


@dataclass
class Mark:
    fraction: float  # 0..1 of the question's points
    lines: list = field(default_factory=list)

    @property
    def right(self) -> bool:
        return self.fraction >= 1


def _texts(q: dict, part: str) -> dict:
    return {c["id"]: c["text"] for c in q.get(part, [])}


def normalise(q: dict, raw: Any) -> Any:
    """The answer in its recorded shape; AnswerInvalid says what is wrong with it."""
    kind = q["type"]
    if kind == "single":
        if raw not in _texts(q, "options"):
            raise AnswerInvalid("choose one of the options")
        return raw
    if kind == "multiple":
        if not isinstance(raw, list) or not set(raw) <= set(_texts(q, "options")):
            raise AnswerInvalid("tick options from the list")
        order = list(_texts(q, "options"))
        return sorted(set(raw), key=order.index)
    if kind == "numeric":
        if isinstance(raw, bool):
            raise AnswerInvalid("type a number")
        if isinstance(raw, (int, float)):
            value = float(raw)
        else:
            text = str(raw).strip()
            unit = q.get("unit", "")
            text = (text[: -len(unit)] if unit and text.endswith(unit) else text).rstrip("% ").replace(" ", "")
            # "86,3" is a decimal comma; "1,250.5" has a thousands separator.
            text = text.replace(",", ".") if text.count(",") == 1 and "." not in text else text.replace(",", "")
            try:
                value = float(text)
            except ValueError:
                raise AnswerInvalid(f"{str(raw).strip()!r} is not a number; type digits such as 12.5") from None
        if value != value or value in (float("inf"), float("-inf")):
            raise AnswerInvalid("type a finite number")
        return value
    if kind == "ordering":
        if not isinstance(raw, list) or sorted(raw) != sorted(_texts(q, "items")):
            raise AnswerInvalid("put every item in the list once")
        return list(raw)
    if (
        not isinstance(raw, dict)
        or not set(raw) <= set(_texts(q, "left"))
        or not set(raw.values()) <= set(_texts(q, "right"))
    ):
        raise AnswerInvalid("choose a match from the list for each entry")
    return {k: raw[k] for k in _texts(q, "left") if k in raw}


def describe(q: dict, answer: Any) -> str:
    """An answer in words, as the student saw it."""
    kind = q["type"]
    if kind == "single":
        return _texts(q, "options")[answer]
    if kind == "multiple":
        return "; ".join(_texts(q, "options")[a] for a in answer) or "nothing ticked"
    if kind == "numeric":
        return f"{answer:g} {q['unit']}"
    if kind == "ordering":
        items = _texts(q, "items")
        return " \u2192 ".join(items[a] for a in answer)
    left, right = _texts(q, "left"), _texts(q, "right")
    return "; ".join(f"{left[k]} \u2192 {right[v]}" for k, v in answer.items()) or "nothing matched"


def mark(q: dict, answer: Any, key: Any, feedback: dict, explain: str = "") -> Mark:
    """Score ``answer`` (already normalised) and write the feedback lines a student reads."""
    kind = q["type"]
    why = [f"Why: {explain}"] if explain else []
    if kind == "single":
        fraction = float(answer == key)
        lines = [
            f"Your answer: {describe(q, answer)} ({RIGHT if fraction else WRONG} {feedback[answer]})",
            f"Right answer: {describe(q, key)}",
        ]
    elif kind == "multiple":
        texts, right = _texts(q, "options"), set(key)
        hits, misses = len(set(answer) & right), len(set(answer) - right)
        fraction = max(0.0, (hits - misses) / len(right))
        lines = [f"Your answer: {describe(q, answer)}"]
        for oid, text in texts.items():
            if oid in answer or oid in right:
                verdict = (
                    f"{RIGHT} right to tick"
                    if oid in right and oid in answer
                    else f"{WRONG} should not be ticked"
                    if oid in answer
                    else f"{WRONG} missed"
                )
                lines.append(f"  {verdict}: {text}. {feedback[oid]}")
        lines.append(f"Right answer: {describe(q, key)}")
    elif kind == "numeric":
        value, tol = key["value"], key["tolerance"]
        band = "below" if answer < value - tol else "above" if answer > value + tol else "within"
        fraction = float(band == "within")
        lines = [
            f"Your answer: {describe(q, answer)} ({RIGHT if fraction else WRONG} {feedback[band]})",
            f"Right answer: {value:g} {q['unit']} (answers within \u00b1{tol:g} count)",
        ]
    elif kind == "ordering":
        position = {item: i for i, item in enumerate(answer)}
        pairs = list(combinations(key, 2))
        wrong_pairs = sum(position[a] > position[b] for a, b in pairs)
        fraction = max(0.0, 1 - 2 * wrong_pairs / len(pairs))
        lines = [f"Your answer: {describe(q, answer)}", f"Right answer: {describe(q, key)}"]
        if wrong_pairs:
            lines.append(f"{wrong_pairs} of {len(pairs)} pairs are the wrong way round.")
            lines += [f"  {WRONG} {_texts(q, 'items')[i]}: {feedback[i]}" for n, i in enumerate(key) if answer[n] != i]
    else:  # matching
        left, right = _texts(q, "left"), _texts(q, "right")
        fraction = sum(answer.get(k) == v for k, v in key.items()) / len(key)
        lines = [f"Your answer: {describe(q, answer)}"]
        for k, v in key.items():
            given = answer.get(k)
            if given == v:
                lines.append(f"  {RIGHT} {left[k]} \u2192 {right[v]}. {feedback[k]}")
            else:
                shown = right[given] if given else "no match chosen"
                lines.append(f"  {WRONG} {left[k]} \u2192 {shown}; right: {right[v]}. {feedback[k]}")
        lines.append(f"Right answer: {describe(q, key)}")
    if kind in ("multiple", "ordering", "matching"):
        lines.append(credit_rule(q))
    return Mark(round(fraction, 4), lines + why)
