"""Answers as plain data: how a test cell's answer leaves the student's kernel (docs/grading-safety.md, threat 2).

At grading time the kernel runs test cells that only *record* answers (course.grading.verdict rewrites them): each
answer is displayed as one output of the MIME type :data:`MIME`, the answer exported as tagged plain JSON
(:func:`export`). Export goes by exact type, never by ``==`` or the object's own methods, so an object that
"compares equal to everything", a subclass with a patched ``__eq__`` or anything else it does not know
becomes ``{"kind": "unexportable"}``, which no check accepts. A function is exported as its results (or
errors) on the inputs of the check's cases; a plot as the values the checks read from it.

What is carried, each by exact type: Python's scalars, lists, tuples, sets, dicts (and Counter, OrderedDict,
defaultdict), dates; NumPy's numbers, booleans, text (``np.str_``) and datetimes, scalars and arrays; pandas'
Series, DataFrames, indexes and 1-D arrays with NumPy, nullable (``Int64``, ``Float64``, ``boolean``, ``string``),
categorical and time-zone dtypes, ``pd.NA``, ``NaT``, Timestamps with their time zone, Timedeltas. A value of any
other kind inside an answer (a Fraction, an interval, a period) is restored as a stand-in that no check accepts, so
a check that reads it fails with advice; the grader does not take that as a sign of tampering
(docs/grading-safety.md, "What the export carries").

The grader rebuilds each answer from its record (:func:`restore`) in its own process and runs the checks
on it there (course.grading.verdict); no student code runs outside the kernel.
"""

import collections
import datetime as _dt
import json
import math
import os
from typing import Any

import numpy as np
import pandas as pd

#: The MIME type of an exported answer in a test cell's outputs.
MIME = "application/vnd.hanoi-course.answer+json"

#: Quiz checks: their answer is a file beside the notebook (quiz_answers.json), which the grader reads itself.
QUIZ_CHECKS = {"quiz_graded", "quiz_answered"}

_SCALARS = {int: "int", str: "str", bool: "bool"}


class Unexportable:
    """What an answer the export did not know becomes outside the kernel: no check accepts it.

    :func:`restore` gives an instance of a subclass named after the student's type (``Text``, ``Fraction``),
    so a message built from ``type(answer).__name__`` names what the student has, not this class; ``module``
    is the top-level module the type came from (``matplotlib``), empty when no type was recorded.
    """

    def __init__(self, type_name: str):
        self.type_name = type_name
        path, dotted = type_name.rpartition(".")[0], all(p.isidentifier() for p in type_name.split("."))
        self.module = path.split(".")[0] if dotted and path not in ("", "builtins", "__main__") else ""
        # a type the student's own code defined (a subclass of float, say), not one of a library the export
        # does not carry: only such a value, accepted in the kernel, is a sign of tampering (course.grading.verdict)
        self.own = path.split(".")[0] == "__main__"
        # no type recorded (see export): what to call it instead, or "" to name it by its type
        self.what = "" if dotted else _WHAT.get(type_name.split(" ")[0], "a value the grader could not read")

    def __repr__(self) -> str:
        return f"<{type(self).__name__} object>"  # as Python shows an object, less its address

    __eq__ = object.__eq__
    __hash__ = object.__hash__


#: What the export records instead of a type when it could not look at the answer (see :func:`export`).
_WHAT = {
    "too": "a value nested too deeply to check",
    "cases": "a function the grader could not call on the check's cases",
    "error": "a value the grader could not read",
    # NotExported: an honest answer with labels or values of a kind the grader does not read back
    "values": "a table or Series holding values the grader cannot read back (intervals or periods, say): "
    "turn them into numbers or text",
    "an": "a table or Series whose labels the grader cannot read "
    "back (intervals or periods, say): turn them into numbers or text, e.g. with `.astype(str)`",
}
_STAND_INS: dict = {}


