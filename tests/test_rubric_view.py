"""The formgrader shows a written answer's rubric under a heading; the feedback never shows it."""

import os
import re

import nbgrader
from nbconvert.exporters import HTMLExporter
from traitlets.config import Config

from course.grading.config import course_config
from course.grading.feedback import FeedbackExporter
from course.grading.rubric import HEADING, RubricAsHeading
from tests.conftest import source_notebook

FORMGRADER = os.path.join(os.path.dirname(nbgrader.__file__), "server_extensions", "formgrader")


def formgrader_exporter(tmp_path) -> HTMLExporter:
    """HTMLExporter as nbgrader's formgrader builds it: the course's config and its "formgrade" template."""
    c = course_config(tmp_path, tmp_path / "work", sandbox=False)
    extra = Config()
    extra.HTMLExporter.template_name = "formgrade"
    extra.HTMLExporter.extra_template_basedirs = [os.path.join(FORMGRADER, "templates")]
    c.merge(extra)
    return HTMLExporter(config=c)


def test_the_formgrader_shows_the_rubric_under_a_heading_not_between_markers(tmp_path):
    resources = {
        "assignment_id": "summit_outcome",
        "notebook_id": "summit_outcome",
        "submission_id": "x",
        "index": 0,
        "total": 1,
        "base_url": "",
        "student": "pat",
        "last_name": "",
        "first_name": "",
        "notebook_path": "summit_outcome.ipynb",
    }
    html, _ = formgrader_exporter(tmp_path).from_filename(str(source_notebook("summit_outcome")), resources=resources)
    assert "MARK SCHEME" not in html
    assert re.search(r"<h4[^>]*>For the teacher only: students never see this<", html), "no heading over the rubric"
    assert "award whole points" in html  # the rubric itself is still there, for the teacher


def test_the_feedbacks_exporter_runs_none_of_it(tmp_path):
    c = course_config(tmp_path, tmp_path / "work", sandbox=False)
    exporter = FeedbackExporter(config=c)
    assert not [p for p in exporter._preprocessors if isinstance(p, RubricAsHeading)]
    assert HEADING.startswith("####")
