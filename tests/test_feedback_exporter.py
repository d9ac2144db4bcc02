"""The feedback's exporter: images keep an alternative text, and its templates are compiled once per process."""

import base64
from pathlib import Path

import nbgrader
from nbformat.v4 import new_code_cell, new_notebook, new_output

from course.grading.config import course_config
from course.grading.feedback import _COMPILED, NO_ALT, FeedbackExporter

BOOTSTRAP = Path(nbgrader.__file__).parent / "server_extensions/formgrader/static/node_modules/bootstrap/dist/css"
#: A 1x1 PNG.
PNG = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
    )
).decode()


def page(tmp_path) -> str:
    cell = new_code_cell("plot()", outputs=[new_output("display_data", data={"image/png": PNG, "text/plain": "x"})])
    nb = new_notebook(cells=[cell])
    resources = {"nbgrader": {"notebook": "n", "score": 0, "max_score": 0, "late_penalty": 0}}
    config = course_config(tmp_path, tmp_path / "work", sandbox=False)
    config.HTMLExporter.extra_template_paths = [str(BOOTSTRAP)]  # as nbgrader's GenerateFeedback sets it
    return FeedbackExporter(config=config).from_notebook_node(nb, resources)[0]


def test_an_image_without_a_description_says_so_to_a_screen_reader(tmp_path):
    html = page(tmp_path)
    assert html.count("<img") == 1 and f'<img alt="{NO_ALT}"' in html


def test_a_second_students_page_compiles_no_template_again(tmp_path):
    page(tmp_path)
    compiled = dict(_COMPILED._compiled)
    assert compiled  # the first page's templates, kept
    page(tmp_path)  # nbgrader builds a new exporter, and a new Jinja environment, for every student
    assert _COMPILED._compiled == compiled
