"""The second run on shifted data (course.grading.shift, course.grading.computed; docs/grading-safety.md, "Computed,
not typed"): the shifted data keep their structure, every answer the instructor computes from the data changes in
every variant, and graded in the sandbox, typed-in keys earn nothing while answers computed from the data, however
the notebook reads it, keep every point."""

import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from course.data import DATASETS, _read, _schema, _typed, _validate
from course.grading.computed import NOT_COMPUTED, same
from course.grading.shift import VARIANTS, _shifts, shifted_table, variant_of
from course.paths import ASSIGNMENTS, PROJECT
from tests.conftest import source_notebook
from tests.shifted import records, run_notebook


@pytest.mark.parametrize("variant", VARIANTS)
def test_a_shifted_data_set_keeps_its_structure_and_changes_what_it_says(variant):
    for name in DATASETS:
        real, shifted = _read(name), shifted_table(name, variant)
        assert list(shifted.columns) == list(real.columns) and len(shifted) == len(real), name
        _validate(name, _schema(name), shifted)  # every row still meets the documented schema
        typed_real, typed = _typed(_schema(name), real, True), _typed(_schema(name), shifted, True)
        assert list(typed.dtypes.astype(str)) == list(typed_real.dtypes.astype(str)), name
        kinds = _shifts(name)
        for column in real.columns:
            kind = kinds.get(column, ("kept",))[0]
            if kind == "kept":
                assert shifted[column].equals(real[column]), f"{name}.{column} has no x-shift and must be kept"
            elif kind in ("date", "scale"):
                present = real[column] != ""
                assert (shifted[column] == "").equals(~present), f"{name}.{column}: empty cells stay empty"
                assert (shifted[column][present] != real[column][present]).all(), f"{name}.{column}"
            elif kind == "relabel":
                assert set(shifted[column]) == set(real[column]), f"{name}.{column} keeps its labels"
                counts, before = shifted[column].value_counts().to_dict(), real[column].value_counts().to_dict()
                assert counts != before, f"{name}.{column}: how many rows have each label changes"
    assert shifted_table("timeline", variant).equals(shifted_table("timeline", variant)), "a variant is fixed"


def test_the_same_date_moves_the_same_way_in_every_data_set():
    variant = VARIANTS[0]
    timeline, venues = shifted_table("timeline", variant), shifted_table("venues", variant)
    summit = venues.loc[_read("venues")["name"] == "Hanoi summit", "start_date"].iloc[0]
    moved = {d for d, r in zip(timeline["date"], _read("timeline")["date"]) if r == "2019-02-27"}
    assert moved == {summit} and summit != "2019-02-27"
    # a month and year follow their row's date, so sorting by them sorts as the dates do
    assert all(
        str(pd.Timestamp(d).year) == y and str(pd.Timestamp(d).month) == m
        for d, y, m in zip(venues["start_date"], venues["year"], venues["month"])
        if d
    )


def test_a_submission_always_gets_the_same_variant():
    drawn = {variant_of("summit_outcome", f"student{i}") for i in range(40)}
    assert drawn == set(VARIANTS)
    assert variant_of("summit_outcome", "ada") == variant_of("summit_outcome", "ada")


def documented_data_independent() -> set:
    """The test cells docs/grading-safety.md lists as not judged by the second run: ``| assignment | test cell |``."""
    text = (PROJECT / "docs" / "grading-safety.md").read_text(encoding="utf-8")
    section = text.split("### Answers the second run does not judge", 1)[1].split("\n## ", 1)[0]
    return {(a, c) for a, c in re.findall(r"^\| `(\w+)` \| `(\w+)` \|", section, re.M)}


def test_every_answer_the_instructor_computes_from_the_data_changes_in_every_variant(tmp_path, monkeypatch):
    """Else a typed-in key of that question would keep its points for the students given that variant; the answers
    that do not follow the data are the ones docs/grading-safety.md lists, with why."""
    import matplotlib.pyplot as plt

    monkeypatch.chdir(tmp_path)  # the quiz cells write beside the notebook
    unchanged = set()
    for assignment in ASSIGNMENTS:
        real, tests = run_notebook(source_notebook(assignment), 0)
        cells = [c for c in tests if "quiz" not in c]
        reference = records(real, tests, cells)
        for variant in VARIANTS:
            shifted, _ = run_notebook(source_notebook(assignment), variant)
            plt.close("all")
            for cell, found in records(shifted, tests, cells).items():
                assert len(found) == len(reference[cell]), f"{cell} on variant {variant}: an answer not recorded"
                if any(same(before, after) for before, after in zip(reference[cell], found)):
                    unchanged.add((assignment, cell))
    assert unchanged == documented_data_independent()


def _grade(tmp_path, students: dict):
    from course.teacher.classroom import Classroom
    from course.teacher.sample import solutions, submit_as
    from tests.conftest import copy_course

    root = copy_course(tmp_path / "course")
    room = Classroom(root, root / "work", sandbox=True)
    room.generate("summit_outcome")
    room.release("summit_outcome")
    answers = solutions(root / "source" / "summit_outcome" / "summit_outcome.ipynb")
    for student, recipe in students.items():
        submit_as(room, "summit_outcome", student, recipe, answers)
    outcomes = {o.student: o for o in room.autograde("summit_outcome", room.collect("summit_outcome"))}
    return room, outcomes


def _cell_scores(room, student: str) -> dict:
    with room.gradebook() as gb:
        sub = gb.find_submission_notebook("summit_outcome", "summit_outcome", student)
        return {g.name: g.score for g in sub.grades if g.auto_score is not None}


