"""What did the class learn: item analysis of an assignment's questions, from the gradebook (docs/insight.md).

``analyse(room, assignment)`` returns pandas tables a teacher can explore in a notebook:

- ``scores``: one row per graded student, one column per question (named as in the notebook: "A.2"), the points
  each earned; ``questions``: each question's points and kind (code, quiz, written);
- ``items``: per question, the number of students, its difficulty (the mean share of its points), the share who
  earned nothing, the corrected item-rest correlation (the question against the total without it; for a question
  marked right or wrong, the point-biserial) and the upper-lower index (the mean share of its points in the top
  27% of the class by total minus the bottom 27%), and the flags a teacher should read, in words;
- ``reliability``: Cronbach's alpha of the assignment (KR-20 when every question is right or wrong) with Feldt's
  95% confidence interval, and the number of students behind it.

Every figure says how many students it rests on; below :data:`FEW` it is flagged as unsteady. Written answers
still awaiting the teacher count as not yet graded and are left out of their question's figures.
"""

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

#: Below this many students a figure is shown but flagged: it may change a lot with one more student.
FEW = 20
#: The share of the class by total in each of the upper and lower groups (Kelley's 27%).
GROUP = 0.27
#: An item-rest correlation below this measures little of what the rest of the assignment measures.
LOW_DISCRIMINATION = 0.2


@dataclass
class Insight:
    """An assignment's item analysis (see the module's docstring)."""

    assignment: str
    scores: pd.DataFrame
    questions: pd.DataFrame
    items: pd.DataFrame
    reliability: dict
    warnings: list = field(default_factory=list)


def item_rest(scores: pd.DataFrame) -> pd.Series:
    """Each question's corrected item-rest correlation: Pearson's r between its score and the total of the other
    questions, over the students who have both (NaN where either does not vary)."""
    found = {}
    for question in scores.columns:
        rest = scores.drop(columns=question).sum(axis=1, min_count=1)
        both = pd.concat([scores[question], rest], axis=1).dropna()
        varies = len(both) > 2 and both.iloc[:, 0].nunique() > 1 and both.iloc[:, 1].nunique() > 1
        found[question] = float(np.corrcoef(both.iloc[:, 0], both.iloc[:, 1])[0, 1]) if varies else np.nan
    return pd.Series(found, name="item_rest")


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
    KR-20 when every question is right or wrong (then the two are the same number)."""
    from scipy.stats import f

    complete = scores.dropna()
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


def item_table(scores: pd.DataFrame, points: pd.Series) -> pd.DataFrame:
    """Per question: students, difficulty, share with nothing, item-rest correlation, upper-lower index, flags."""
    share = scores.div(points, axis=1)
    items = pd.DataFrame(
        {
            "points": points,
            "students": scores.notna().sum(),
            "difficulty": share.mean(),
            "share_nothing": (scores == 0).sum() / scores.notna().sum().replace(0, np.nan),
        }
    )
    items = items.join(item_rest(scores)).join(upper_lower(scores, points))
    items["flags"] = items.apply(flags, axis=1)
    return items


def from_matrix(assignment: str, scores: pd.DataFrame, questions: pd.DataFrame) -> Insight:
    """The analysis of a score matrix (students x questions) and its questions' points and kinds."""
    points = questions["points"].reindex(scores.columns)
    warnings = [] if len(scores) >= FEW else [f"Only {len(scores)} students: every figure may move with one more."]
    return Insight(assignment, scores, questions, item_table(scores, points), reliability(scores, points), warnings)


def analyse(room, assignment: str) -> Insight:
    """The item analysis of ``assignment`` from ``room``'s gradebook (a course.teacher.classroom.Classroom)."""
    scores, questions = gradebook_scores(room, assignment)
    return from_matrix(assignment, scores, questions)


def gradebook_scores(room, assignment: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(scores, questions): each graded student's points per question, summed over the question's graded cells;
    a cell still awaiting the teacher leaves its question NaN for that student."""
    import nbformat

    from ..labels import kind_of_cell, nbgrader_meta, questions_of

    question_of, rows = {}, []
    for path in sorted((room.root / "source" / assignment).glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for cell, question in questions_of(nb.cells):
            meta = nbgrader_meta(cell)
            if question and (meta.get("grade") or meta.get("task")):
                question_of[(path.stem, meta["grade_id"])] = question
                rows.append({"question": question, "kind": kind_of_cell(cell), "points": meta.get("points", 0)})
    kinds = pd.DataFrame(rows)
    questions = kinds.groupby("question", sort=False).agg(points=("points", "sum"), kind=("kind", _main_kind))
    found: dict = {}
    with room.gradebook() as gb:
        for submission in gb.find_assignment(assignment).submissions:
            mine = found.setdefault(submission.student.id, {})
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    question = question_of.get((notebook.name, grade.name))
                    if question is None:
                        continue
                    earned = np.nan if grade.needs_manual_grade else float(grade.score)
                    mine[question] = mine.get(question, 0.0) + earned
    scores = pd.DataFrame.from_dict(found, orient="index", columns=list(questions.index)).sort_index()
    return scores, questions


def _main_kind(kinds: pd.Series) -> str:
    """A question's kind, from its graded cells: "quiz", "written" or "code" (its test cells check code)."""
    from ..labels import QUIZ, WRITTEN

    return "quiz" if QUIZ in set(kinds) else "written" if WRITTEN in set(kinds) else "code"
