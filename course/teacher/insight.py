"""What did the class learn: item analysis of an assignment's questions, from the gradebook (docs/insight.md).

``analyse(room, assignment)`` returns pandas tables a teacher can explore in a notebook:

- ``scores``: one row per graded student, one column per question (named as in the notebook: "A.2"), the points
  each earned; ``questions``: each question's points and kind (code, quiz, written);
- ``items``: per question, the number of students, its difficulty (the mean share of its points), the share who
  earned nothing, the corrected item-rest correlation (the question against the total without it; for a question
  marked right or wrong, the point-biserial) and the upper-lower index (the mean share of its points in the top
  27% of the class by total minus the bottom 27%), and the flags a teacher should read, in words;
- ``reliability``: Cronbach's alpha of the assignment (KR-20 when every question is right or wrong) with Feldt's
  95% confidence interval, and the number of students behind it;
- ``options``: per quiz question, every response (an option, a numeric band, an ordering's pair, a matching's
  pair) with the share who made it and its point-biserial with the rest score, the key marked;
- ``reasons``: per code question, the failed checks grouped by their advice, with how many students and an example;
- ``written``: per written answer, the teacher's scores so far and how many still await grading;
- ``timing``: per question, minutes between the first and last run of its cells (where JupyterLab recorded cell
  timing) and when quiz answers were saved after the student's first.

Every figure says how many students it rests on; below :data:`FEW` it is flagged as unsteady. Written answers
still awaiting the teacher count as not yet graded and are left out of their question's figures.
"""

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

#: Below this many students a figure is shown but flagged: it may change a lot with one more student.
FEW = 20
#: The share of the class by total in each of the upper and lower groups (Kelley's 27%).
GROUP = 0.27
#: An item-rest correlation below this measures little of what the rest of the assignment measures.
LOW_DISCRIMINATION = 0.2
#: A question whose median minutes a point exceed the assignment's by this factor takes far longer than its points.
SLOW = 3.0


@dataclass
class Insight:
    """An assignment's item analysis (see the module's docstring)."""

    assignment: str
    scores: pd.DataFrame
    questions: pd.DataFrame
    items: pd.DataFrame
    reliability: dict
    warnings: list = field(default_factory=list)
    options: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: per ordering question, its items in the key's order (the report numbers them in its chart)
    orderings: dict = field(default_factory=dict)
    reasons: pd.DataFrame = field(default_factory=pd.DataFrame)
    written: pd.DataFrame = field(default_factory=pd.DataFrame)
    timing: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def totals(self) -> pd.Series:
        """Each student's total of the points graded so far."""
        return self.scores.sum(axis=1, min_count=1).rename("total")


def correlation(a: pd.Series, b: pd.Series) -> float:
    """Pearson's r over the students who have both (NaN when fewer than three, or either does not vary)."""
    both = pd.concat([a, b], axis=1).dropna()
    if len(both) < 3 or both.iloc[:, 0].nunique() < 2 or both.iloc[:, 1].nunique() < 2:
        return np.nan
    return float(np.corrcoef(both.iloc[:, 0], both.iloc[:, 1])[0, 1])


def item_rest(scores: pd.DataFrame) -> pd.Series:
    """Each question's corrected item-rest correlation: Pearson's r between its score and the total of the other
    questions, over the students who have both (NaN where either does not vary)."""
    found = {q: correlation(scores[q], scores.drop(columns=q).sum(axis=1, min_count=1)) for q in scores.columns}
    return pd.Series(found, name="item_rest", dtype=float)


def upper_lower(scores: pd.DataFrame, points: pd.Series, group: float = GROUP) -> pd.Series:
    """Each question's upper-lower index: its mean share of points in the top ``group`` of students by total minus
    in the bottom ``group`` (ties at the cut broken by the order of the students, as in a sorted list)."""
    total = scores.sum(axis=1, min_count=1).dropna().sort_values(kind="stable")
    size = max(1, int(round(len(total) * group)))
    if len(total) < 2 * size:
        return pd.Series(np.nan, index=scores.columns, name="upper_lower")
    lower, upper = total.index[:size], total.index[-size:]
    share = scores.div(points, axis=1)
    return (share.loc[upper].mean() - share.loc[lower].mean()).rename("upper_lower")