TYPIST = {
    "answers": {
        "*": "solution",
        "gaps_answer": "meeting_gaps = [260, 123]",
        "launch_to_2397_answer": "days_local_dates, days_new_york_dates = 23, 24",
        "months_answer": "months_singapore_to_hanoi = 260 / (365.25 / 12)",
        "accounts_answer": 'accounts_by_side = pd.Series({"DPRK": 3, "US": 2, "ROK": 1})',
    }
}
#: Computed from the data, reading the package's CSV file itself rather than through ``load``.
READS_THE_FILE = {
    "answers": {
        "*": "solution",
        "accounts_answer": "import course, pathlib\n"
        'accounts_by_side = pd.read_csv(pathlib.Path(course.__file__).parent / "datasets" / "accounts.csv")'
        '["side"].value_counts()',
    }
}


def test_typed_keys_earn_nothing_and_computed_answers_everything_when_graded(tmp_path):
    room, outcomes = _grade(
        tmp_path, {"honest": {"answers": {"*": "solution"}}, "reads_file": READS_THE_FILE, "typist": TYPIST}
    )
    honest, reads_file, typist = (_cell_scores(room, s) for s in ("honest", "reads_file", "typist"))
    typed_cells = {
        "test_meeting_gaps",
        "test_days_launch_to_2397",
        "test_months_singapore_to_hanoi",
        "test_accounts_by_side",
    }
    assert all(honest[c] > 0 for c in typed_cells) and reads_file == honest
    assert {c for c in typed_cells if typist[c] == 0} == typed_cells, typist
    assert {c: s for c, s in typist.items() if c not in typed_cells} == {
        c: s for c, s in honest.items() if c not in typed_cells
    }, "only the typed answers lose points"
    assert "not computed from the data" in outcomes["typist"].summary()
    assert "not computed" not in outcomes["honest"].summary() + outcomes["reads_file"].summary()
    with room.gradebook() as gb:  # what the formgrader shows the teacher beside the submission
        notes = [
            c.auto_comment or "" for nb in gb.find_submission("summit_outcome", "typist").notebooks for c in nb.comments
        ]
    assert any("not computed from the data" in n and "test_accounts_by_side" in n for n in notes), notes

    graded = nbformat.read(room.work / "autograded" / "typist" / "summit_outcome" / "summit_outcome.ipynb", 4)
    said = {
        c.metadata["nbgrader"]["grade_id"]: o["evalue"]
        for c in graded.cells
        for o in c.get("outputs", [])
        if o.get("ename") == NOT_COMPUTED
    }
    assert set(said) == typed_cells
    assert "`accounts_by_side` does not change when the data change" in said["test_accounts_by_side"]
    assert graded.metadata["hanoi_course"]["variant"] == variant_of("summit_outcome", "typist")

    # what the student reads
    room.feedback("summit_outcome", ["typist"])
    html = (room.work / "feedback" / "typist" / "summit_outcome" / "summit_outcome.html").read_text()
    assert "compute it from the data rather than typing the numbers" in html

    # graded again, the same variant and the same verdict
    again = {o.student: o for o in room.autograde("summit_outcome", ["typist"])}
    assert _cell_scores(room, "typist") == typist and "not computed" in again["typist"].summary()


def test_without_the_second_run_typed_keys_would_pass(tmp_path, monkeypatch):
    """What the second run is for: in this process, a typed key passes every check of its cell on the real data."""
    from tests.test_fairness import points

    monkeypatch.chdir(tmp_path)
    real, tests = run_notebook(source_notebook("summit_outcome"), 0)
    namespace = dict(real)
    for code in TYPIST["answers"].values():
        if code != "solution":
            exec(code, namespace)
    cells = ["test_meeting_gaps", "test_days_launch_to_2397", "test_months_singapore_to_hanoi", "test_accounts_by_side"]
    assert points(namespace, tests, cells) == {c: tests[c][1] for c in cells}


def test_the_module_folder_is_the_one_mounted_over(tmp_path):
    from course.grading.sandbox import bwrap_command, package_datasets

    cmd = bwrap_command(
        ["true"],
        tmp_path,
        tmp_path,
        [],
        {"tmp_size": 1, "memory": 1, "cpu_seconds": 1, "processes": 1, "file_size": 1},
        tmp_path / "shifted",
    )
    at = cmd.index(str(package_datasets()))
    assert cmd[at - 2 : at + 1] == ["--ro-bind", str((tmp_path / "shifted").resolve()), str(package_datasets())]
    assert Path(package_datasets(), "accounts.csv").is_file()


def test_the_instructors_answers_are_kept_where_the_grading_account_can_write(tmp_path, monkeypatch):
    """A grading account whose cache folder cannot be written (a read-only home) must not stop the class: the
    instructor's answers are kept in a temporary folder instead, and read back from there."""
    import os
    import stat

    from course.grading import computed

    home_cache = tmp_path / "cache"
    home_cache.mkdir()
    monkeypatch.setenv("XDG_CACHE_HOME", str(home_cache))
    computed.cache_folder().mkdir(parents=True)
    computed.cache_folder().chmod(stat.S_IRUSR | stat.S_IXUSR)
    monkeypatch.setattr(computed.tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(computed, "run_shifted", lambda nb, tests, folder, variant, config: {"cell": [variant]})
    source = source_notebook("summit_outcome")
    try:
        if os.geteuid() == 0:  # root writes anywhere: a read-only folder is simulated by the access check
            monkeypatch.setattr(computed.os, "access", lambda path, mode: Path(path) != computed.cache_folder())
        assert computed.reference(source, {}, 7, None) == {"cell": [7]}
        kept = list((tmp_path / "tmp").rglob("*-7.json"))
        assert len(kept) == 1 and not list(computed.cache_folder().iterdir())
    finally:
        computed.cache_folder().chmod(stat.S_IRWXU)
