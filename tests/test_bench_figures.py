"""The README and the docs quote the benchmark's figures from one file, so they cannot disagree (bench/figures.py)."""

import json

import pytest

from bench.figures import PAGES, PROJECT, RESULTS, blocks, quoted


@pytest.mark.parametrize("page", sorted(PAGES))
def test_every_page_quotes_the_last_benchs_figures(page):
    made = blocks(json.loads(RESULTS.read_text(encoding="utf-8")))
    text = (PROJECT / page).read_text(encoding="utf-8")
    for name in PAGES[page]:
        assert quoted(text, name) == made[name], f"{page}'s figures ({name}) are not the last bench's: make bench"


def test_the_teacher_command_is_compared_with_plain_autograde_and_feedback():
    """What the README leads with: the teacher's command end to end against plain nbgrader's two commands."""
    results = json.loads(RESULTS.read_text(encoding="utf-8"))
    table = blocks(results)["teacher-command"]
    plain = results["plain"]["autograde"] + results["plain"]["feedback"]
    assert f"| {plain:.1f} |" in table and "`course grade`, every defence on" in table
    assert results["agree"] == results["students"], "the course and plain nbgrader gave different totals"
