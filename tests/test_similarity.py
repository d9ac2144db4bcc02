"""The similarity report (course similarity): a class of submitted notebooks with a planted copied memo (reworded a
little), a planted copied code answer (every name changed) and honest students who wrote the same short correct
one-liner or quoted the same reading; the planted pairs come first and no honest pair is worth a look."""

import csv
import shutil

import pytest

from course.paths import PROJECT
from course.teacher.cli import main
from course.teacher.sample import fill_in, solutions
from tests.conftest import copy_course

ASSIGNMENT = "summit_outcome"
WRITTEN = "written_failure_or_postponement"

MONTHS_A = """meeting_rows = events[events["category"] == "leaders_meeting"].copy()
meeting_rows["date"] = pd.to_datetime(meeting_rows["date"])
first_day = meeting_rows.loc[meeting_rows["country"] == "Singapore", "date"].min()
second_day = meeting_rows.loc[meeting_rows["place"] == "Hanoi", "date"].min()
span_in_days = (second_day - first_day).days
average_month = 365.25 / 12
months_singapore_to_hanoi = round(span_in_days / average_month, 2)
print("months between the summits:", months_singapore_to_hanoi)
"""
# the same code, every name changed and the comments and printed words too
MONTHS_B = """rows = events[events["category"] == "leaders_meeting"].copy()
rows["date"] = pd.to_datetime(rows["date"])
start = rows.loc[rows["country"] == "Singapore", "date"].min()
end = rows.loc[rows["place"] == "Hanoi", "date"].min()
n = (end - start).days
m = 365.25 / 12
months_singapore_to_hanoi = round(n / m, 2)
print("gap in months:", months_singapore_to_hanoi)
"""
# honest students who wrote the same short correct line (not the instructor's)
ONE_LINER = 'accounts_by_side = accounts.groupby("side").size()\n'

MEMO_A = (
    "I read Hanoi as a postponement that cost both sides something. The meeting ended early, but nobody closed the "
    "door: the two delegations left with their positions on record and a channel still open. The notebook shows the "
    "second summit came only months after Singapore, which is fast for two governments that had never met at this "
    "level. The gap that mattered was over the size of the sanctions relief, not over whether to keep talking. "
    "Pyongyang wanted the five resolutions of 2016 and 2017 lifted in exchange for Yongbyon, and Washington wanted "
    "more than Yongbyon before it would lift anything. That is a bargaining gap, and bargaining gaps are closed later "
    "rather than never. The weak point of this reading is that no date was fixed for a third round."
)
# the same memo, reworded a little: a few words swapped, one sentence cut, one added
MEMO_B = (
    "I see Hanoi as a postponement that cost both sides something. The meeting ended early, but nobody closed the "
    "door: the two delegations left with their positions on record and a channel still open. The notebook shows the "
    "second summit came only months after Singapore, which is quick for two governments that had never met at this "
    "level. The gap that mattered was over the size of the sanctions relief, not over whether to keep talking. "
    "Pyongyang wanted the five resolutions of 2016 and 2017 lifted in exchange for Yongbyon, and Washington wanted "
    "more than Yongbyon before it would lift anything. In my view that is a bargaining gap, and bargaining gaps are "
    "closed later rather than never."
)
QUOTE = '"the process mattered more than the missing signature on a joint statement in Hanoi"'
HONEST_MEMOS = {
    "honest_1": (
        f"A failure. Mishra argues that {QUOTE}, yet the process produced nothing a later round could build on. The "
        "lunch was cancelled, no statement was signed, and the working-level talks that followed in Stockholm broke "
        "down within a day. A summit that leaves no text behind has failed by its own measure."
    ),
    "honest_2": (
        f"Postponement, on balance. Some commentators hold that {QUOTE}. I agree, because the accounts in Part C "
        "disagree about how much relief was asked for, which is a dispute about price. Both leaders met again at "
        "Panmunjom four months later, so the channel survived the walk-out."
    ),
    "honest_3": (
        "Neither word fits well. The summit failed to produce an agreement, but both sides described the talks as "
        "productive and neither ruled out another meeting. The timeline shows a further meeting in June 2019, so the "
        "relationship outlasted the breakdown, even if the negotiation did not advance."
    ),
}


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    return planted_class(tmp_path_factory.mktemp("similar"))


