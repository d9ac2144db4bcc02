"""What a student's first cell costs: `from course import ...` must add little to `import pandas`.

Measured in fresh interpreters in the same run, so the budget holds on a busy machine
(docs/performance.md)."""

import subprocess
import sys

STUDENT_IMPORT = "from course import check, describe, load, question"


def _seconds(code: str) -> float:
    """Cumulative import time of the statement's modules in a fresh interpreter (python -X importtime)."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True, check=True)
    own = [
        line.split(":", 1)[1].split("|")[0].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:")
    ]
    return sum(int(us) for us in own if us.isdigit()) / 1e6  # each module's own time, added up


def test_the_students_import_loads_no_schema_validator():
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import sys; {STUDENT_IMPORT}; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('jsonschema', 'nbgrader')))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == "[]", done.stdout


def test_the_students_import_costs_a_fraction_of_pandas():
    """A kernel has imported IPython before the first cell runs, and the first cell imports pandas."""
    before = "import IPython, pandas"
    kernel = min(_seconds(before) for _ in range(3))
    course = min(_seconds(f"{before}; {STUDENT_IMPORT}") for _ in range(3)) - kernel
    assert course < 0.5 * kernel, f"from course import ...: {course:.2f} s on top of {kernel:.2f} s"
