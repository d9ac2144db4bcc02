"""The module's data sets: one loader, and their documented schema (``datasets/schema.json``).

Every row carries a ``source`` column naming the public page it was checked against
(see ../shared/factsheet.md). Dates are in the local time of the event.

Rows are validated against the schema when the course is built and tested (:func:`validate_dataset`, run by
``course generate`` and the tests), not in a student's kernel: the validator costs a second or more to import,
on every kernel start (docs/performance.md).
"""

import json
import textwrap
from functools import lru_cache
from importlib import resources

import pandas as pd

__all__ = ["DATASETS", "load", "describe", "DataError", "validate_dataset"]


class DataError(ValueError):
    """A data file does not match its documented schema."""


@lru_cache(maxsize=1)
def _schemas() -> dict:
    text = resources.files("course").joinpath("datasets/schema.json").read_text(encoding="utf-8")
    return {k: v for k, v in json.loads(text).items() if not k.startswith("$")}


DATASETS = tuple(_schemas())


class Description(pd.DataFrame):
    """A data set's documented schema, shown with every meaning in full and wrapped (pandas would cut a long
    meaning at 50 characters, exactly where a rule such as "in the local time of the place" is)."""

    @property
    def _constructor(self):
        return pd.DataFrame  # a selection from it is a plain table

    def _repr_html_(self) -> str:
        styled = pd.DataFrame(self).style.hide(axis="index").format(escape="html")
        styled = styled.set_properties(**{"white-space": "normal", "text-align": "left"})
        return styled.set_properties(subset=["meaning"], **{"min-width": "24em"}).to_html()

    def __repr__(self) -> str:
        lines = []
        for row in self.itertuples(index=False):
            unit = f", {row.unit}" if row.unit else ""
            lines.append(f"{row.column} ({row.type}{unit})")
            lines += textwrap.wrap(row.meaning, width=100, initial_indent="    ", subsequent_indent="    ")
        return "\n".join(lines)


def describe(name: str) -> pd.DataFrame:
    """The documented schema of a data set: column, type, unit and meaning (shown in full)."""
    schema = _schema(name)
    return Description(
        [
            {"column": col, "type": spec["x-type"], "unit": spec.get("x-unit", ""), "meaning": spec["description"]}
            for col, spec in schema["properties"].items()
        ]
    )


def load(name: str, parse_dates: bool = True) -> pd.DataFrame:
    """Load a data set by name, e.g. ``load("timeline")``.

    With ``parse_dates=False`` date columns stay as the ISO text of the file, for exercises
    that practise parsing them.
    """
    schema = _schema(name)
    raw = _read(name)
    _require_columns(name, schema, raw)
    return _typed(schema, raw, parse_dates)


def validate_dataset(name: str) -> None:
    """Raise DataError naming the line and column of the first row that breaks the data set's schema."""
    _validate(name, _schema(name), _read(name))


def _read(name: str) -> pd.DataFrame:
    with resources.as_file(resources.files("course").joinpath(f"datasets/{name}.csv")) as csv_path:
        return pd.read_csv(csv_path, dtype=str, keep_default_na=False)


def _schema(name: str) -> dict:
    try:
        return _schemas()[name]
    except KeyError:
        raise DataError(f"No data set called {name!r}. Choose one of: {', '.join(DATASETS)}.") from None


def _require_columns(name: str, schema: dict, raw: pd.DataFrame) -> None:
    missing = [c for c in schema["required"] if c not in raw.columns]
    if missing:
        raise DataError(f"{name}.csv lacks the column(s) {missing}; see datasets/schema.json.")


def _validate(name: str, schema: dict, raw: pd.DataFrame) -> None:
    from jsonschema import Draft202012Validator, FormatChecker  # grading and build side only: see above

    _require_columns(name, schema, raw)
    validator = Draft202012Validator(schema, format_checker=FormatChecker())
    for line, row in enumerate(raw.to_dict("records"), start=2):  # line 1 is the header
        present = {k: v for k, v in row.items() if v != "" or k in schema["required"]}
        errors = sorted(validator.iter_errors(present), key=lambda e: list(e.path))
        if errors:
            where = "/".join(map(str, errors[0].path)) or "row"
            raise DataError(f"{name}.csv line {line}, {where}: {errors[0].message}")


def _typed(schema: dict, raw: pd.DataFrame, parse_dates: bool) -> pd.DataFrame:
    df = raw.copy()
    for col, spec in schema["properties"].items():
        if col not in df.columns:
            continue
        kind = spec["x-type"]
        if kind == "date" and parse_dates:
            df[col] = pd.to_datetime(df[col].replace("", None), format="%Y-%m-%d")
        elif kind == "integer":
            df[col] = df[col].astype("int64")
        elif kind == "number":
            df[col] = pd.to_numeric(df[col])
        elif kind == "category":
            df[col] = df[col].astype("category")
    return df
