"""The kinds of question, one object each: what a bank entry of the kind needs, what its key looks like, how an
answer is read, described and marked, and the partial-credit rule a student is shown.

A new kind is one subclass of :class:`QuestionKind` registered with :func:`register_kind`, plus its builder in
the widget's one table (``build`` in ``widget.js``); see CONTRIBUTING.md, "Recipe: a new question kind".
Pure functions on plain data, so the same mark is reached in a kernel and in the grader's process.
"""

from itertools import combinations
from typing import Any

__all__ = ["QuestionKind", "KINDS", "register_kind", "kind_of", "AnswerInvalid", "NUMERIC_BANDS", "RIGHT", "WRONG"]

RIGHT, WRONG = "\u2714", "\u2718"  # shown with words, never colour alone
NUMERIC_BANDS = ("below", "within", "above")


class AnswerInvalid(ValueError):
    """An answer that does not fit its question; the message is for the student."""


def texts(q: dict, part: str) -> dict:
    """``{id: text}`` of a part of a question (its options, items, left or right entries)."""
    return {c["id"]: c["text"] for c in q.get(part, [])}


class QuestionKind:
    """One kind of question. ``name`` is its ``type`` in the bank; ``required`` the bank fields it needs."""

    name = ""
    required: tuple = ()
    partial_credit = False  # whether the credit rule is printed under the mark

    def feedback_ids(self, q: dict) -> list[str]:
        """What a key's feedback must have an entry for."""
        raise NotImplementedError

    def key_fits(self, q: dict, key: Any) -> bool:
        """Whether ``key`` has this kind's shape for question ``q``."""
        raise NotImplementedError

    def key_answer(self, q: dict, key: Any) -> Any:
        """The answer a key stands for (what a student gives to earn all the points)."""
        return key

    def credit_rule(self, q: dict) -> str:
        """How the question is scored, in one sentence a student can check."""
        raise NotImplementedError

    def normalise(self, q: dict, raw: Any) -> Any:
        """The answer in its recorded shape; AnswerInvalid says what is wrong with it."""
        raise NotImplementedError

    def describe(self, q: dict, answer: Any) -> str:
        """An answer in words, as the student saw it."""
        raise NotImplementedError

    def mark(self, q: dict, answer: Any, key: Any, feedback: dict) -> tuple[float, list[str]]:
        """The fraction of the points (0..1) and the feedback lines for a normalised answer."""
        raise NotImplementedError

    def responses(self, q: dict, answer: Any, key: Any) -> list[tuple[str, bool, bool]]:
        """Every response a student can make to the question, in words, as ``(response, made, right)``: whether
        this normalised ``answer`` (None: no answer) makes it, and whether the key does. The item analysis counts
        these (course.teacher.insight): an option, a numeric band, an ordering's pair, a matching's pair."""
        raise NotImplementedError


KINDS: dict[str, QuestionKind] = {}


def register_kind(kind: QuestionKind) -> QuestionKind:
    """Make ``kind`` the one of its name (the bank's ``type``)."""
    if not kind.name:
        raise ValueError("a question kind needs a name")
    KINDS[kind.name] = kind
    return kind


def kind_of(q: dict) -> QuestionKind:
    """The kind of a bank question; ValueError (an instructor's error) for a type no kind has."""
    try:
        return KINDS[q["type"]]
    except KeyError:
        raise ValueError(
            f"question {q.get('id')!r} has type {q.get('type')!r}; the kinds are {', '.join(sorted(KINDS))}"
        ) from None


