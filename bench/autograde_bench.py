"""Autograde seconds per submission: the course's grading, in the sandbox and without it, against plain
`nbgrader autograde`.

All three grade the same submissions of the sample class (collected by a demo run in a temporary
folder) with the same nbgrader configuration, in the same run; plain nbgrader runs with
COURSE_SANDBOX=off, as nbgrader does out of the box. Run: `make bench` (or name assignments:
`python bench/autograde_bench.py summit_outcome`).
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from course.grading.config import write_config_file  # noqa: E402
from course.paths import ASSIGNMENTS, PROJECT  # noqa: E402
from course.teacher.classroom import Classroom  # noqa: E402
from course.teacher.demo import run_demo  # noqa: E402

warnings.filterwarnings("ignore", message=".*not in session.*")


def main(assignments=ASSIGNMENTS) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for part in ("source", "release", "sample_class"):
            shutil.copytree(PROJECT / part, root / part)
        print("Preparing the sample class's submissions (one demo run) ...", flush=True)
        run_demo(root, root / "work", assignments)
        sandboxed = Classroom(root, root / "work", sandbox=True)
        unsandboxed = Classroom(root, root / "work", sandbox=False)
        write_config_file(root, root / "work")  # plain `nbgrader autograde` reads it from its cwd
        rows = []
        for assignment in assignments:
            students = sorted(p.name for p in (root / "work" / "submitted").iterdir())
            n = len(students)
            seconds = {}
            for name, room in (("sandbox", sandboxed), ("no sandbox", unsandboxed)):
                start = time.perf_counter()
                room.autograde(assignment, students)
                seconds[name] = time.perf_counter() - start

            start = time.perf_counter()
            plain = subprocess.run(
                [str(Path(sys.executable).parent / "nbgrader"), "autograde", assignment, "--force"],
                cwd=root,
                capture_output=True,
                text=True,
                env=dict(os.environ, COURSE_SANDBOX="off"),
            )
            theirs = time.perf_counter() - start
            rows.append(
                (assignment, n, seconds["sandbox"] / n, seconds["no sandbox"] / n, theirs / n, plain.returncode)
            )

    print(
        f"\n{'assignment':<18}{'submissions':>12}{'sandboxed':>11}{'no sandbox':>12}{'nbgrader':>10}"
        f"{'ratio':>8}{'sandbox cost':>14}"
    )
    for assignment, n, ours, bare, theirs, code in rows:
        print(
            f"{assignment:<18}{n:>12}{ours:>11.2f}{bare:>12.2f}{theirs:>10.2f}{ours / theirs:>8.2f}{ours / bare:>14.2f}"
        )
        if code:
            print(
                f"  (plain nbgrader exited {code}: it stops with an error on the malformed notebook "
                "after grading the others)"
            )
    print(
        "\nSeconds per submission. ratio = course in the sandbox / plain nbgrader; sandbox cost = course in the "
        "sandbox / course without it.\nAll include the looping submission's cell time limit."
    )


if __name__ == "__main__":
    main(sys.argv[1:] or ASSIGNMENTS)
