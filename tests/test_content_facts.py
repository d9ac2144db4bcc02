"""Do the notebooks and quiz texts say what the fact sheet supports? Sentences a content review found wrong stay out.

Each entry names a phrase that must not come back, why it was wrong, and (where one exists) the corrected wording
that must be there instead. The texts are read as plain text: every cell of each source notebook (hidden tests
included) and every string of each quiz bank, with runs of whitespace made single spaces.
"""

import json
import re

import nbformat
import pytest

from course.paths import PROJECT
from tests.conftest import source_notebook


def flat(text):
    return re.sub(r"\s+", " ", text)


def notebook_text(assignment):
    return flat("\n".join(c.source for c in nbformat.read(source_notebook(assignment), as_version=4).cells))


def strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)


def all_texts():
    texts = {p.relative_to(PROJECT).as_posix(): notebook_text(p.parent.name) for p in PROJECT.glob("source/*/*.ipynb")}
    for p in sorted(PROJECT.glob("course/quiz/bank/*.json")):
        if p.name != "schema.json":
            texts[p.relative_to(PROJECT).as_posix()] = flat("\n".join(strings(json.loads(p.read_text("utf-8")))))
    return texts


#: phrase that must not come back: why it was wrong (the fact sheet, §1, §2, §5 and §7)
WRONG = {
    # The official's briefing: it bore out Ri's scope, but the official (and Pompeo) kept "basically all".
    "matched Ri's description more than": "one-sided: the official first said 'basically' all sanctions",
    "supports Ri rather than Trump": "one-sided: the official and Pompeo kept the 'basically all' framing",
    "The official did not repeat 'in their entirety'": "the official first said the North 'basically' asked for all",
    "briefing supporting Ri's version": "it bore out Ri's scope only, not his whole version",
    "less the arms-related ones, is partial relief": "one-sided: leaves out the 'basically all' framing",
    # The day of the briefing is UNVERIFIED (28 February or 1 March).
    "The next day a State Department official": "the day of the briefing is unverified: say 'within a day'",
    "The day after the summit": "the day of the briefing is unverified: say 'within a day'",
    "briefing on 1 March 2019": "the day of the briefing is unverified: say 'within a day'",
    # Summit outcome A.6: one decimal tells 261 days (8.6) from 260 (8.5); it cannot tell 259 from 260.
    "cannot tell 260 days from 259 or 261": "261 days gives 8.6 with one decimal; 259 and 260 both give 8.5",
    # Resolution 2375 froze crude at the previous 12 months' level; only 2397 set a crude cap.
    "which capped crude": "2375 froze crude imports at their level of the previous 12 months; it set no crude cap",
    # Middle powers: the notice comparison must be like for like.
    "confirmed only 11 days ahead": "compared with 'about 10 days of firm notice' it mixes two kinds of notice",
    # The fact sheet says Doi Moi was launched at the congress of 15-18 December 1986, not on which day.
    "Doi Moi was adopted on the congress's last day": "the fact sheet gives the congress, 15-18 December, no day",
    # Hanoi was the city chosen, not one of the other places reported as possible venues.
    "rates three of these places, Hanoi": "Hanoi was not among the other places reported",
    # Middle powers takes about 150 minutes, not 120.
    "About 120 minutes, besides the readings": "middle_powers takes about 150 minutes",
    "about two hours for the notebook": "middle_powers takes about two and a half hours",
    # The feedback never shows the rubric (docs/grading-safety.md, "Feedback"); the overview promised it.
    "your teacher's comments and the rubric": "the student's feedback does not show the rubric",
}