def _unexportable(type_name: str) -> Unexportable:
    """The stand-in of an answer of type ``type_name`` ("matplotlib.text.Text"): an instance of a subclass
    of :class:`Unexportable` named after the type's own name ("Text")."""
    name = type_name.rpartition(".")[2]
    name = name if name.isidentifier() else "object"
    if name not in _STAND_INS:
        _STAND_INS[name] = type(name, (Unexportable,), {"__module__": __name__, "__qualname__": name})
    return _STAND_INS[name](type_name)


#: Mappings of the standard library a student may count with (Counter, defaultdict), kept by exact type.
_MAPPINGS = {
    collections.Counter: "Counter",
    collections.OrderedDict: "OrderedDict",
    collections.defaultdict: "defaultdict",
}
#: pandas' 1-D arrays, kept by exact type; their values go through the dtype rules of :func:`_array`.
_PANDAS_ARRAYS = {
    pd.Categorical,
    pd.arrays.StringArray,
    pd.arrays.NumpyExtensionArray,
    pd.arrays.IntegerArray,
    pd.arrays.FloatingArray,
    pd.arrays.BooleanArray,
    pd.arrays.DatetimeArray,
    pd.arrays.TimedeltaArray,
}
#: pandas' indexes other than RangeIndex and MultiIndex, kept by exact type (a subclass could lie about its values).
_PANDAS_INDEXES = {
    pd.Index,
    pd.DatetimeIndex,
    pd.TimedeltaIndex,
    pd.CategoricalIndex,
    pd.IntervalIndex,
    pd.PeriodIndex,
}
#: NumPy's numbers and booleans, by exact type (``np.longdouble`` is left out: JSON cannot hold all of it).
_NUMPY_NUMBERS = {np.dtype(code).type for code in "?bhilqpBHILQPefd"}


def _type_name(x: Any) -> str:
    t = type(x)
    return f"{getattr(t, '__module__', '?')}.{getattr(t, '__qualname__', '?')}"


def _float(x: float) -> Any:
    return x if math.isfinite(x) else repr(x)  # "nan", "inf", "-inf": JSON has no such numbers


def _unfloat(x: Any) -> float:
    return float(x) if x is not None else float("nan")


def _is_matplotlib(x: Any) -> bool:
    return type(x).__module__.split(".")[0] == "matplotlib"


def _plot_items(x: Any) -> bool:
    if _is_matplotlib(x):
        return True
    if type(x) in (list, tuple) or type(x) is np.ndarray and x.dtype == object:
        items = list(np.ravel(np.asarray(x, dtype=object))) if type(x) is np.ndarray else list(x)
        return bool(items) and all(_is_matplotlib(i) for i in items)
    return False


# -- export (in the kernel) -----------------------------------------------------------------------
def _array(values: Any, dtype: Any) -> dict:
    """The values of a Series, Index or 1-D array, by its dtype."""
    dtype_name = str(dtype)
    if isinstance(dtype, pd.CategoricalDtype):
        cats = _array(dtype.categories, dtype.categories.dtype)
        codes = [int(c) for c in pd.Categorical(values, dtype=dtype).codes]
        return {"dtype": "category", "categories": cats, "ordered": bool(dtype.ordered), "codes": codes}
    if isinstance(dtype, np.dtype) and dtype.kind in "mM":  # NumPy's datetimes and spans, any unit: their integers
        return {"dtype": dtype_name, "ticks": np.asarray(values).astype("int64").tolist()}
    if isinstance(dtype, pd.DatetimeTZDtype):  # each stamp with its UTC offset; the zone is in the dtype
        stamps = pd.DatetimeIndex(values)
        return {"dtype": dtype_name, "values": [None if pd.isna(v) else v.isoformat() for v in stamps]}
    if isinstance(dtype, np.dtype) and dtype.kind in "iub":
        return {"dtype": dtype_name, "values": np.asarray(values).tolist()}
    if isinstance(dtype, np.dtype) and dtype.kind == "f":
        return {
            "dtype": dtype_name,
            "values": [None if math.isnan(v) else _float(v) for v in np.asarray(values, dtype=float).tolist()],
        }
    if isinstance(dtype, np.dtype) and dtype.kind == "U":  # text, as np.array(list_of_names) makes
        return {"dtype": dtype_name, "values": [str(v) for v in np.asarray(values).tolist()]}
    if isinstance(dtype, np.dtype) and dtype.kind == "O":
        return {"dtype": "object", "values": [export(v) for v in np.asarray(values, dtype=object).tolist()]}
    if type(dtype) in _EXTENSION_DTYPES:  # nullable: each value by its own type (np.int64, pd.NA, ...)
        return {"dtype": dtype_name, "extension": True, "values": [export(v) for v in list(values)]}
    scalar = getattr(dtype, "type", None)  # pd.Interval for intervals, pd.Period for periods: named in the advice
    kind = f"{getattr(scalar, '__module__', '?')}.{getattr(scalar, '__qualname__', '?')}"
    return {"dtype": dtype_name, "unexportable": True, "length": len(values), "type": kind}


