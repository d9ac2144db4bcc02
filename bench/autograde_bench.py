"""Autograde seconds per submission: the course's grading against plain `nbgrader autograde`.

Both grade the same submissions of the sample class (collected by a demo run in a temporary
folder) with the same nbgrader configuration, in the same run. Run: `make bench`.
"""
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from course.classroom import Classroom  # noqa: E402
from course.config import write_config_file  # noqa: E402
from course.demo import run_demo  # noqa: E402
from course.paths import ASSIGNMENTS, PROJECT  # noqa: E402

warnings.filterwarnings("ignore", message=".*not in session.*")

def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for part in ("source", "release", "sample_class"):
            shutil.copytree(PROJECT / part, root / part)
        print("Preparing the sample class's submissions (one demo run) ...", flush=True)
        run_demo(root, root / "work")
        room = Classroom(root, root / "work")
        write_config_file(root, root / "work")  # plain `nbgrader autograde` reads it from its cwd
        rows = []
        for assignment in ASSIGNMENTS:
            students = sorted(p.name for p in (root / "work" / "submitted").iterdir())
            n = len(students)

            start = time.perf_counter()
            room.autograde(assignment, students)
            ours = time.perf_counter() - start

            start = time.perf_counter()
            plain = subprocess.run([str(Path(sys.executable).parent / "nbgrader"), "autograde", assignment,
                                    "--force"], cwd=root, capture_output=True, text=True)
            theirs = time.perf_counter() - start
            rows.append((assignment, n, ours / n, theirs / n, ours / theirs, plain.returncode))

    print(f"\n{'assignment':<16}{'submissions':>12}{'course s/sub':>14}{'nbgrader s/sub':>16}{'ratio':>8}")
    for assignment, n, ours, theirs, ratio, code in rows:
        print(f"{assignment:<16}{n:>12}{ours:>14.2f}{theirs:>16.2f}{ratio:>8.2f}")
        if code:
            print(f"  (plain nbgrader exited {code}: it stops with an error on the malformed notebook "
                  "after grading the others)")
    print("\nratio = course / plain nbgrader; both include the looping submission's cell time limit.")


if __name__ == "__main__":
    main()