def reliability(scores: pd.DataFrame, points: pd.Series, confidence: float = 0.95) -> dict:
    """Cronbach's alpha over the students with every question graded, with Feldt's confidence interval; named
    KR-20 when every question is right or wrong (then the two are the same number). A question graded for no one
    yet (a written answer awaiting the teacher) is left out rather than leaving out every student."""
    from scipy.stats import f

    complete = scores.dropna(axis=1, how="all").dropna()
    points = points.reindex(complete.columns)
    n, k = complete.shape
    right_or_wrong = bool(((complete == 0) | complete.eq(points, axis=1)).all().all())
    found = {"name": "KR-20" if right_or_wrong else "Cronbach's alpha", "students": n, "questions": k}
    if n < 2 or k < 2 or complete.sum(axis=1).var(ddof=1) == 0:
        return {**found, "value": np.nan, "low": np.nan, "high": np.nan}
    alpha = k / (k - 1) * (1 - complete.var(ddof=1).sum() / complete.sum(axis=1).var(ddof=1))
    # Feldt (1965): (1 - alpha) / (1 - true alpha) follows F with n - 1 and (n - 1)(k - 1) degrees of freedom
    df1, df2, tail = n - 1, (n - 1) * (k - 1), (1 - confidence) / 2
    low = 1 - (1 - alpha) * f.ppf(1 - tail, df1, df2)
    high = 1 - (1 - alpha) * f.ppf(tail, df1, df2)
    return {**found, "value": float(alpha), "low": float(low), "high": float(high)}


def flags(row: pd.Series) -> str:
    """What a teacher should look at in a question's figures, in words ("" when nothing)."""
    said = []
    if row["students"] < FEW:
        said.append(f"only {int(row['students'])} students: read the figures with care")
    if not pd.isna(row["item_rest"]):
        if row["item_rest"] < 0:
            said.append("negative discrimination: students who did well overall did worse here (check the key)")
        elif row["item_rest"] < LOW_DISCRIMINATION:
            said.append("low discrimination: it measures little of what the rest of the assignment measures")
    if row["difficulty"] >= 0.95:
        said.append("almost everyone earns its points")
    elif row["difficulty"] <= 0.2:
        said.append("almost no one earns its points: is it taught, and is it clear?")
    return "; ".join(said)