def planted_class(folder):
    """A course copy in ``folder`` whose work folder holds the submitted notebooks of a planted class (no grading
    needed: the report reads the submissions as collected)."""
    root = copy_course(folder)
    answers = solutions(root / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    released = root / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    recipes = {
        "code_a": {"answers": {"*": "solution", "months_answer": MONTHS_A}},
        "code_b": {"answers": {"*": "solution", "months_answer": MONTHS_B}},
        "memo_a": {"answers": {"timeline_answer": "solution"}, "written": {WRITTEN: MEMO_A}},
        "memo_b": {"answers": {"timeline_answer": "solution"}, "written": {WRITTEN: MEMO_B}},
        **{
            name: {"answers": {"*": "solution", "accounts_answer": ONE_LINER}, "written": {WRITTEN: memo}}
            for name, memo in HONEST_MEMOS.items()
        },
    }
    for student, recipe in recipes.items():
        folder = root / "work" / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        shutil.copy(released, folder / released.name)
        fill_in(folder / released.name, recipe, answers)
    return root


def test_the_planted_pairs_come_first_and_no_honest_pair_is_worth_a_look(planted, capsys):
    root = planted
    assert main(["--course", str(root), "--work", str(root / "work"), "similarity", ASSIGNMENT]) == 0
    said = capsys.readouterr().out
    assert "7 submissions" in said and "2 pair(s) worth a look" in said and "Not a verdict" in said
    folder = root / "work" / "similarity" / ASSIGNMENT
    rows = list(csv.DictReader(open(folder / "pairs.csv", encoding="utf-8")))
    ranked = [(r["first"], r["second"]) for r in rows]
    assert set(ranked[:2]) == {("code_a", "code_b"), ("memo_a", "memo_b")}, ranked
    worth = {(r["first"], r["second"]) for r in rows if r["worth_a_look"] == "True"}
    assert worth == {("code_a", "code_b"), ("memo_a", "memo_b")}, rows
    code = next(r for r in rows if r["first"] == "code_a")
    memo = next(r for r in rows if r["first"] == "memo_a")
    assert float(code["code_share"]) > 0.8 and code["questions"] == "A.6", code  # every name changed
    assert float(memo["prose_share"]) > 0.6 and memo["questions"] == "D.1", memo  # reworded a little
    # the honest one-liner, the instructor's solution and the shared quotation count for nothing
    for row in rows:
        if (row["first"], row["second"]) not in worth:
            assert row["worth_a_look"] == "False" and "C.1" not in row["questions"], row


def test_the_report_shows_the_shared_passages_side_by_side_and_no_verdict(planted):
    from course.teacher.classroom import Classroom
    from course.teacher.similarity import similarity, write_report

    report = similarity(Classroom(planted, planted / "work"), ASSIGNMENT)
    html = write_report(report, planted / "work" / "report").read_text(encoding="utf-8")
    assert "not a finding of misconduct" in " ".join(html.split()).lower()
    assert html.count('<section aria-label="') == 4  # two pairs, each answer beside the other
    assert "<mark>" in html and "I see Hanoi as a postponement" in html.replace("<mark>", "").replace("</mark>", "")
    assert "honest_1 and honest_2</h2>" not in html
    marked = html.split('aria-label="code_a')[1].split("</pre>")[0]
    assert "<mark>" in marked and "average_month" in marked.replace("<mark>", "").replace("</mark>", "")


def test_prose_is_compared_without_quotations_case_or_line_breaks():
    from course.teacher.similarity import prose_for_comparing

    text = 'As she wrote, "the process mattered more than the signature".\n> A quoted line\nThe End'
    found = prose_for_comparing(text)
    assert len(found) == len(text)  # shared passages point into the original
    assert "process" not in found and "quoted line" not in found and found.endswith("the end")
    assert "\n" not in found
    assert found[20:40] != prose_for_comparing(text)[20:40]  # two blanked quotations share nothing


def test_two_honest_memos_quoting_the_same_reading_share_nothing():
    from course.teacher.similarity import compare, fingerprint

    first, second = (fingerprint(HONEST_MEMOS[n], "prose") for n in ("honest_1", "honest_2"))
    assert compare(first, second, "prose")["shared"] == 0


def test_fewer_than_two_submissions_say_what_to_do(tmp_path, capsys):
    root = copy_course(tmp_path / "course")
    assert main(["--course", str(root), "--work", str(root / "work"), "similarity", ASSIGNMENT]) == 1
    said = capsys.readouterr().out
    assert "at least two are needed" in said and "grade summit_outcome" in said and str(PROJECT) not in said
