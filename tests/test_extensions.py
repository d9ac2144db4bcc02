"""Extensions as a teacher writes them (course.teacher.extensions): spans, and a CSV of many students; the grant's
effect on grading and `course status` is in tests/test_term.py."""

from datetime import datetime, timedelta, timezone

import pytest

from course.teacher.cli import parse_due
from course.teacher.extensions import ExtensionRefused, grants_from_csv, parse_span, read_record, record

DUE = datetime(2019, 3, 8, 10, 0, tzinfo=timezone.utc)
RELEASED = datetime(2019, 3, 1, 10, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    "text, span",
    [
        ("2d", timedelta(days=2)),
        ("36h", timedelta(hours=36)),
        ("1d12h", timedelta(days=1, hours=12)),
        ("90m", timedelta(minutes=90)),
        ("1w", timedelta(weeks=1)),
        (" 1.5d ", timedelta(days=1.5)),
    ],
)
def test_spans_as_a_teacher_writes_them(text, span):
    assert parse_span(text) == span


@pytest.mark.parametrize("text", ["", "2", "two days", "2y", "d"])
def test_a_span_that_is_not_one_says_how_to_write_it(text):
    with pytest.raises(ValueError, match="2d, 36h, 1d12h, 90m or 1w"):
        parse_span(text)


def test_a_csv_of_many_students_by_until_span_or_factor(tmp_path):
    path = tmp_path / "office.csv"
    path.write_text(
        "Student,until,by,factor,why\nada,2019-03-10 17:00 +00:00,,,flight\nbo,,2d,,\ncy,,,1.5,extra time\n",
        encoding="utf-8",
    )
    grants = {g.student: g for g in grants_from_csv(path, DUE, RELEASED, parse_due)}
    assert grants["ada"].until == datetime(2019, 3, 10, 17, 0, tzinfo=timezone.utc) and grants["ada"].why == "flight"
    assert grants["bo"].until == DUE + timedelta(days=2)
    assert grants["cy"].until == RELEASED + timedelta(days=7 * 1.5)  # a week to the due date, times 1.5


@pytest.mark.parametrize(
    "row, says",
    [
        ("ada,,,\n", "exactly one of"),
        ("ada,2019-03-10,2d,\n", "exactly one of"),
        (",2019-03-10,,\n", "each row needs a student"),
        ("ada,,soon,\n", "line 2: 'soon' is not a span"),
        ("ada,,,lots\n", "line 2: could not convert"),
    ],
)
def test_a_bad_row_is_named_with_what_is_wrong(tmp_path, row, says):
    path = tmp_path / "office.csv"
    path.write_text("student,until,by,factor\n" + row, encoding="utf-8")
    with pytest.raises(ExtensionRefused, match=says):
        grants_from_csv(path, DUE, RELEASED, parse_due)


def test_a_factor_needs_the_release_time_and_a_release_before_the_due_date(tmp_path):
    path = tmp_path / "office.csv"
    path.write_text("student,factor\ncy,1.5\n", encoding="utf-8")
    with pytest.raises(ExtensionRefused, match="records; give 'until' or 'by'"):
        grants_from_csv(path, DUE, None, parse_due)
    with pytest.raises(ExtensionRefused, match="released after its due date"):
        grants_from_csv(path, DUE, DUE + timedelta(days=1), parse_due)


def test_a_new_grant_keeps_the_earlier_one(tmp_path):
    from course.teacher.extensions import Grant

    record(tmp_path, "a1", [Grant("ada", DUE + timedelta(days=1), "flight")])
    record(tmp_path, "a1", [Grant("ada", DUE + timedelta(days=3), "flight, then illness")])
    kept = read_record(tmp_path)["a1"]["ada"]
    assert kept["until"].startswith("2019-03-11") and kept["why"] == "flight, then illness"
    assert [e["until"][:10] for e in kept["earlier"]] == ["2019-03-09"] and kept["by"]


def test_a_student_reads_the_class_due_date_or_their_own(tmp_path):
    """course.due, as Check my work reads it: assignment.json beside the notebook, and the student's own file."""
    import json

    from course.due import due_date, due_in_words

    own = tmp_path / "exchange" / "due" / "a1"
    own.mkdir(parents=True)
    (own / "ada.json").write_text(json.dumps({"until": "2019-03-10T17:00+07:00"}))
    folder = tmp_path / "a1"
    folder.mkdir()
    assert due_date(folder, "ada") == (None, False)  # no due date given: nothing to say
    (folder / "assignment.json").write_text(json.dumps({"due": "2019-03-08T17:00+07:00", "own_due": str(own)}))
    mine, extended = due_date(folder, "ada")
    assert (mine.isoformat(), extended) == ("2019-03-10T17:00:00+07:00", True)
    theirs, extended = due_date(folder, "bo")
    assert (theirs.isoformat(), extended) == ("2019-03-08T17:00:00+07:00", False)
    now = datetime(2019, 3, 6, 9, 0, tzinfo=timezone.utc)
    assert due_in_words(theirs, False, now) == "Due Friday 8 March 2019, 17:00 (UTC+07:00): in 2 days."
    assert due_in_words(mine, True, now).startswith("Your own due date (extended): Sunday 10 March 2019, 17:00")
    late = datetime(2019, 3, 8, 13, 30, tzinfo=timezone.utc)
    assert due_in_words(theirs, False, late) == "Due Friday 8 March 2019, 17:00 (UTC+07:00): 3 hours ago."
    (folder / "assignment.json").write_text("{not json")
    assert due_date(folder, "ada") == (None, False)  # a damaged file says nothing rather than something wrong