class Single(QuestionKind):
    name, required = "single", ("options",)

    def feedback_ids(self, q):
        return list(texts(q, "options"))

    def key_fits(self, q, key):
        return key in texts(q, "options")

    def credit_rule(self, q):
        return "Choose one option."

    def normalise(self, q, raw):
        if raw not in texts(q, "options"):
            raise AnswerInvalid("choose one of the options")
        return raw

    def describe(self, q, answer):
        return texts(q, "options")[answer]

    def mark(self, q, answer, key, feedback):
        fraction = float(answer == key)
        return fraction, [
            f"Your answer: {self.describe(q, answer)} ({RIGHT if fraction else WRONG} {feedback[answer]})",
            f"Right answer: {self.describe(q, key)}",
        ]

    def responses(self, q, answer, key):
        return [(text, answer == oid, oid == key) for oid, text in texts(q, "options").items()]


class Multiple(QuestionKind):
    name, required, partial_credit = "multiple", ("options",), True

    def feedback_ids(self, q):
        return list(texts(q, "options"))

    def key_fits(self, q, key):
        return (
            isinstance(key, list) and bool(key) and len(set(key)) == len(key) and set(key) <= set(texts(q, "options"))
        )

    def credit_rule(self, q):
        return (
            "Partial credit: each right option you tick earns its share of the points, each wrong one "
            "takes a share away, and the score never goes below zero."
        )

    def normalise(self, q, raw):
        if not isinstance(raw, list) or not set(raw) <= set(texts(q, "options")):
            raise AnswerInvalid("tick options from the list")
        order = list(texts(q, "options"))
        return sorted(set(raw), key=order.index)

    def describe(self, q, answer):
        return "; ".join(texts(q, "options")[a] for a in answer) or "nothing ticked"

    def mark(self, q, answer, key, feedback):
        options, right = texts(q, "options"), set(key)
        hits, misses = len(set(answer) & right), len(set(answer) - right)
        lines = [f"Your answer: {self.describe(q, answer)}"]
        for oid, text in options.items():
            if oid in answer or oid in right:
                verdict = (
                    f"{RIGHT} right to tick"
                    if oid in right and oid in answer
                    else f"{WRONG} should not be ticked"
                    if oid in answer
                    else f"{WRONG} missed"
                )
                lines.append(f"  {verdict}: {text}. {feedback[oid]}")
        lines.append(f"Right answer: {self.describe(q, key)}")
        return max(0.0, (hits - misses) / len(right)), lines

    def responses(self, q, answer, key):
        return [(f"ticked: {text}", oid in (answer or ()), oid in key) for oid, text in texts(q, "options").items()]


class Numeric(QuestionKind):
    name, required = "numeric", ("unit",)

    def feedback_ids(self, q):
        return list(NUMERIC_BANDS)

    def key_fits(self, q, key):
        return (
            isinstance(key, dict)
            and set(key) == {"value", "tolerance"}
            and all(isinstance(key[k], (int, float)) for k in key)
            and key["tolerance"] >= 0
        )

    def key_answer(self, q, key):
        return key["value"]  # the key also holds the margin

    def credit_rule(self, q):
        return (
            f"Type a number in {q['unit']}; answers close to the right value count "
            "(the margin is stated after grading)."
        )

    def normalise(self, q, raw):
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

    def describe(self, q, answer):
        return f"{answer:g} {q['unit']}"

    def mark(self, q, answer, key, feedback):
        value, tol = key["value"], key["tolerance"]
        band = "below" if answer < value - tol else "above" if answer > value + tol else "within"
        fraction = float(band == "within")
        return fraction, [
            f"Your answer: {self.describe(q, answer)} ({RIGHT if fraction else WRONG} {feedback[band]})",
            f"Right answer: {value:g} {q['unit']} (answers within \u00b1{tol:g} count)",
        ]

    def responses(self, q, answer, key):
        low, high, unit = key["value"] - key["tolerance"], key["value"] + key["tolerance"], q["unit"]
        band = None if answer is None else "below" if answer < low else "above" if answer > high else "within"
        return [
            (f"below {low:g} {unit}", band == "below", False),
            (f"{low:g} to {high:g} {unit}", band == "within", True),
            (f"above {high:g} {unit}", band == "above", False),
        ]


