"""The course's check of the cells' grading metadata (schema compiled once) accepts and refuses exactly what
nbgrader's CheckCellMetadata does, with the same error."""

import copy

import nbformat
import pytest
from nbgrader.nbgraderformat import ValidationError
from nbgrader.preprocessors import CheckCellMetadata

from course.grading.metadata import CheckCellMetadataOnce
from course.paths import PROJECT

SOURCE = PROJECT / "source" / "summit_outcome" / "summit_outcome.ipynb"


def graded_cell(nb):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade"))


CORRUPTIONS = {
    "points as text": lambda meta: meta.update(points="two"),
    "grade as text": lambda meta: meta.update(grade="yes"),
    "no grade id": lambda meta: meta.pop("grade_id"),
    "old schema": lambda meta: meta.update(schema_version=1),
    "newer schema": lambda meta: meta.update(schema_version=9),
    "locked missing": lambda meta: meta.pop("locked"),
}


def outcome(step, nb):
    try:
        step.preprocess(copy.deepcopy(nb), {})
    except Exception as exc:
        return type(exc), str(exc)
    return None


def test_a_sound_notebook_passes_both():
    nb = nbformat.read(SOURCE, as_version=4)
    assert outcome(CheckCellMetadataOnce(), nb) is None and outcome(CheckCellMetadata(), nb) is None


@pytest.mark.parametrize("corruption", sorted(CORRUPTIONS))
def test_corrupted_metadata_is_refused_as_nbgrader_refuses_it(corruption):
    nb = nbformat.read(SOURCE, as_version=4)
    CORRUPTIONS[corruption](graded_cell(nb).metadata["nbgrader"])
    ours, theirs = outcome(CheckCellMetadataOnce(), nb), outcome(CheckCellMetadata(), nb)
    assert theirs is not None, "nbgrader refuses it"
    assert ours == theirs
    if corruption not in ("old schema", "newer schema"):
        assert ours[0] is ValidationError
