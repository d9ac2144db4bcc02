"""Malformed submissions (threat 5 of docs/grading-safety.md) get a clear status and reason, and the rest
of the class is graded; all cases are graded in the corpus tests' shared class (tests/corpus.py). The submitted
folders are changed after collection, as a teacher who collects by other means (an LMS download) would receive
them."""

import os

import nbformat
import pytest

from course.grading.report import STATUSES
from tests.corpus import ASSIGNMENT, HONEST, NOTEBOOK

NEVER_SUBMITTED = "never_submitted"


def old_format(folder, root):
    nb = nbformat.read(folder / NOTEBOOK, as_version=4)
    nbformat.write(nbformat.convert(nb, 3), folder / NOTEBOOK, version=3)


def missing(folder, root):
    (folder / NOTEBOOK).unlink()


def misnamed(folder, root):
    (folder / NOTEBOOK).rename(folder / f"{ASSIGNMENT} (1).ipynb")


def links_to_passwd(folder, root):
    os.symlink("/etc/passwd", folder / "passwd.txt")


def links_to_source(folder, root):
    os.symlink(root / "source" / ASSIGNMENT / NOTEBOOK, folder / "notes.txt")


def notebook_is_a_link(folder, root):
    (folder / NOTEBOOK).rename(folder / "elsewhere.json")
    os.symlink(folder / "elsewhere.json", folder / NOTEBOOK)


def tricky_names(folder, root):
    for name in ("-rf", "..\\..\\evil.py", "new\nline.txt", "* [x].ipynb.txt"):
        (folder / name).write_text("x")


#: case -> (change to the submitted folder, status, words of the reason, score: "full" or a number)
CASES = {
    "old_format": (old_format, ["graded"], "", "full"),
    "missing": (missing, ["failed"], f"{NOTEBOOK} is missing", 0),
    "misnamed": (misnamed, ["failed"], f"rename it to {NOTEBOOK}", 0),
    "links_to_passwd": (links_to_passwd, ["flagged"], "'passwd.txt' is a link to '/etc/passwd'", "full"),
    "links_to_source": (links_to_source, ["flagged"], "'notes.txt' is a link to", "full"),
    "notebook_is_a_link": (notebook_is_a_link, ["failed"], "is a link to", 0),
    "tricky_names": (tricky_names, ["graded"], "", "full"),
}


def submit_cases(corpus) -> None:
    """Each case starts as a full-marks submission (tests/corpus.py)."""
    for student in CASES:
        corpus.submit(student)
    corpus.also_graded.append(corpus.claim(NEVER_SUBMITTED))


def after_collect(corpus) -> None:
    for student, (change, *_) in CASES.items():
        change(corpus.submitted(student), corpus.root)


@pytest.fixture(scope="module")
def graded(corpus):
    return {"root": corpus.root, "outcomes": corpus.outcomes, "full": corpus.full}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_malformed_submission_gets_a_clear_status_and_reason(graded, case):
    _, statuses, reason, score = CASES[case]
    outcome = graded["outcomes"][case]
    seen = f"{case}: {outcome.status}, {outcome.score:g}: {outcome.summary()}"
    assert outcome.status in STATUSES and outcome.status in statuses, seen
    assert reason in outcome.summary(), seen
    assert outcome.score == (graded["full"] if score == "full" else score), seen


def test_the_rest_of_the_class_is_graded(graded):
    honest = graded["outcomes"][HONEST]
    assert (honest.status, honest.score) == ("graded", graded["full"])
    assert graded["outcomes"][NEVER_SUBMITTED].status == "failed"


def test_nothing_a_link_points_to_is_copied_for_grading(graded):
    autograded = graded["root"] / "work" / "autograded"
    for student, name in (("links_to_passwd", "passwd.txt"), ("links_to_source", "notes.txt")):
        assert not (autograded / student / ASSIGNMENT / name).exists()