#: where a correction lives: (file, corrected wording that must be there)
CORRECTED = [
    ("source/summit_outcome/summit_outcome.ipynb", "Within a day, a State Department official briefed reporters"),
    ("source/summit_outcome/summit_outcome.ipynb", "the official acknowledged that the request covered only the UN"),
    ("source/summit_outcome/summit_outcome.ipynb", 'kept the "basically all" way of putting it'),
    ("source/summit_outcome/summit_outcome.ipynb", "Pompeo spoke of 'basically' full relief"),
    ("source/summit_outcome/summit_outcome.ipynb", "259 days and 260 days both give 8.5"),
    ("source/sanctions_relief/sanctions_relief.ipynb", "Within a day of the summit, a State Department official"),
    ("source/sanctions_relief/sanctions_relief.ipynb", "froze crude oil imports at their level of the previous twelve"),
    ("source/sanctions_relief/sanctions_relief.ipynb", 'Pompeo still called it "basically" all sanctions'),
    ("course/quiz/bank/summit_outcome.json", "Within a day of the summit, a State Department official"),
    ("source/middle_powers/middle_powers.ipynb", "Compare like with like."),
    ("source/middle_powers/middle_powers.ipynb", "Hanoi had 19 days (Question B.3)"),
    ("source/middle_powers/middle_powers.ipynb", 'the article\'s "two months" for Singapore stays unverified'),
    ("source/middle_powers/middle_powers.ipynb", "That counts from 15 December, the first day of the congress"),
    ("source/middle_powers/middle_powers.ipynb", "rates three places: Hanoi, the city chosen, and two of the places"),
    ("source/middle_powers/middle_powers.ipynb", "About 150 minutes, besides the readings"),
    ("source/middle_powers/middle_powers.ipynb", "about two and a half hours for the notebook"),
    ("source/course_overview/course_overview.ipynb", "a venue-scoring tool and a policy memo | about 150 min |"),
]


@pytest.mark.parametrize("phrase", list(WRONG))
def test_no_phrase_the_content_review_found_wrong_comes_back(phrase):
    found = [name for name, text in all_texts().items() if phrase.lower() in text.lower()]
    assert not found, f"{phrase!r} in {found}: {WRONG[phrase]}"


@pytest.mark.parametrize(("path", "phrase"), CORRECTED)
def test_the_corrected_wording_is_there(path, phrase):
    assert phrase in all_texts()[path], f"{path} should say {phrase!r}"


def test_the_readme_gives_the_same_time_for_middle_powers():
    row = next(ln for ln in (PROJECT / "README.md").read_text("utf-8").splitlines() if "(`middle_powers`)" in ln)
    assert "About 150 minutes" in row, row


def test_one_decimal_cannot_tell_259_days_from_260_but_can_tell_261():
    """The arithmetic behind Question A.6's rounding rule, as its prose states it."""
    month = 365.25 / 12
    assert round(259 / month, 1) == round(260 / month, 1) == 8.5
    assert round(261 / month, 1) == 8.6
    assert len({round(d / month, 2) for d in (259, 260, 261)}) == 3


def hidden_test_code(assignment, grade_id):
    cells = nbformat.read(source_notebook(assignment), as_version=4).cells
    return next(c.source for c in cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


@pytest.mark.parametrize(
    ("days", "divisor", "decimals", "says"),
    [
        (3128, 365.25, None, "one day too many"),  # both ends counted, or from 17 December
        (3128, 365.25, 3, "one day too many"),
        (3130, 365.25, None, "15 December, the first day of the congress"),
        (3130, 365.25, 3, "15 December, the first day of the congress"),
        (3127, 365, None, "That divides by 365;"),
        (3127, 365, 3, "That divides by 365;"),
        (3130, 365.25, 2, "before 18 December, or from dividing by 365"),  # 8.57, the same as 3127 / 365
        (3127, 365, 2, "before 18 December, or from dividing by 365"),
    ],
)
def test_each_near_miss_of_years_to_normalization_names_the_mistake_it_catches(days, divisor, decimals, says):
    """The hidden test of Question B.1 run on each typical wrong answer: the message names that mistake."""
    from course import CheckFailed, check

    value = days / divisor if decimals is None else round(days / divisor, decimals)
    code = hidden_test_code("middle_powers", "test_years_to_normalization")
    with pytest.raises(CheckFailed) as failure:
        exec(code, {"check": check, "years_to_normalization": value})
    message = flat(str(failure.value))
    assert says in message, message
    assert "adopted on" not in message


def test_years_to_normalization_keeps_its_key():
    code = hidden_test_code("middle_powers", "test_years_to_normalization")
    assert "exact=3127 / 365.25" in code
    from course import check

    for value in (3127 / 365.25, round(3127 / 365.25, 2), round(3127 / 365.25, 3)):
        exec(code, {"check": check, "years_to_normalization": value})