#: pandas' nullable dtypes, by exact type.
_EXTENSION_DTYPES = {
    *(getattr(pd, f"{k}{n}Dtype") for k in ("Int", "UInt") for n in (8, 16, 32, 64)),
    pd.Float32Dtype,
    pd.Float64Dtype,
    pd.BooleanDtype,
    pd.StringDtype,
}


def _values(s: pd.Series) -> Any:
    """A Series' values for :func:`_array`: pandas' own array for its own dtypes (nullable, categorical, time
    zones), which keeps ``pd.NA``; a NumPy array for NumPy's."""
    return s.array if isinstance(s.dtype, pd.api.extensions.ExtensionDtype) else s.to_numpy()


def _index(index: pd.Index) -> dict:
    if type(index) is pd.RangeIndex:
        return {
            "kind": "range",
            "start": index.start,
            "stop": index.stop,
            "step": index.step,
            "name": export(index.name),
        }
    if type(index) is pd.MultiIndex:
        return {
            "kind": "multiindex",
            "levels": [_index(index.get_level_values(i)) for i in range(index.nlevels)],
            "names": [export(n) for n in index.names],
        }
    if type(index) not in _PANDAS_INDEXES:
        return {"kind": "unexportable", "type": _type_name(index), "length": len(index)}
    return {"kind": "index", "name": export(index.name), **_array(index, index.dtype)}


