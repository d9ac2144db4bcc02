"""What a student's first cell costs: `from course import ...` must add little to `import pandas`.

Measured in processor time of fresh interpreters in the same run, so the budget holds on a busy machine
(docs/performance.md)."""

import resource
import subprocess
import sys

STUDENT_IMPORT = "from course import check, describe, load, question"


def _seconds(code: str) -> float:
    """Processor seconds a fresh interpreter spends running ``code`` (unlike wall time, it barely moves when
    other work shares the machine)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-c", code], check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


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