def item_table(scores: pd.DataFrame, points: pd.Series, blank: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per question: students, difficulty, share left blank, share with nothing, item-rest correlation, upper-lower
    index, flags. ``blank`` (students x questions, True where left as released) gives the share left blank."""
    share = scores.div(points, axis=1)
    graded = scores.notna().sum()
    items = pd.DataFrame(
        {
            "points": points,
            "students": graded,
            "difficulty": share.mean(),
            "share_blank": np.nan if blank is None else blank.reindex_like(scores).fillna(False).mean(),
            "share_nothing": (scores == 0).sum() / graded.replace(0, np.nan),
        }
    )
    items = items.join(item_rest(scores)).join(upper_lower(scores, points))
    items["flags"] = items.apply(flags, axis=1)
    return items


def from_matrix(
    assignment: str, scores: pd.DataFrame, questions: pd.DataFrame, blank: pd.DataFrame | None = None
) -> Insight:
    """The analysis of a score matrix (students x questions) and its questions' points and kinds."""
    points = questions["points"].reindex(scores.columns)
    graded = int(scores.notna().any(axis=1).sum())
    warnings = (
        [] if graded >= FEW else [f"Only {students_in_words(graded, 'graded')}: every figure may move with one more."]
    )
    items = item_table(scores, points, blank)
    return Insight(assignment, scores, questions, items, reliability(scores, points), warnings)


def from_work(work) -> Insight:
    """The whole item analysis of a graded class (a course.teacher.class_work.ClassWork)."""
    found = from_matrix(work.assignment, work.scores, work.questions, work.blank)
    found.options = option_table(work.scores, work.quizzes, work.answers)
    found.orderings = {
        question: [{i["id"]: i["text"] for i in quiz["bank"]["items"]}[item] for item in quiz["key"]]
        for question, quiz in work.quizzes.items()
        if quiz["bank"]["type"] == "ordering" and "key" in quiz
    }
    found.reasons = reason_table(work.failures, work.scores, work.blank)
    found.written = written_table(work.scores, work.questions)
    found.timing = timing_table(work.runs, work.answers, work.quizzes, work.questions)
    return found


def to_look_at(found: Insight) -> list[str]:
    """What a teacher should look at first, one line each: questions of low or negative discrimination or that
    almost everyone or no one earns, quiz responses that draw the wrong students, questions that take far longer
    than their points (not the flags that only say a figure rests on few students)."""
    lines = [
        f"{question}: {'; '.join(f for f in flags.split('; ') if not f.startswith('only '))}"
        for question, flags in found.items["flags"].items()
        if any(not f.startswith("only ") for f in flags.split("; ") if f)
    ]
    lines += [
        f"{row.question}, {row.response!r}: {row.flags}"
        for row in found.options.itertuples()
        if row.flags and "distracts no one" not in row.flags
    ]
    lines += [f"{row.question}: {row.flags}" for row in found.timing.itertuples() if row.flags]
    return lines


def analyse(room, assignment: str) -> Insight:
    """The item analysis of ``assignment`` from ``room``'s gradebook and work folder (a Classroom)."""
    from .class_work import read_class

    return from_work(read_class(room, assignment))


# -- quiz responses ----------------------------------------------------------------------------------------------
NO_ANSWER = "(no answer)"


def option_table(scores: pd.DataFrame, quizzes: dict, answers: dict) -> pd.DataFrame:
    """Per quiz question, every response it allows (course.quiz.marking.responses) and no answer: how many graded
    students made it, their share, the point-biserial of making it with the rest score, whether the key makes it,
    and flags. A matching's pairs that no one made and the key does not are left out."""
    from ..quiz.marking import AnswerInvalid, normalise, responses

    total, rows = scores.sum(axis=1, min_count=1), []
    for question, quiz in quizzes.items():
        if question not in scores.columns or "key" not in quiz or scores[question].isna().all():
            continue
        q, key = quiz["bank"], quiz["key"]
        rest = total - scores[question].fillna(0)
        made, unanswered = {}, {}
        for student in scores.index[scores[question].notna()]:
            raw = (answers.get(student, {}).get(quiz["ref"]) or {}).get("answer")
            try:
                answer = None if raw is None else normalise(q, raw)
            except AnswerInvalid:
                answer = None
            unanswered[student] = answer is None
            made[student] = [m for _, m, _ in responses(q, answer, key)]
        made_by = pd.DataFrame.from_dict(made, orient="index").astype(float)
        listed = [(text, right) for text, _, right in responses(q, None, key)] + [(NO_ANSWER, False)]
        made_by[len(listed) - 1] = pd.Series(unanswered).astype(float)
        for j, (text, right) in enumerate(listed):
            chosen = int(made_by[j].sum())
            if q["type"] == "matching" and not chosen and not right:
                continue
            rows.append(
                {
                    "question": question,
                    "response": text,
                    "right": right,
                    "students": chosen,
                    "share": made_by[j].mean(),
                    "point_biserial": correlation(made_by[j], rest),
                    "flags": _response_flags(q["type"], text, right, chosen, correlation(made_by[j], rest)),
                }
            )
    columns = ["question", "response", "right", "students", "share", "point_biserial", "flags"]
    return pd.DataFrame(rows, columns=columns)


def _response_flags(kind: str, text: str, right: bool, chosen: int, r: float) -> str:
    if text == NO_ANSWER:
        return ""
    if not right and kind in ("single", "multiple") and not chosen:
        return "no one chose it: it distracts no one"
    if not right and r > 0:
        return "drew students who did well on the rest of the assignment: check its wording and the key"
    if right and r < 0:
        return "the right response drew students who did worse on the rest: check the key"
    return ""


# -- why code answers failed -------------------------------------------------------------------------------------
#: What differs between students in the same advice: a number, or a quoted text holding one ('2019-01-18').
VALUE = re.compile(r"""'[^'\n]*\d[^'\n]*'|"[^"\n]*\d[^"\n]*"|(?<![\w.])[-+]?\d[\d_]*(?:\.\d+)?(?![\w])""")
ELIDED = "\u2026"


def in_words(error: str, message: str) -> str:
    """What a student read for a failed check: the advice alone, or the error's name and message."""
    if error == "CheckFailed":
        return message
    return f"{error}: {message}" if message else f"{error}, with no message"


def group_reasons(messages: list[str]) -> list[tuple[str, list[int]]]:
    """Messages grouped by their words, the values in them aside: ``[(reason, [indices])]``, a value that differs
    within a group shown as "…" ("returned Timedelta('259 days'); it should return a whole number of days")."""
    groups: dict = {}
    for i, text in enumerate(messages):
        groups.setdefault(tuple(VALUE.split(text)), []).append(i)
    found = []
    for words, members in groups.items():
        values = [VALUE.findall(messages[i]) for i in members]
        shown = [v[0] if len(set(v)) == 1 else ELIDED for v in zip(*values)] if values[0] else []
        found.append(("".join(w + (shown[n] if n < len(shown) else "") for n, w in enumerate(words)), members))
    return found


#: The reason given for every failed check of a question the student left as released.
LEFT_BLANK = "Left blank"


def reason_table(failures: pd.DataFrame, scores: pd.DataFrame, blank: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per code question, its failed checks grouped by their advice: how many students met each (once however
    many of the question's checks said it), their share of the graded students, who, and one message in full.
    A student who left the question as released is counted under :data:`LEFT_BLANK`, not under what the
    unanswered stub made the checks say."""
    rows = []
    order = {q: n for n, q in enumerate(scores.columns)}
    for question, part in failures.groupby("question", sort=False):
        left = blank[question] if blank is not None and question in blank else pd.Series(dtype=bool)
        said = [
            LEFT_BLANK if left.get(s, False) else in_words(e, m)
            for s, e, m in zip(part["student"], part["error"], part["message"])
        ]
        for reason, members in group_reasons(said):
            who = sorted(set(part["student"].iloc[members]))
            rows.append(
                {
                    "question": question,
                    "reason": reason,
                    "students": len(who),
                    "share": len(who) / max(1, int(scores[question].notna().sum())) if question in scores else np.nan,
                    "example": said[members[0]],
                    "who": ", ".join(who),
                }
            )
    found = pd.DataFrame(rows, columns=["question", "reason", "students", "share", "example", "who"])
    found["_order"] = found["question"].map(order)
    return found.sort_values(["_order", "students"], ascending=[True, False], kind="stable").drop(columns="_order")


# -- written answers ---------------------------------------------------------------------------------------------
def written_table(scores: pd.DataFrame, questions: pd.DataFrame) -> pd.DataFrame:
    """Per written answer: its points, how many the teacher has graded and how many await them, the mean and the
    scores given ("2 points: 3 students; 4 points: 1 student")."""
    rows, graded = [], int(scores.notna().any(axis=1).sum())
    for question in questions.index[questions["kind"] == "written"]:
        given = scores[question].dropna() if question in scores else pd.Series(dtype=float)
        counts = given.value_counts().sort_index()
        rows.append(
            {
                "question": question,
                "points": questions.loc[question, "points"],
                "graded": len(given),
                "awaiting": graded - len(given),
                "mean": given.mean() if len(given) else np.nan,
                "scores": "; ".join(f"{v:g} points: {students_in_words(n)}" for v, n in counts.items()),
            }
        )
    return pd.DataFrame(rows, columns=["question", "points", "graded", "awaiting", "mean", "scores"])


def students_in_words(n: int, which: str = "") -> str:
    """ "1 student", "3 graded students"."""
    return f"{n} {which + ' ' if which else ''}{'student' if n == 1 else 'students'}"


# -- time --------------------------------------------------------------------------------------------------------
CELL_RUNS = "minutes from the first to the last run of its cells"
QUIZ_SAVED = "minutes after the student's first quiz answer that this one was saved"


def timing_table(runs: pd.DataFrame, answers: dict, quizzes: dict, questions: pd.DataFrame) -> pd.DataFrame:
    """Per question and measure: the students measured, the median minutes and the quartiles, and a flag where a
    question's cells take far longer a point than the assignment's questions do (:data:`SLOW`)."""
    rows = []
    if len(runs):
        minutes = runs.assign(minutes=(runs["ended"] - runs["started"]).dt.total_seconds() / 60)
        for question, part in minutes.groupby("question", sort=False):
            rows.append({"question": question, "measure": CELL_RUNS, **_spread(part["minutes"])})
    saved = []
    for mine in answers.values():
        when = {r: pd.Timestamp(e["saved_at"]) for r, e in mine.items() if isinstance(e, dict) and e.get("saved_at")}
        if when:
            first = min(when.values())
            saved += [{"ref": ref, "minutes": (t - first).total_seconds() / 60} for ref, t in when.items()]
    saved = pd.DataFrame(saved, columns=["ref", "minutes"])
    for question, quiz in quizzes.items():
        mine = saved.loc[saved["ref"] == quiz["ref"], "minutes"]
        if len(mine):
            rows.append({"question": question, "measure": QUIZ_SAVED, **_spread(mine)})
    found = pd.DataFrame(rows, columns=["question", "measure", "students", "median", "q1", "q3"])
    found["points"] = found["question"].map(questions["points"])
    found["order"] = found["question"].map({q: n for n, q in enumerate(questions.index)})
    found = found.sort_values(["order", "measure"], kind="stable").drop(columns="order")
    found["flags"] = ""
    timed = (found["measure"] == CELL_RUNS) & (found["points"] > 0)
    per_point = found.loc[timed, "median"] / found.loc[timed, "points"]
    if len(per_point) > 1:
        usual = per_point.median()
        slow = per_point[per_point > SLOW * usual]
        found.loc[slow.index, "flags"] = [
            f"takes far longer than its points suggest: {v:.1f} minutes a point, the assignment's median {usual:.1f}"
            for v in slow
        ]
    return found.reset_index(drop=True)


def _spread(minutes: pd.Series) -> dict:
    return {
        "students": len(minutes),
        "median": minutes.median(),
        "q1": minutes.quantile(0.25),
        "q3": minutes.quantile(0.75),
    }
