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
    require_answer(answer, name)
    if not isinstance(answer, pd.DataFrame):
        fail(f"`{name}` should be a pandas DataFrame, but it is a {type(answer).__name__}. "
             "Keep the result of your pandas expression (a filter or sort returns a DataFrame).")
    lacking = [c for c in columns if c not in answer.columns]
    if lacking:
        fail(f"`{name}` has no column(s) {lacking}; it has {list(answer.columns)}. "
             "Keep all of the timeline's columns: filter or sort rows, do not select columns.")
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
    """A {label: count} dict from a Series, a dict or a two-column DataFrame; zero counts dropped."""
    require_answer(answer, name)
    if isinstance(answer, pd.DataFrame):
        if answer.shape[1] == 1:
            answer = answer.iloc[:, 0]
        elif answer.shape[1] == 2:
            answer = answer.set_index(answer.columns[0]).iloc[:, 0]
        else:
            fail(f"`{name}` should be a Series of counts (one number per label), "
                 f"but it is a DataFrame with {answer.shape[1]} columns.")
    if isinstance(answer, pd.Series):
        answer = answer.to_dict()
    if not isinstance(answer, dict):
        fail(f"`{name}` should be a Series (or dict) of counts, but it is a {type(answer).__name__}.")
    result = {}
    for label, value in answer.items():
        n = number(value, f"{name}[{label!r}]")
        if n:
            result[str(label)] = n
    return result
