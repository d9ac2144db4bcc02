"""Small helpers that turn a student's answer into plain values, or fail with advice.

They accept every correct form (int or float, list or Series, any index or column order)
unless a question asks for one form.
"""
import math
from numbers import Number
from typing import Any

import numpy as np
import pandas as pd

from . import CheckFailed


def fail(message: str) -> None:
    raise CheckFailed(message)


def is_placeholder(answer: Any) -> bool:
    return answer is ... or answer is None


def require_answer(answer: Any, name: str) -> None:
    if is_placeholder(answer):
        fail(f"`{name}` is still empty ({answer!r}). Replace the placeholder with your answer and run the cell.")


def dataframe(answer: Any, name: str, columns: tuple = ()) -> pd.DataFrame:
    """The answer as a DataFrame that keeps ``columns``, or a failure saying what to keep."""
    require_answer(answer, name)
    if not isinstance(answer, pd.DataFrame):
        fail(f"`{name}` should be a pandas DataFrame, but it is a {type(answer).__name__}. "
             "Keep the result of your pandas expression (a filter or sort returns a DataFrame).")
    lacking = [c for c in columns if c not in answer.columns]
    if lacking:
        fail(f"`{name}` has no column(s) {lacking}; it has {list(answer.columns)}. "
             "Keep all the columns: filter or sort rows, do not select columns.")
    return answer


def number(answer: Any, name: str) -> float:
    """A single number from an int, float, NumPy scalar or a one-element list/Series."""
    require_answer(answer, name)
    value = answer
    if isinstance(value, (pd.Series, pd.Index, np.ndarray, list, tuple)):
        if len(value) != 1:
            fail(f"`{name}` should be one number, but it holds {len(value)} values.")
        value = list(value)[0]
    if isinstance(value, pd.Timedelta):
        fail(f"`{name}` is a time span ({value}); give the number of days, for example with `.days`.")
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (Number, np.number)):
        fail(f"`{name}` should be a number, but it is {value!r} ({type(value).__name__}).")
    value = float(value)
    if math.isnan(value):
        fail(f"`{name}` is NaN (not a number). Check that the dates or rows you used exist.")
    return value


def whole_days(values: Any, name: str) -> list:
    """A list of whole numbers of days from a list, array or Series of numbers or Timedeltas.

    Missing values (the NaN/NaT that ``.diff()`` puts first) are dropped.
    """
    require_answer(values, name)
    if isinstance(values, pd.DataFrame):
        fail(f"`{name}` should be a list or Series of numbers, not a DataFrame. Select one column.")
    if isinstance(values, (Number, np.number, pd.Timedelta)):
        values = [values]
    try:
        items = list(values)
    except TypeError:
        fail(f"`{name}` should be a list or Series of numbers, but it is a {type(values).__name__}.")
    days = []
    for item in items:
        if item is None or (not isinstance(item, str) and pd.isna(item)):
            continue
        if isinstance(item, (pd.Timedelta, np.timedelta64)):
            item = pd.Timedelta(item).total_seconds() / 86400
        if isinstance(item, (bool, np.bool_)) or not isinstance(item, (Number, np.number)):
            fail(f"`{name}` should hold numbers of days, but it holds {item!r}.")
        days.append(float(item))
    return days


def counts(answer: Any, name: str) -> dict:
    """A {label: count} dict from a Series, a dict or a two-column DataFrame; zero counts dropped
    (a categorical column's value_counts lists unused categories with zero)."""
    return {str(label): n for label, n in by_label(answer, name).items() if n}


def plain_label(label: Any) -> Any:
    """A label as a plain Python value: NumPy scalars unwrapped, whole floats made ints (2016.0 -> 2016)."""
    if isinstance(label, np.generic):
        label = label.item()
    if isinstance(label, float) and label.is_integer():
        label = int(label)
    return label


def values(answer: Any, name: str) -> list:
    """The items of a list, tuple, set, Series, Index or 1-D array, as a plain list."""
    require_answer(answer, name)
    if isinstance(answer, pd.DataFrame):
        fail(f"`{name}` should be a list or Series of values, but it is a DataFrame. Select one column.")
    if isinstance(answer, (Number, np.number)):
        return [answer]
    if isinstance(answer, (str, bytes, dict)) or not hasattr(answer, "__iter__"):
        fail(f"`{name}` should be a list or Series of values, but it is a {type(answer).__name__}.")
    return list(answer)