def export(x: Any, _depth: int = 0) -> dict:
    """``x`` as tagged plain JSON, by its exact type; anything else is ``{"kind": "unexportable"}``."""
    if _depth > 50:
        return {"kind": "unexportable", "type": "too deep"}
    t = type(x)
    if x is None:
        return {"kind": "none"}
    if x is ...:
        return {"kind": "ellipsis"}
    if t in _SCALARS:
        return {"kind": _SCALARS[t], "value": x}
    if t is float:
        return {"kind": "float", "value": _float(x)}
    if t in (list, tuple, set, frozenset):
        items = sorted(x, key=repr) if t in (set, frozenset) else x
        return {"kind": t.__name__, "items": [export(i, _depth + 1) for i in items]}
    if t is dict or t in _MAPPINGS:
        return {
            "kind": "dict",
            "type": _MAPPINGS.get(t, "dict"),
            "items": [[export(k, _depth + 1), export(v, _depth + 1)] for k, v in x.items()],
        }
    if t in _PANDAS_ARRAYS:  # Series.array, .unique() and .values of text: pandas' own 1-D arrays
        if t is pd.arrays.NumpyExtensionArray:
            return {"kind": "pandas_array", "numpy": True, **_array(x.to_numpy(), x.to_numpy().dtype)}
        return {"kind": "pandas_array", **_array(x, x.dtype)}
    if t in _NUMPY_NUMBERS:
        value = x.item()
        return {"kind": "numpy", "dtype": str(x.dtype), "value": _float(value) if x.dtype.kind == "f" else value}
    if t is np.str_:  # the labels of np.unique, the items of np.array(names)
        return {"kind": "numpy_str", "value": str(x)}
    if t in (np.datetime64, np.timedelta64):  # by unit and integer, as NumPy holds them ("NaT" included)
        return {"kind": "numpy_time", "dtype": str(x.dtype), "ticks": int(x.astype("int64"))}
    if t is pd.Timestamp:  # the zone by name, so that both sides of a change to summer time keep it
        zone = None if x.tz is None else str(x.tz)
        return {"kind": "timestamp", "value": x.isoformat(), "tz": zone, "unit": x.unit}
    if t is pd.Timedelta:
        return {"kind": "timedelta", "value": int(x.value), "unit": x.unit}
    if x is pd.NaT:
        return {"kind": "nat"}
    if x is pd.NA:
        return {"kind": "na"}
    if t in (_dt.date, _dt.datetime):
        return {"kind": t.__name__, "value": x.isoformat()}
    if t is pd.Series:
        return {
            "kind": "series",
            "name": export(x.name, _depth + 1),
            "index": _index(x.index),
            **_array(_values(x), x.dtype),
        }
    if t is pd.DataFrame:
        columns = [
            {"label": export(label, _depth + 1), **_array(_values(x.iloc[:, i]), x.dtypes.iloc[i])}
            for i, label in enumerate(x.columns)
        ]
        return {"kind": "dataframe", "index": _index(x.index), "columns": columns, "column_index": _index(x.columns)}
    if t in _PANDAS_INDEXES or t in (pd.RangeIndex, pd.MultiIndex):
        return {"kind": "pandas_index", "index": _index(x)}
    if t is np.ndarray and x.dtype != object or t is np.ndarray and not _plot_items(x):
        return {"kind": "ndarray", "shape": list(x.shape), **_array(x.ravel(), x.dtype)}
    if _plot_items(x):
        from .plots import NotAPlot, plot_values

        try:
            return {"kind": "plot", "series": [[_float(v) for v in ys] for ys in plot_values(x)]}
        except (NotAPlot, TypeError, ValueError):
            pass
    return {"kind": "unexportable", "type": _type_name(x)}


def _call(fn: Any, args: tuple) -> dict:
    try:
        return {"args": export(args), "result": export(fn(*args))}
    except BaseException as exc:  # recorded, as the check would see it
        if not isinstance(exc, Exception) and not isinstance(exc, NotImplementedError):
            raise
        return {"args": export(args), "error": type(exc).__name__, "message": str(exc)[:2000]}


def case_inputs(expected: dict) -> list | None:
    """The inputs of a function check's ``cases`` (each case is its arguments, then the expected result),
    or None for a check of a value."""
    if "cases" not in expected:
        return None
    return [tuple(case)[:-1] for case in expected["cases"]]


def export_answer(answer: Any, inputs: list | None = None) -> dict:
    """The answer of a check call: a function called on ``inputs`` (a list of argument tuples), or a value."""
    if callable(answer) and inputs is not None:  # any callable: only what it returns is exported
        calls = []
        try:
            for args in inputs:  # a dict argument is copied: the function may change it
                calls.append(_call(answer, tuple(dict(a) if type(a) is dict else a for a in args)))
        except Exception as exc:  # inputs the export cannot read: the verdict then fails
            return {"kind": "unexportable", "type": f"cases ({type(exc).__name__})"}
        return {"kind": "function", "calls": calls}
    return export(answer)


def _display(check_name: str, answer: Any, inputs: list | None) -> None:
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:
        return
    if get_ipython() is None:
        return
    try:
        exported = {"check": check_name, "answer": export_answer(answer, inputs)}
    except Exception as exc:  # never stop the student's test over the export
        exported = {"check": check_name, "answer": {"kind": "unexportable", "type": f"error {type(exc).__name__}"}}
    display({MIME: exported, "text/plain": ""}, raw=True)


def grading() -> bool:
    """True in a kernel that nbgrader's autograde runs (it sets NBGRADER_EXECUTION)."""
    return os.environ.get("NBGRADER_EXECUTION") == "autograde"


def emit(check_name: str, answer: Any, expected: dict) -> None:
    """Under autograde, display the exported answer of a ``check`` call as an output of the running cell."""
    if grading() and check_name not in QUIZ_CHECKS:  # a quiz's answer is a file, read by the grader
        _display(check_name, answer, case_inputs(expected))


