"""Computed, not typed: every answer checked again on shifted data (docs/grading-safety.md, "Computed, not typed").

A value typed into an answer cell passes a check of that value as well as the value computed from the data does.
So after the normal run, :class:`ShiftedRun` runs the student's notebook once more, in the same sandbox, with the
package's data sets replaced by a shifted copy (course.grading.shift: dates moved, amounts scaled, some labels
changed, the structure kept), whichever way the notebook reads them. The instructor's notebook from source/ runs
on the real and on the same shifted data in the same way (:func:`reference`, kept in the work folder), so each
recorded answer has four values: the student's and the instructor's, on the real and on the shifted data.

An answer the checks accepted is *not computed from the data* (:func:`not_computed`) when

* it is the same on the shifted data while the instructor's changed (typed or copied), or
* it equals the instructor's on the real data but not on the shifted data (right only on the data it was made
  for).

Then its test cell fails with words saying so (course.grading.verdict). An answer the instructor's own solution does
not compute from the data (a function checked on the check's own cases, a value read off a plot) is never judged
this way, nor is one whose second run stopped before recording it: the second run can only take points for what it
shows, never because it could not run.
"""

import contextlib
import copy
import fcntl
import hashlib
import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any

import nbformat
import numpy as np
import pandas as pd
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Bool, Integer, List
from traitlets.config import Configurable

from ..export import Unexportable, restore
from .report import META
from .shift import VARIANTS, variant_of, write_datasets
from .tamper import _meta

#: The error name of a test cell failed by the second run (the feedback and the teacher's notes show it).
NOT_COMPUTED = "NotComputedFromData"
#: Why, in the student's words, for each kind of finding; {answer} is the answer's name.
UNCHANGED = "{answer} does not change when the data change: compute it from the data rather than typing the numbers."
WRONG_ON_SHIFTED = (
    "{answer} is right for the course's data but not when the data change: compute it from the data, as the "
    "question asks, rather than from numbers typed in."
)
#: The state key of the autograde run (set by course.grading.verdict.RecordAnswers).
STATE = "hanoi_course_tests"


class SecondRun(Configurable):
    """The second run on shifted data (docs/grading-safety.md, "Computed, not typed")."""

    enabled = Bool(
        True,
        help="Run every submission a second time on shifted data; an answer that does not follow the data "
        "earns nothing. It needs the sandbox: without it the second run is skipped.",
    ).tag(config=True)
    variants = List(
        Integer(),
        default_value=list(VARIANTS),
        help="The shifted versions of the data (course.grading.shift); each submission gets one of them, drawn "
        "from the assignment and the student's id (so a regrade gets the same).",
    ).tag(config=True)


def canonical(value: Any) -> Any:
    """An answer as plain nested data that compares as its meaning does: numbers as floats, dates as ISO text, a
    Series as its (label, value) pairs in order, a table as such a Series per column."""
    if isinstance(value, Unexportable):
        return ("unexportable", id(value))  # equal to nothing else
    if isinstance(value, pd.DataFrame):
        return {"table": {str(c): canonical(value[c]) for c in value.columns}}
    if isinstance(value, pd.Series):
        return {"series": [[str(k), canonical(v)] for k, v in value.items()]}
    if isinstance(value, dict):
        return {str(k): canonical(v) for k, v in value.items()}
    if isinstance(value, (pd.Index, np.ndarray, list, tuple, set, frozenset)) or pd.api.types.is_extension_array_dtype(
        getattr(value, "dtype", None)
    ):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else list(value)
        return [canonical(v) for v in items]
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, float, np.integer, np.floating)):
        return "nan" if math.isnan(float(value)) else float(value)
    if isinstance(value, (pd.Timestamp, np.datetime64)) or hasattr(value, "isoformat"):
        return pd.Timestamp(value).isoformat()
    if isinstance(value, pd.Timedelta):
        return value.total_seconds()
    return str(value)