class Ordering(QuestionKind):
    name, required, partial_credit = "ordering", ("items",), True

    def feedback_ids(self, q):
        return list(texts(q, "items"))

    def key_fits(self, q, key):
        items = list(texts(q, "items"))
        return isinstance(key, list) and sorted(key) == sorted(items) and key != items

    def credit_rule(self, q):
        pairs = len(q["items"]) * (len(q["items"]) - 1) // 2
        return (
            f"Partial credit: each pair of items in the wrong order costs {2 / pairs:.0%} of the points "
            "(of " + str(pairs) + " pairs), down to zero."
        )

    def normalise(self, q, raw):
        if not isinstance(raw, list) or sorted(raw) != sorted(texts(q, "items")):
            raise AnswerInvalid("put every item in the list once")
        return list(raw)

    def describe(self, q, answer):
        items = texts(q, "items")
        return " \u2192 ".join(items[a] for a in answer)

    def mark(self, q, answer, key, feedback):
        position = {item: i for i, item in enumerate(answer)}
        pairs = list(combinations(key, 2))
        wrong_pairs = sum(position[a] > position[b] for a, b in pairs)
        lines = [f"Your answer: {self.describe(q, answer)}", f"Right answer: {self.describe(q, key)}"]
        if wrong_pairs:
            lines.append(f"{wrong_pairs} of {len(pairs)} pairs are the wrong way round.")
            lines += [f"  {WRONG} {texts(q, 'items')[i]}: {feedback[i]}" for n, i in enumerate(key) if answer[n] != i]
        return max(0.0, 1 - 2 * wrong_pairs / len(pairs)), lines

    def responses(self, q, answer, key):
        items, position = texts(q, "items"), {item: i for i, item in enumerate(answer or ())}
        return [
            (f"{items[a]}, before: {items[b]}", bool(answer) and position[a] < position[b], True)
            for a, b in combinations(key, 2)
        ]


class Matching(QuestionKind):
    name, required, partial_credit = "matching", ("left", "right"), True

    def feedback_ids(self, q):
        return list(texts(q, "left"))

    def key_fits(self, q, key):
        return (
            isinstance(key, dict)
            and sorted(key) == sorted(texts(q, "left"))
            and set(key.values()) <= set(texts(q, "right"))
        )

    def credit_rule(self, q):
        return "Partial credit: each right match earns its share of the points."

    def normalise(self, q, raw):
        left, right = texts(q, "left"), texts(q, "right")
        if not isinstance(raw, dict) or not set(raw) <= set(left) or not set(raw.values()) <= set(right):
            raise AnswerInvalid("choose a match from the list for each entry")
        return {k: raw[k] for k in left if k in raw}

    def describe(self, q, answer):
        left, right = texts(q, "left"), texts(q, "right")
        return "; ".join(f"{left[k]} \u2192 {right[v]}" for k, v in answer.items()) or "nothing matched"

    def mark(self, q, answer, key, feedback):
        left, right = texts(q, "left"), texts(q, "right")
        lines = [f"Your answer: {self.describe(q, answer)}"]
        for k, v in key.items():
            given = answer.get(k)
            if given == v:
                lines.append(f"  {RIGHT} {left[k]} \u2192 {right[v]}. {feedback[k]}")
            else:
                shown = right[given] if given else "no match chosen"
                lines.append(f"  {WRONG} {left[k]} \u2192 {shown}; right: {right[v]}. {feedback[k]}")
        lines.append(f"Right answer: {self.describe(q, key)}")
        return sum(answer.get(k) == v for k, v in key.items()) / len(key), lines

    def responses(self, q, answer, key):
        left, right = texts(q, "left"), texts(q, "right")
        return [(f"{left[k]} \u2192 {right[v]}", (answer or {}).get(k) == v, key[k] == v) for k in left for v in right]


for _kind in (Single(), Multiple(), Numeric(), Ordering(), Matching()):
    register_kind(_kind)
