"""The keys of graded questions, read from the hidden tests of a source notebook (their only home).

Teacher-side: the sample class, the tests and the out-of-kernel grader use it; students never have
source/ notebooks.
"""

import ast
from pathlib import Path

import nbformat

__all__ = ["graded_keys"]


def graded_keys(notebook: Path) -> dict:
    """``{"quiz/question": {"points", "key", "feedback", "explain", "grade_id"}}`` of every
    ``check("quiz_graded", ...)`` call in the notebook's test cells."""
    found = {}
    for cell in nbformat.read(notebook, as_version=4).cells:
        if cell.cell_type != "code" or "quiz_graded" not in cell.source:
            continue
        for node in ast.walk(ast.parse(cell.source)):
            if not (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) == "check"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and node.args[0].value == "quiz_graded"
            ):
                continue
            ref = ast.literal_eval(node.args[1])
            entry = {kw.arg: ast.literal_eval(kw.value) for kw in node.keywords}
            entry["grade_id"] = cell.metadata.get("nbgrader", {}).get("grade_id")
            if ref in found:
                raise ValueError(f"{notebook.name}: two hidden tests grade {ref}.")
            found[ref] = entry
    return found
