"""The module's data sets, shifted: the data of the grader's second run (docs/grading-safety.md, "Computed, not
typed").

A shifted data set keeps its structure: the same rows in the same order, the same columns and types, the same
labels. What changes is said per column in ``datasets/schema.json`` (``x-shift``):

* ``date``: the calendar is moved and stretched: the earliest date moves by some hundreds of days, and each gap
  between two successive dates of the data sets is made shorter or longer by its own factor, so every count of
  days, the years and which dates fall after a given day change, while the order of all dates is kept. The same
  date moves the same way in every data set (the Hanoi summit is one day everywhere). Keeping the order keeps
  true what a student may rightly rely on: Singapore came before Hanoi, the launch before the resolution that
  answered it; so an answer that is only an order of events (a chronology) cannot be judged.
* ``date-with:COLUMN``: moves as far as the same row's COLUMN did (an end date, or the other time-zone
  convention's date, stays as far from it as before).
* ``year-of:COLUMN`` and ``month-of:COLUMN``: the year and month of that row's shifted COLUMN (or, where it is
  empty, of the row's year and month, shifted as a date).
* ``scale``: each amount is multiplied by its own factor between 0.6 and 0.95 (so sums, ratios and growth
  change, signs and units do not); whole numbers stay whole.
* ``relabel``: some rows take another of the column's own labels, so how many rows have each label changes,
  while every label is still there.
* ``relabel-with:COLUMN``: follows the relabelling of the same row's COLUMN: a row that took another row's label
  there takes that row's value here too (a venue moved to Mongolia is in Ulaanbaatar), so the data stay consistent
  for a student who selects by either column.

Which shift a submission gets is its *variant* (one of :data:`VARIANTS`, or the teacher's
``c.SecondRun.variants``), drawn from the assignment and the student's id: the same for every grading of that
submission, recorded in the autograded notebook. Variant 0 is the real
data. Everything here is deterministic: a variant's data are the same on every machine.
"""

import hashlib
import random
from functools import lru_cache
from importlib import resources
from pathlib import Path

import pandas as pd

from ..data import DATASETS, _read, _schema

__all__ = ["variant_of", "shifted_tables", "write_datasets", "SHIFTS"]

#: The kinds of x-shift a column can have (see the module's text).
SHIFTS = ("date", "date-with", "year-of", "month-of", "scale", "relabel", "relabel-with")
#: How far the earliest date moves, in days: at least the first, at most the second, forward or back.
DATE_MOVE = (60, 500)
#: The factor each gap between two successive dates is stretched by: shorter, or longer, never about the same.
GAP_STRETCH = ((0.5, 0.85), (1.15, 1.6))
#: The range of the factor of an amount.
SCALE = (0.6, 0.95)
#: Draws tried for a variant before one keeps every date distinct that was distinct.
_DRAWS = 1000


#: The module's variants: draws in which every typed-in key of tests/fairness_cases loses its points and no correct
#: alternative does (tests/test_fairness.py proves it on each). Not every draw does: a list of the resolutions adopted
#: after a date changes only when one crosses it. ``python -m tests.shifted FIRST LAST`` finds more.
VARIANTS = (3, 4, 15, 18)


def variant_of(assignment: str, student: str, variants=VARIANTS) -> int:
    """The variant of a submission, one of ``variants``, from the assignment and the student alone."""
    digest = hashlib.sha256(f"{assignment}/{student}".encode()).hexdigest()
    return list(variants)[int(digest[:12], 16) % len(variants)]


def _rng(*parts) -> random.Random:
    return random.Random(hashlib.sha256("/".join(map(str, parts)).encode()).hexdigest())


def _shifts(name: str) -> dict:
    """``{column: (kind, argument)}`` of a data set's shifted columns."""
    found = {}
    for column, spec in _schema(name)["properties"].items():
        if "x-shift" in spec:
            kind, _, argument = spec["x-shift"].partition(":")
            if kind not in SHIFTS:
                raise ValueError(f"datasets/schema.json: {name}.{column} has an unknown x-shift {spec['x-shift']!r}")
            found[column] = (kind, argument)
    return found


def _month_dates(raw: pd.DataFrame, shifts: dict) -> dict:
    """The dates a row's year and month stand for, where the column they follow is empty (15th of the month)."""
    found = {}
    year = next((c for c, (k, _) in shifts.items() if k == "year-of"), None)
    month = next((c for c, (k, _) in shifts.items() if k == "month-of"), None)
    if year and month:
        follows = shifts[year][1]
        for i, row in raw.iterrows():
            if not row[follows] and row[year] and row[month]:
                found[i] = f"{int(row[year]):04d}-{int(row[month]):02d}-15"
    return found


def _date_columns() -> list:
    """The values of every column shifted as a date of its own (and of the dates a year and month stand for), by
    data set: the empty ones left out."""
    columns = []
    for name in DATASETS:
        shifts = _shifts(name)
        raw = _read(name)
        columns += [[d for d in raw[column] if d] for column, (kind, _) in shifts.items() if kind == "date"]
        month_dates = list(_month_dates(raw, shifts).values())
        if month_dates:
            columns.append(month_dates)
    return columns