def _close(a: Any, b: Any, ordered: bool) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)
    if isinstance(a, dict) and isinstance(b, dict):
        if not ordered and set(a) == set(b) == {"series"}:  # a Series by label, in any order
            a, b = sorted(a["series"], key=str), sorted(b["series"], key=str)
            return _close(a, b, ordered)
        return a.keys() == b.keys() and all(_close(a[k], b[k], ordered) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_close(x, y, ordered) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


def _plain(record: dict) -> Any:
    """The recorded answer as :func:`canonical` data: rebuilt, or its export's own data for a plot or a function."""
    spec = record["answer"]
    if spec.get("kind") in ("plot", "function"):
        return json.loads(json.dumps(spec), parse_int=float)
    try:
        return canonical(restore(spec))
    except Exception:  # noqa: BLE001 - what cannot be rebuilt is compared as exported
        return json.loads(json.dumps(spec), parse_int=float)


def same(a: dict, b: dict, ordered: bool = True) -> bool:
    """Whether two recorded answers hold the same value (numbers to a millionth); a Series or a table's rows in the
    same order too unless ``ordered`` is False."""
    return _close(_plain(a), _plain(b), ordered)


def not_computed(real: dict, shifted: dict, ref_real: dict, ref_shifted: dict) -> str:
    """Why the student's answer (recorded on the real and on the shifted data) was not computed from the data,
    given the instructor's on both: :data:`UNCHANGED`, :data:`WRONG_ON_SHIFTED`, or "" (computed, or no way to
    tell)."""
    records = (real, shifted, ref_real, ref_shifted)
    if any(not isinstance(r, dict) or "answer" not in r for r in records):
        return ""
    if len({r.get("check") for r in records}) != 1:
        return ""  # not the records of the same check: the normal verdict decides
    if same(ref_real, ref_shifted):
        return ""  # the instructor's answer does not follow the data (or not this variant's)
    if json.dumps(real["answer"], sort_keys=True) == json.dumps(shifted["answer"], sort_keys=True) or same(
        real, shifted
    ):
        return UNCHANGED
    # right only for the data it was made for: the same as the instructor's on the real data, in the same order,
    # and not on the shifted data, in any order (an order that differs only where values tie is no evidence)
    if same(real, ref_real) and not same(shifted, ref_shifted, ordered=False):
        return WRONG_ON_SHIFTED
    return ""


def _records(nb) -> dict:
    """``{grade_id: [exported answers]}`` of a run notebook's test cells."""
    from .verdict import records

    return {_meta(c)["grade_id"]: records(c) for c in nb.cells if c.cell_type == "code" and _meta(c).get("grade_id")}


def run_shifted(nb, tests: dict, folder: Path, variant: int, config, stop: int | None = None) -> dict:
    """Run the notebook ``nb`` in ``folder``, in the sandbox, on the data of ``variant``, each test cell only
    recording the answers its checks read, up to the cell ``stop`` (not included); ``{grade_id: [exported
    answers]}``."""
    from .sandbox import GuardedExecute

    ran = copy.deepcopy(nb)
    for index, cell in enumerate(ran.cells):
        if cell.cell_type != "code":
            continue
        test = tests.get(_meta(cell).get("grade_id"))
        if stop is not None and index >= stop:
            cell.source = ""  # the normal run stopped here: nothing from here on earns points
        elif test is not None:
            cell.source = test.record_source()
    executor = GuardedExecute(config=config)
    with tempfile.TemporaryDirectory(prefix="course-shifted-") as data:
        if variant:
            executor.datasets = str(write_datasets(Path(data) / "datasets", variant))
        executor.preprocess(ran, {"metadata": {"path": str(folder)}})
    return _records(ran)


def _first_stop(nb) -> int | None:
    """The index of the first cell where the normal run timed out or its kernel died, if any."""
    from .verdict import _stopped

    return next((i for i, c in enumerate(nb.cells) if c.cell_type == "code" and _stopped(c.get("outputs", []))), None)


def _digest(path: Path) -> str:
    """What the instructor's recorded answers depend on: the notebook, the data sets and the code that records."""
    from importlib import resources

    h = hashlib.sha256(Path(path).read_bytes())
    for item in sorted(resources.files("course").joinpath("datasets").iterdir(), key=lambda p: p.name):
        h.update(item.name.encode() + item.read_bytes())
    for module in ("export.py", "grading/shift.py", "grading/verdict.py"):
        h.update(resources.files("course").joinpath(module).read_bytes())
    return h.hexdigest()


def reference(source: Path, tests: dict, variant: int, config) -> dict:
    """The instructor's recorded answers of ``source`` (a source/ notebook) on the data of ``variant`` (0: real),
    ``{grade_id: [exported answers]}``: run once per notebook, data and variant, and kept (:func:`cache_folder`)."""
    cache = cache_folder()
    try:
        cache.mkdir(parents=True, exist_ok=True)
        writable = os.access(cache, os.W_OK)
    except OSError:
        writable = False
    if not writable:  # an account with no home of its own, or a read-only one (a hub's grading service)
        cache = Path(tempfile.gettempdir()) / f"hanoi-course-{os.getuid()}" / "second-run"
        cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"{source.stem}-{_digest(source)[:16]}-{variant}.json"
    with contextlib.suppress(OSError, ValueError):
        return json.loads(path.read_text(encoding="utf-8"))
    with open(cache / f"{source.stem}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another worker computing it: wait, then read what it wrote
        with contextlib.suppress(OSError, ValueError):
            return json.loads(path.read_text(encoding="utf-8"))
        nb = nbformat.read(source, as_version=4)
        with tempfile.TemporaryDirectory(prefix="course-reference-") as folder:
            os.chmod(folder, 0o755)
            found = run_shifted(nb, tests, Path(folder), variant, config)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(found), encoding="utf-8")
        temporary.replace(path)
        return found


def cache_folder() -> Path:
    """Where the instructor's recorded answers are kept: the grading account's cache folder (as XDG says), so a
    new work folder or a regrade does not run the instructor's notebook again. Each file is named by a digest of
    what it depends on, so a changed notebook or data set is run again."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "hanoi-course" / "second-run"


class ShiftedRun(NbGraderPreprocessor):
    """After the normal run: the student's notebook run again on shifted data, and the instructor's answers on the
    real and the same shifted data, for course.grading.verdict.DecideOutside."""

    def preprocess(self, nb, resources):
        from .sandbox import GuardedExecute

        state = resources.get(STATE)
        settings = SecondRun(config=self.config)
        if not state or not settings.enabled or not state.get("pristine"):
            return nb, resources
        if not GuardedExecute(config=self.config).sandbox:
            self.log.warning("Second run on shifted data skipped: it needs the sandbox (docs/grading-safety.md)")
            return nb, resources
        info = resources["nbgrader"]
        variant = variant_of(info["assignment"], info["student"], settings.variants)
        folder = Path(resources["metadata"]["path"])
        state["second"] = {
            "variant": variant,
            "student": run_shifted(
                state.pop("pristine"), state["tests"], folder, variant, self.config, _first_stop(nb)
            ),
            "real": reference(state["source"], state["tests"], 0, self.config),
            "shifted": reference(state["source"], state["tests"], variant, self.config),
        }
        nb.metadata.setdefault(META, {})["variant"] = variant
        return nb, resources


def findings(gid: str, found: list, second: dict) -> list:
    """``[(index of the record, why)]`` of a test cell's answers that were not computed from the data."""
    shifted = second["student"].get(gid, [])
    real_ref, shifted_ref = second["real"].get(gid, []), second["shifted"].get(gid, [])
    out = []
    for i, real in enumerate(found):
        if i < min(len(shifted), len(real_ref), len(shifted_ref)):
            why = not_computed(real, shifted[i], real_ref[i], shifted_ref[i])
            if why:
                out.append((i, why))
    return out