def record(check_name: str, answer: Any, inputs: str | None = None) -> None:
    """Display the exported answer of a hidden check: the test cells the grader runs in the kernel call
    this in place of the hidden ``check`` calls (course.grading.verdict), with the cases' inputs, as exported JSON
    text, for a function: the expected values never enter the kernel."""
    _display(check_name, answer, None if inputs is None else list(restore(json.loads(inputs))))


# -- restore (in the grader's process) ------------------------------------------------------------
class NotExported(ValueError):
    """Part of an honest answer is of a kind the export does not carry (an interval or period index, say):
    the answer is then an :class:`Unexportable` that no check accepts, not a sign of tampering."""


def _stand_ins(type_name: str, length: int) -> np.ndarray:
    """Values the export did not carry, as stand-ins named after their type: a check that reads them fails."""
    out = np.empty(length, dtype=object)
    out[:] = [_unexportable(type_name) for _ in range(length)]
    return out


def _unarray(spec: dict) -> Any:
    """Values for a Series / Index / array constructor, with their dtype."""
    dtype = spec["dtype"]
    if spec.get("unexportable"):
        if "length" not in spec:
            raise NotExported(f"values of dtype {dtype}")
        return _stand_ins(str(spec.get("type", "?")), int(spec["length"]))
    if dtype == "category":
        cats = _unarray(spec["categories"])
        return pd.Categorical.from_codes(spec["codes"], categories=cats, ordered=spec["ordered"])
    if "ticks" in spec:  # NumPy datetimes or spans: their integers, viewed in their unit
        return np.array(spec["ticks"], dtype="int64").view(np.dtype(dtype))
    values = spec["values"]
    if spec.get("extension"):
        return pd.array([restore(v) for v in values], dtype=pd.api.types.pandas_dtype(dtype))
    if dtype.startswith("datetime64"):  # with a time zone: read in UTC (offsets differ across summer time)
        zoned = pd.api.types.pandas_dtype(dtype)
        stamps = pd.DatetimeIndex(pd.to_datetime([v for v in values], utc=True, format="ISO8601"))
        return stamps.tz_convert(zoned.tz).as_unit(zoned.unit).array
    if dtype == "object":
        out = np.empty(len(values), dtype=object)
        out[:] = [restore(v) for v in values]
        return out
    kind = np.dtype(dtype).kind
    if kind == "U":
        return np.array(values, dtype=dtype)
    if kind == "f":
        return np.array([_unfloat(v) for v in values], dtype=dtype)
    if kind in "iub":
        return np.array(values, dtype=dtype)
    raise ValueError(f"unknown dtype {dtype}")


def _unindex(spec: dict) -> pd.Index:
    kind = spec["kind"]
    if kind == "range":
        return pd.RangeIndex(spec["start"], spec["stop"], spec["step"], name=restore(spec["name"]))
    if kind == "multiindex":
        return pd.MultiIndex.from_arrays(
            [_unindex(level) for level in spec["levels"]], names=[restore(n) for n in spec["names"]]
        )
    if kind == "index":
        return pd.Index(_unarray(spec), name=restore(spec["name"]), tupleize_cols=False)
    if kind == "unexportable":
        if "length" not in spec:
            raise NotExported(f"an index of type {spec.get('type')}")
        return pd.Index(_stand_ins(str(spec.get("type", "?")), int(spec["length"])), dtype=object)
    raise ValueError(f"an index of kind {kind!r} is not one export writes")


def _figure(series: list) -> Any:
    from matplotlib.figure import Figure

    ax = Figure().add_subplot()
    for ys in series:
        ax.plot(range(len(ys)), [_unfloat(y) for y in ys])
    return ax