@lru_cache(maxsize=16)
def _date_moves(variant: int) -> dict:
    """``{ISO date: days it moves}`` for every shifted date: the whole calendar is moved and stretched, each gap
    between two dates by its own factor, so every count of days changes while every date keeps its place among the
    others (what came first still does: see the module's text). Dates in different months stay in different
    months (a year and month column sorts the rows as the dates did)."""
    dates = sorted({d for column in _date_columns() for d in column})
    stamps = [pd.Timestamp(d) for d in dates]
    for draw in range(_DRAWS):
        rng = _rng("dates", variant, draw)
        moved = [stamps[0] + pd.Timedelta(days=rng.choice((-1, 1)) * rng.randint(*DATE_MOVE))]
        for before, after in zip(stamps, stamps[1:]):
            gap = (after - before).days
            factor = rng.uniform(*rng.choice(GAP_STRETCH))
            moved.append(moved[-1] + pd.Timedelta(days=max(1, round(gap * factor))))
        months = {(t.year, t.month) for t in moved}
        if len(months) == len({d[:7] for d in dates}):
            return {d: (new - old).days for d, old, new in zip(dates, stamps, moved)}
    raise RuntimeError(f"no draw of variant {variant} keeps the data sets' months apart")


def _moved(date: str, days: int) -> str:
    return (pd.Timestamp(date) + pd.Timedelta(days=days)).strftime("%Y-%m-%d") if date else date


def _scaled(value: str, rng: random.Random) -> str:
    if not value:
        return value
    factor = rng.uniform(*SCALE)
    if value.lstrip("-").isdigit():  # a whole number stays whole, and changes even where it is small
        whole = int(value)
        scaled = round(whole * factor)
        if scaled == whole:
            scaled = whole - 1 if whole > 1 else whole + 1
        return str(max(1, scaled) if whole >= 1 else scaled)
    return repr(round(float(value) * factor, 6))


def _relabelled(values: pd.Series, rng: random.Random) -> pd.Series:
    """Some rows take another of the column's labels: the count of each label changes, no label disappears (a
    row gives up its label only where another row keeps it)."""
    labels = sorted({v for v in values if v})
    before = values.value_counts().to_dict()
    for _ in range(_DRAWS):
        new = values.copy()
        for _ in range(max(1, len(new) // 4)):
            counts = new.value_counts()
            rows = [i for i, v in new.items() if v and counts[v] > 1]
            if not rows or len(labels) < 2:
                return new  # every label once: no count can change while every label stays
            row = rng.choice(rows)
            new[row] = rng.choice([label for label in labels if label != new[row]])
        if new.value_counts().to_dict() != before:
            return new
    return values


def shifted_table(name: str, variant: int) -> pd.DataFrame:
    """The data set ``name`` as text (as its CSV file holds it), shifted as ``variant`` says; 0: unchanged."""
    raw = _read(name)
    if variant == 0:
        return raw
    shifts = _shifts(name)
    moves = _date_moves(variant)
    out = raw.copy()
    row_moves: dict = {}  # (column, row) -> days, for the columns that move with another
    for column, (kind, _) in shifts.items():
        if kind == "date":
            out[column] = [_moved(d, moves.get(d, 0)) for d in raw[column]]
            row_moves.update({(column, i): moves.get(d, 0) for i, d in raw[column].items()})
    months = {i: pd.Timestamp(_moved(d, moves[d])) for i, d in _month_dates(raw, shifts).items()}
    for column, (kind, follows) in shifts.items():
        if kind == "date-with":
            out[column] = [_moved(d, row_moves.get((follows, i), 0)) for i, d in raw[column].items()]
        elif kind in ("year-of", "month-of"):
            part = "year" if kind == "year-of" else "month"
            out[column] = [
                str(getattr(months[i] if i in months else pd.Timestamp(out.at[i, follows]), part))
                if (i in months or out.at[i, follows])
                else raw.at[i, column]
                for i in raw.index
            ]
        elif kind == "scale":
            rng = _rng("scale", variant, name, column)
            out[column] = [_scaled(v, rng) for v in raw[column]]
        elif kind == "relabel":
            out[column] = _relabelled(raw[column], _rng("relabel", variant, name, column))
    for column, (kind, follows) in shifts.items():
        if kind == "relabel-with":
            first = {label: raw.at[i, column] for i, label in reversed(list(raw[follows].items()))}
            out[column] = [
                first.get(out.at[i, follows], raw.at[i, column]) if out.at[i, follows] != raw.at[i, follows] else v
                for i, v in raw[column].items()
            ]
    return out


def shifted_tables(variant: int) -> dict:
    """``{name: table as text}`` of every data set, shifted as ``variant`` says."""
    return {name: shifted_table(name, variant) for name in DATASETS}


def write_datasets(folder: Path, variant: int) -> Path:
    """Write the package's ``datasets`` folder, shifted as ``variant`` says, to ``folder`` (made if needed): the
    grader mounts it over the package's own in the second run's sandbox."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    package = resources.files("course").joinpath("datasets")
    (folder / "schema.json").write_text(package.joinpath("schema.json").read_text(encoding="utf-8"), encoding="utf-8")
    for name, table in shifted_tables(variant).items():
        table.to_csv(folder / f"{name}.csv", index=False)
    for path in [folder, *folder.iterdir()]:
        path.chmod(0o755 if path.is_dir() else 0o644)  # the sandbox's user reads them
    return folder