def by_label(answer: Any, name: str) -> dict:
    """A {label: number} dict from a Series, a dict or a one- or two-column DataFrame.

    Labels are made plain (see ``plain_label``); missing values (NaN) are dropped, zeros kept.
    """
    require_answer(answer, name)
    if isinstance(answer, pd.DataFrame):
        if answer.shape[1] == 1:
            answer = answer.iloc[:, 0]
        elif answer.shape[1] == 2:
            answer = answer.set_index(answer.columns[0]).iloc[:, 0]
        else:
            fail(f"`{name}` should be a Series (one number per label), "
                 f"but it is a DataFrame with {answer.shape[1]} columns. Select one column.")
    if isinstance(answer, pd.Series):
        items = list(answer.items())
    elif isinstance(answer, dict):
        items = list(answer.items())
    else:
        fail(f"`{name}` should be a Series (or dict) of numbers by label, but it is a {type(answer).__name__}.")
    result = {}
    for label, value in items:
        if value is None or (isinstance(value, (Number, np.number)) and pd.isna(value)):
            continue
        label = plain_label(label)
        if label in result:
            fail(f"`{name}` has the label {label!r} more than once; it should have one value per label.")
        result[label] = number(value, f"{name}[{label!r}]")
    return result


def plotted_series(answer: Any, name: str) -> list:
    """The y values of every line, bar group, step patch or scatter in a plot, as lists of floats.

    Accepts what plotting calls return: an Axes (``series.plot(...)``), an array of Axes, a Figure,
    a list of lines (``plt.plot``), a BarContainer (``plt.bar``) or a StepPatch (``plt.stairs``).
    """
    from matplotlib.axes import Axes
    from matplotlib.collections import PathCollection
    from matplotlib.container import BarContainer
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import StepPatch

    require_answer(answer, name)
    if isinstance(answer, BarContainer):  # a tuple of bars: one artist, not a list of them
        items = [answer]
    elif isinstance(answer, (list, tuple, np.ndarray)):
        items = list(np.ravel(np.asarray(answer, dtype=object)))
    else:
        items = [answer]
    artists = []
    for item in items:
        if isinstance(item, Figure):
            item = item.axes
        for ax in item if isinstance(item, list) else [item]:
            if isinstance(ax, Axes):
                artists += list(ax.lines) + [c for c in ax.containers if isinstance(c, BarContainer)]
                artists += [p for p in ax.patches if isinstance(p, StepPatch)]
                artists += [c for c in ax.collections if isinstance(c, PathCollection)]
            elif isinstance(ax, (Line2D, BarContainer, StepPatch, PathCollection)):
                artists.append(ax)
            else:
                fail(f"`{name}` should be the Axes that a plot returns (for example `{name} = data.plot(...)`), "
                     f"but it is a {type(ax).__name__}.")
    found = []
    for a in artists:
        if isinstance(a, Line2D):
            ys = np.asarray(a.get_ydata(), dtype=float)
        elif isinstance(a, BarContainer):
            horizontal = getattr(a, "orientation", "vertical") == "horizontal"
            ys = np.array([r.get_width() if horizontal else r.get_height() for r in a], dtype=float)
        elif isinstance(a, StepPatch):
            ys = np.asarray(a.get_data().values, dtype=float)
        else:
            ys = np.asarray(a.get_offsets(), dtype=float)[:, 1]
        found.append([float(y) for y in ys])
    return found


def texts(answer: Any, name: str, column: str) -> list:
    """Text labels from a DataFrame's ``column`` (rows kept in order) or from a list, tuple or Series of strings."""
    require_answer(answer, name)
    if isinstance(answer, pd.DataFrame):
        if column not in answer.columns:
            fail(f"`{name}` has no column {column!r}; it has {list(answer.columns)}. "
                 "Filter or sort the rows; do not drop that column.")
        answer = answer[column]
    items = values(answer, name)
    for item in items:
        if not isinstance(item, str):
            fail(f"`{name}` should hold names (text) from the {column!r} column, but it holds {item!r}.")
    return items


def called(fn: Any, name: str, args: tuple, advice: str = "") -> Any:
    """Call a student's function with ``args`` and return its result.

    An error it raises becomes advice naming the call, except ``NotImplementedError`` (an unanswered
    stub), which propagates so the test simply fails as unanswered.
    """
    require_answer(fn, name)
    if not callable(fn):
        fail(f"`{name}` should be a function (defined with `def {name}(...)`), but it is a {type(fn).__name__}.")
    try:
        return fn(*args)
    except NotImplementedError:
        raise
    except Exception as exc:  # the student's error, explained
        shown = ", ".join(repr(a) if not isinstance(a, pd.Series) else f"<row {a.name!r}>" for a in args)
        fail(f"{name}({shown}) raised {type(exc).__name__}: {exc}. {advice}".strip())