class Replay:
    """A student's function, as recorded in the kernel: the result (or error) of each of the check's cases."""

    def __init__(self, calls: list):
        self.calls = calls

    def __call__(self, *args):
        key = json.dumps(export(tuple(args)), sort_keys=True)
        for call in self.calls:
            if json.dumps(call["args"], sort_keys=True) == key:
                if "error" in call:
                    if call["error"] == "NotImplementedError":
                        raise NotImplementedError(call["message"])
                    raise type(call["error"], (Exception,), {})(call["message"])
                return restore(call["result"])
        raise LookupError("this call was not recorded in the kernel")


def not_carried(spec: Any) -> list:
    """The type names of every value an exported answer holds that the export could not carry (what
    :func:`restore` gives stand-ins for), in the order of the record; ``[]`` when everything was carried."""
    found, stack = [], [spec]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if node.get("kind") == "unexportable" or node.get("unexportable") is True:
                found.append(str(node.get("type") or f"values of dtype {node.get('dtype')}"))
            stack.extend(reversed(list(node.values())))
        elif isinstance(node, list):
            stack.extend(reversed(node))
    return found


def restore(spec: dict) -> Any:
    """The object :func:`export` described (an :class:`Unexportable` for what it could not export)."""
    kind = spec["kind"]
    simple = {"none": None, "ellipsis": ..., "nat": pd.NaT, "na": pd.NA}
    if kind in simple:
        return simple[kind]
    if kind in ("int", "str", "bool"):
        return {"int": int, "str": str, "bool": bool}[kind](spec["value"])
    if kind == "float":
        return _unfloat(spec["value"])
    if kind in ("list", "tuple", "set", "frozenset"):
        return {"list": list, "tuple": tuple, "set": set, "frozenset": frozenset}[kind](
            restore(i) for i in spec["items"]
        )
    if kind == "dict":
        items = [(restore(k), restore(v)) for k, v in spec["items"]]
        mapping = {
            "Counter": collections.Counter,
            "OrderedDict": collections.OrderedDict,
            "defaultdict": lambda pairs: collections.defaultdict(None, pairs),
        }.get(spec.get("type"), dict)
        return mapping(dict(items))
    if kind == "pandas_array":
        values = _unarray(spec)
        if spec.get("numpy"):
            return pd.arrays.NumpyExtensionArray(np.asarray(values))
        if spec["dtype"] == "category":
            return values
        return pd.array(values, dtype=pd.api.types.pandas_dtype(spec["dtype"]))
    if kind == "numpy":
        return np.dtype(spec["dtype"]).type(
            _unfloat(spec["value"]) if np.dtype(spec["dtype"]).kind == "f" else spec["value"]
        )
    if kind == "numpy_str":
        return np.str_(spec["value"])
    if kind == "numpy_time":
        return np.array(spec["ticks"], dtype="int64").view(np.dtype(spec["dtype"]))[()]
    if kind == "timestamp":
        stamp = pd.Timestamp(spec["value"])
        if spec.get("tz"):
            stamp = stamp.tz_convert(pd.api.types.pandas_dtype(f"datetime64[ns, {spec['tz']}]").tz)
        return stamp.as_unit(spec["unit"]) if spec.get("unit") else stamp
    if kind == "timedelta":
        span = pd.Timedelta(spec["value"])
        return span.as_unit(spec["unit"]) if spec.get("unit") else span
    if kind in ("date", "datetime"):
        return getattr(_dt, kind).fromisoformat(spec["value"])
    if kind == "series":
        return pd.Series(_unarray(spec), index=_unindex(spec["index"]), name=restore(spec["name"]))
    if kind == "dataframe":
        index = _unindex(spec["index"])
        columns = [pd.Series(_unarray(c), index=index) for c in spec["columns"]]
        df = pd.concat(columns, axis=1) if columns else pd.DataFrame(index=index)
        df.columns = _unindex(spec["column_index"])
        return df
    if kind == "pandas_index":
        return _unindex(spec["index"])
    if kind == "ndarray":
        return np.asarray(_unarray(spec)).reshape(spec["shape"])
    if kind == "plot":
        return _figure(spec["series"])
    if kind == "function":
        return Replay(spec["calls"])
    return _unexportable(str(spec.get("type", "?")))
