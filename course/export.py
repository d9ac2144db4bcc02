"""Answers as plain data: how a test cell's answer leaves the student's kernel (docs/grading-safety.md, threat 2).

At grading time the kernel runs test cells that only *record* answers (course.grading.verdict rewrites them): each
answer is displayed as one output of the MIME type :data:`MIME`, the answer exported as tagged plain JSON
(:func:`export`). Export goes by exact type, never by ``==`` or the object's own methods, so an object that
"compares equal to everything", a subclass with a patched ``__eq__`` or anything else it does not know
becomes ``{"kind": "unexportable"}``, which no check accepts. A function is exported as its results (or
errors) on the inputs of the check's cases; a plot as the values the checks read from it.

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
    pd.arrays.StringArray,
    pd.arrays.NumpyExtensionArray,
    pd.arrays.IntegerArray,
    pd.arrays.FloatingArray,
    pd.arrays.BooleanArray,
    pd.arrays.DatetimeArray,
    pd.arrays.TimedeltaArray,
}


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
    if pd.api.types.is_datetime64_any_dtype(dtype):
        stamps = pd.DatetimeIndex(values)
        return {"dtype": dtype_name, "values": [None if pd.isna(v) else v.isoformat() for v in stamps]}
    if pd.api.types.is_timedelta64_dtype(dtype):
        spans = pd.TimedeltaIndex(values)
        return {"dtype": dtype_name, "values": [None if pd.isna(v) else int(v.value) for v in spans]}
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
    if isinstance(dtype, (pd.StringDtype, pd.BooleanDtype)) or type(dtype).__name__ in _EXTENSION_NUMBERS:
        return {"dtype": dtype_name, "extension": True, "values": [export(v) for v in list(values)]}
    return {"dtype": dtype_name, "unexportable": True}


_EXTENSION_NUMBERS = {f"{k}{n}Dtype" for k in ("Int", "UInt") for n in (8, 16, 32, 64)} | {
    "Float32Dtype",
    "Float64Dtype",
}


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
    if not isinstance(index, pd.Index) or type(index).__module__.split(".")[0] != "pandas":
        return {"kind": "unexportable", "type": _type_name(index)}
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
    if isinstance(x, np.generic) and t.__module__ == "numpy":
        if isinstance(x, np.datetime64):
            return export(pd.Timestamp(x), _depth)
        if isinstance(x, np.timedelta64):
            return export(pd.Timedelta(x), _depth)
        if x.dtype.kind in "iubf":
            value = x.item()
            return {"kind": "numpy", "dtype": str(x.dtype), "value": _float(value) if x.dtype.kind == "f" else value}
    if t is pd.Timestamp:
        return {"kind": "timestamp", "value": x.isoformat()}
    if t is pd.Timedelta:
        return {"kind": "timedelta", "value": int(x.value)}
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
            **_array(x.array if isinstance(x.dtype, pd.CategoricalDtype) else x.to_numpy(), x.dtype),
        }
    if t is pd.DataFrame:
        columns = [
            {
                "label": export(label, _depth + 1),
                **_array(
                    x.iloc[:, i].array
                    if isinstance(x.dtypes.iloc[i], pd.CategoricalDtype)
                    else x.iloc[:, i].to_numpy(),
                    x.dtypes.iloc[i],
                ),
            }
            for i, label in enumerate(x.columns)
        ]
        return {"kind": "dataframe", "index": _index(x.index), "columns": columns, "column_index": _index(x.columns)}
    if isinstance(x, pd.Index):
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


def _unarray(spec: dict) -> Any:
    """Values for a Series / Index / array constructor, with their dtype."""
    dtype = spec["dtype"]
    if spec.get("unexportable"):
        raise NotExported(f"values of dtype {dtype}")
    if dtype == "category":
        cats = _unarray(spec["categories"])
        return pd.Categorical.from_codes(spec["codes"], categories=cats, ordered=spec["ordered"])
    values = spec["values"]
    if spec.get("extension"):
        return pd.array([restore(v) for v in values], dtype=pd.api.types.pandas_dtype(dtype))
    if dtype.startswith("datetime64"):
        return pd.DatetimeIndex([pd.NaT if v is None else pd.Timestamp(v) for v in values]).astype(dtype)
    if dtype.startswith("timedelta64"):
        return pd.TimedeltaIndex([pd.NaT if v is None else pd.Timedelta(v) for v in values]).astype(dtype)
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
        raise NotExported(f"an index of type {spec.get('type')}")
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
        return pd.array(values, dtype=pd.api.types.pandas_dtype(spec["dtype"]))
    if kind == "numpy":
        return np.dtype(spec["dtype"]).type(
            _unfloat(spec["value"]) if np.dtype(spec["dtype"]).kind == "f" else spec["value"]
        )
    if kind == "timestamp":
        return pd.Timestamp(spec["value"])
    if kind == "timedelta":
        return pd.Timedelta(spec["value"])
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
