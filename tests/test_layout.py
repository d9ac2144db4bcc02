"""The two sides stay apart (CONTRIBUTING.md): what a notebook imports never reaches the grading side or the
teacher's tools, the grading side never reaches the teacher's tools, and no two parts import each other."""

import ast
import subprocess
import sys
from pathlib import Path

import course

PACKAGE = Path(course.__file__).parent
#: The parts of the package: a subpackage or a top-level module each.
KERNEL = {"checks", "quiz", "data", "export", "plots", "venue_tool", "paths", "labels", "my_work", "due", "regrade"}
GRADING, TEACHER = "grading", "teacher"


def part_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def imports() -> dict:
    """{part: parts it imports}, from every import statement (inside functions too) of every module."""
    found: dict = {}
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        module = ".".join(rel.parts[:-1] if rel.name == "__init__" else rel.parts)
        package = module if rel.name == "__init__" else module.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = []
            if isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(anchor + ([base] if base else []))
                targets = [base] + [f"{base}.{a.name}" for a in node.names] if base == "course" else [base]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            for target in targets:
                if target.startswith("course.") and part_of(target) != part_of(module):
                    found.setdefault(part_of(module), set()).add(part_of(target))
    return found


def test_the_kernel_side_imports_neither_grading_nor_the_teachers_tools():
    for part in KERNEL:
        assert not imports().get(part, set()) & {GRADING, TEACHER}, part


def test_the_grading_side_does_not_import_the_teachers_tools():
    assert TEACHER not in imports().get(GRADING, set())


def test_no_two_parts_import_each_other():
    graph = imports()
    for part, targets in graph.items():
        for target in targets:
            assert part not in graph.get(target, set()), f"{part} and {target} import each other"


def test_a_notebooks_import_loads_no_grading_module():
    code = (
        "import sys; from course import check, describe, load, question; import course.venue_tool; "
        "print(sorted(m for m in sys.modules if m.startswith(('course.grading', 'course.teacher'))))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_every_part_of_the_package_has_a_side():
    parts = {
        p.stem
        for p in PACKAGE.iterdir()
        if (p.suffix == ".py" and p.stem != "__init__") or (p.is_dir() and (p / "__init__.py").exists())
    }
    assert parts - KERNEL - {GRADING, TEACHER, "__main__"} == set(), "add the new part to KERNEL or to a side"
