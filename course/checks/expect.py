"""Small helpers that turn a student's answer into plain values, or fail with advice.

They accept every correct form (int or float, list or Series, any index or column order)
unless a question asks for one form. The helpers at the end (``code``, ``described``, ``shown``,
``shown_pair``, ``first_difference``) write what a message shows of an answer, the same way in the
student's kernel and in the grader's process (docs/grading-safety.md, threat 2).
"""

import datetime
import math
from collections.abc import Iterable
from numbers import Number, Real
from typing import Any

import numpy as np
import pandas as pd

from ..plots import NotAPlot, plot_values
from . import CheckFailed


def fail(message: str) -> None:
    raise CheckFailed(message)


def is_placeholder(answer: Any) -> bool:
    return answer is ... or answer is None


def missing(value: Any) -> bool:
    """A missing value, whichever way pandas or NumPy wrote it: None, NaN (any float type), ``pd.NA`` (the
    nullable dtypes: Int64, Float64, boolean, string) or NaT. Every check treats them alike: dropped where a
    prompt allows a gap (the first year of a growth rate), "not a number" where one number is asked for."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, (float, np.floating, np.datetime64, np.timedelta64)):
        return bool(pd.isna(value))
    return False


def require_answer(answer: Any, name: str) -> None:
    if is_placeholder(answer):
        fail(f"{code(name)} is still empty ({answer!r}). Replace the placeholder with your answer and run the cell.")


def dataframe(answer: Any, name: str, columns: tuple = ()) -> pd.DataFrame:
    """The answer as a DataFrame that keeps ``columns``, or a failure saying what to keep."""
    require_answer(answer, name)
    if not isinstance(answer, pd.DataFrame):
        fail(
            f"{code(name)} should be a pandas DataFrame, but it is {described(answer)}. "
            "Keep the result of your pandas expression (a filter or sort returns a DataFrame)."
        )
    lacking = list(dict.fromkeys(c for c in columns if c not in answer.columns))  # each named once
    if lacking:
        fail(
            f"{code(name)} has no column(s) {lacking}; it has {list(answer.columns)}. "
            "Keep all the columns: filter or sort rows, do not select columns."
        )
    return answer


def number(answer: Any, name: str) -> float:
    """A single number from an int, float, NumPy scalar or a one-element list/Series."""
    require_answer(answer, name)
    value = answer
    if isinstance(value, (pd.Series, pd.Index, np.ndarray, list, tuple)):
        if len(value) != 1:
            fail(f"{code(name)} should be one number, but it holds {len(value)} values.")
        value = list(value)[0]
    if missing(value):  # NaN, pd.NA, NaT: one message whichever way the value is missing
        fail(f"{code(name)} is {missing_word(value)} (not a number). Check that the dates or rows you used exist.")
    if isinstance(value, (pd.Timedelta, np.timedelta64, datetime.timedelta)):  # NumPy's is also an integer
        fail(f"{code(name)} is a time span ({pd.Timedelta(value)}); give the number of days, for example with `.days`.")
    if _unreadable(value):  # a Fraction, say: a number in the kernel, but not one the grader can rebuild
        fail(f"{code(name)} is {described(value)}, which the grader cannot check: give it as a plain int or float.")
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (Number, np.number)):
        fail(f"{code(name)} should be a number, but it is {shown(value)} ({type(value).__name__}).")
    value = float(value)
    if math.isnan(value):  # a NaN of a type `missing` does not know (a Decimal, say)
        fail(f"{code(name)} is NaN (not a number). Check that the dates or rows you used exist.")
    return value


def missing_word(value: Any) -> str:
    """How a message names a missing value: NaN for a float, else as pandas prints it (<NA>, NaT, None)."""
    return "NaN" if isinstance(value, (float, np.floating)) else str(value)


def whole_days(values: Any, name: str) -> list:
    """A list of whole numbers of days from a list, array or Series of numbers or Timedeltas.

    Missing values (the NaN/NaT that ``.diff()`` puts first) are dropped.
    """
    require_answer(values, name)
    if isinstance(values, pd.DataFrame):
        fail(f"{code(name)} should be a list or Series of numbers, not a DataFrame. Select one column.")
    if isinstance(values, (Number, np.number, pd.Timedelta)):
        values = [values]
    try:
        items = list(values)
    except TypeError:
        fail(f"{code(name)} should be a list or Series of numbers, but it is {described(values)}.")
    days = []
    for item in items:
        if missing(item):
            continue
        if isinstance(item, (pd.Timedelta, np.timedelta64)):
            item = pd.Timedelta(item).total_seconds() / 86400
        if isinstance(item, (bool, np.bool_)) or not isinstance(item, (Number, np.number)):
            fail(f"{code(name)} should hold numbers of days, but it holds {shown(item)}.")
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
        fail(f"{code(name)} should be a list or Series of values, but it is a DataFrame. Select one column.")
    if isinstance(answer, (Number, np.number)):
        return [answer]
    if isinstance(answer, (str, bytes, dict)) or not hasattr(answer, "__iter__"):
        fail(f"{code(name)} should be a list or Series of values, but it is {described(answer)}.")
    return list(answer)


def by_label(answer: Any, name: str) -> dict:
    """A {label: number} dict from a Series, a dict or a one- or two-column DataFrame.

    Labels are made plain (see ``plain_label``); missing values (NaN, ``pd.NA``, NaT: see ``missing``) are
    dropped, zeros kept.
    """
    require_answer(answer, name)
    if isinstance(answer, pd.DataFrame):
        if answer.shape[1] == 1:
            answer = answer.iloc[:, 0]
        elif answer.shape[1] == 2:
            answer = answer.set_index(answer.columns[0]).iloc[:, 0]
        else:
            fail(
                f"{code(name)} should be a Series (one number per label), "
                f"but it is a DataFrame with {answer.shape[1]} columns. Select one column."
            )
    if isinstance(answer, pd.Series):
        items = list(answer.items())
    elif isinstance(answer, dict):
        items = list(answer.items())
    else:
        fail(f"{code(name)} should be a Series (or dict) of numbers by label, but it is {described(answer)}.")
    result = {}
    for label, value in items:
        if missing(value):
            continue
        label = plain_label(label)
        if label in result:
            fail(f"{code(name)} has the label {shown(label)} more than once; it should have one value per label.")
        result[label] = number(value, f"{_bare(name)}[{label!r}]")
    return result


def plotted_series(answer: Any, name: str) -> list:
    """The y values of every line, bar group, step patch or scatter in a plot, as lists of floats (see
    course.plots), or a failure saying what a plot answer should be."""
    require_answer(answer, name)
    try:
        return plot_values(answer)
    except NotAPlot as not_a_plot:
        whole = answer if isinstance(answer, (list, tuple)) else not_a_plot.item  # ax.set(...) gives a list
        fail(
            f"{code(name)} should be the Axes that a plot returns (for example `{_bare(name)} = "
            f"data.plot(...)`), but it is {described(whole)}."
        )


def texts(answer: Any, name: str, column: str) -> list:
    """Text labels from a DataFrame's ``column`` (rows kept in order) or from a list, tuple or Series of strings."""
    require_answer(answer, name)
    if isinstance(answer, pd.DataFrame):
        if column not in answer.columns:
            fail(
                f"{code(name)} has no column {column!r}; it has {list(answer.columns)}. "
                "Filter or sort the rows; do not drop that column."
            )
        answer = answer[column]
    items = values(answer, name)
    for item in items:
        if not isinstance(item, str):
            fail(f"{code(name)} should hold names (text) from the {column!r} column, but it holds {shown(item)}.")
    return items


def called(fn: Any, name: str, args: tuple, advice: str = "") -> Any:
    """Call a student's function with ``args`` and return its result.

    An error it raises becomes advice naming the call, except ``NotImplementedError`` (an unanswered
    stub), which propagates so the test simply fails as unanswered.
    """
    require_answer(fn, name)
    if not callable(fn):
        fail(f"{code(name)} should be a function (defined with `def {_bare(name)}(...)`), but it is {described(fn)}.")
    try:
        return fn(*args)
    except NotImplementedError:
        raise
    except Exception as exc:  # the student's error, explained
        shown = ", ".join(_argument(a) for a in args)
        fail(f"{name}({shown}) raised {type(exc).__name__}: {exc}. {advice}".strip())


# -- what a message shows of an answer ------------------------------------------------------------------
def _argument(a: Any) -> str:
    """An argument of a student's function, as a call in a message shows it: a row by its label, or by its
    first values when it has none (a row built by hand)."""
    if not isinstance(a, pd.Series):
        return repr(a)
    if a.name is not None:
        return f"<row {a.name!r}>"
    first = ", ".join(f"{k}={shown(v)}" for k, v in list(a.items())[:3])
    return f"<row with {first}{', ...' if len(a) > 3 else ''}>"


def _bare(name: str) -> str:
    return name.replace("`", "")


def code(name: str) -> str:
    """``name`` as code in a message: in backticks, unless it already holds some (``an item of `x` ``),
    which a second pair would nest."""
    return name if "`" in name else f"`{name}`"


def _unreadable(x: Any) -> bool:
    """An answer the grader could not rebuild outside the kernel (course.export restores it as a stand-in
    named after the student's type)."""
    from ..export import Unexportable

    return isinstance(x, Unexportable)


def _type_path(x: Any) -> tuple[str, str]:
    """(top-level module, type name) of ``x`` as it was in the student's kernel."""
    if _unreadable(x):
        return x.module, type(x).__name__
    return type(x).__module__.split(".")[0], type(x).__name__


def _is_text_artist(x: Any) -> bool:
    return _type_path(x) == ("matplotlib", "Text")


def _a(word: str) -> str:
    return f"an {word}" if word[:1].lower() in "aeiou" else f"a {word}"


def described(x: Any) -> str:
    """What ``x`` is, in the student's terms: "a list", "a matplotlib Text object", "a list of matplotlib
    Text objects, which is what ax.set(...) returns; ...". The same for the student's object in the kernel
    and for what the grader rebuilt from it, so a message reads the same in both places."""
    if type(x) in (list, tuple) and any(_is_text_artist(i) for i in x):
        which = "of" if all(_is_text_artist(i) for i in x) else "holding"
        return (
            f"a {type(x).__name__} {which} matplotlib Text objects, which is what `ax.set(...)` returns "
            "(titles and labels); keep the Axes instead and call `.set(...)` on it in its own statement"
        )
    if _unreadable(x) and x.what:
        return x.what
    module, name = _type_path(x)
    if module == "matplotlib":
        return f"a matplotlib {name} object"
    return _a(name)


def _is_number(x: Any) -> bool:
    return isinstance(x, (Real, np.number)) and not isinstance(x, (bool, np.bool_)) and not _unreadable(x)


def _digits(x: float) -> int:
    """The significant digits that show ``x`` exactly, at most 6 (as Python's ``:g``; a value shown beside
    another gets more where they would otherwise look the same, see ``shown_pair``)."""
    for p in range(1, 7):
        if float(f"{x:.{p}g}") == x:
            return p
    return 6


def _number(x: Any, digits: int | None = None) -> str:
    if isinstance(x, (int, np.integer)):
        return str(int(x))
    x = float(x)
    if not math.isfinite(x):
        return str(x)
    digits = digits or _digits(x)
    if 1 <= abs(x) < 1e15:  # never fewer digits than the whole part has: 300, not 3e+02
        digits = max(digits, len(str(int(abs(x)))))
    return f"{x:.{digits}g}"


def shown(x: Any) -> str:
    """``x`` as a message shows it: text in quotes (``'2019'``, never ``2019``), numbers without NumPy's
    wrapping, plain lists and dicts item by item, anything else described (see ``described``)."""
    if isinstance(x, np.generic) and not isinstance(x, (np.datetime64, np.timedelta64)):
        x = x.item()  # NumPy 2 would show np.str_('2019'), np.float64(3.5)
    if _is_number(x):
        return _number(x)
    if x is None or isinstance(x, (str, bool, bytes)):
        return repr(str(x) if isinstance(x, str) else x)
    if x is pd.NaT or x is pd.NA:
        return str(x)
    if type(x) in (list, tuple):
        inner = ", ".join(shown(i) for i in x)
        return f"[{inner}]" if type(x) is list else f"({inner}{',' if len(x) == 1 else ''})"
    if type(x) is dict:
        return "{" + ", ".join(f"{shown(k)}: {shown(v)}" for k, v in x.items()) + "}"
    if isinstance(x, (pd.Timestamp, pd.Timedelta, np.datetime64, np.timedelta64)):
        return str(x)
    return described(x)


def _same(g: Any, w: Any) -> bool:
    if _is_number(g) and _is_number(w):
        return float(g) == float(w) or (math.isnan(float(g)) and math.isnan(float(w)))
    return type(g) is type(w) and g == w


def _pair(g: Any, w: Any) -> tuple[str, str]:
    """Two values shown so that they look different when they differ: numbers with the precision at which
    they first differ (15.5 and 15.497791, 0.243 and 0.24300001)."""
    if not (_is_number(g) and _is_number(w)) or _same(g, w):
        return shown(g), shown(w)
    if isinstance(g, (int, np.integer)) and isinstance(w, (int, np.integer)):
        return shown(g), shown(w)
    p = max(
        _digits(float(g)) if not isinstance(g, (int, np.integer)) else 1,
        _digits(float(w)) if not isinstance(w, (int, np.integer)) else 1,
    )
    while p < 17 and _number(g, p) == _number(w, p):
        p += 1
    return _number(g, p), _number(w, p)


def shown_pair(got: Any, want: Any) -> tuple[str, str]:
    """What was found and what was expected (two values, or two lists of values), shown so that values
    that differ look different, item by item."""
    if type(got) in (list, tuple) and type(want) in (list, tuple):
        pairs = [_pair(g, w) for g, w in zip(got, want)]
        g_items = [p[0] for p in pairs] + [shown(g) for g in got[len(pairs) :]]
        w_items = [p[1] for p in pairs] + [shown(w) for w in want[len(pairs) :]]
        return f"[{', '.join(g_items)}]", f"[{', '.join(w_items)}]"
    return _pair(got, want)


def first_difference(got: list, want: list) -> str | None:
    """Where two lists first differ, in words ("item 2 is 15.5 where 15.497791 is expected"), or None."""
    for i, (g, w) in enumerate(zip(got, want), 1):
        if not _same(g, w):
            g_text, w_text = _pair(g, w)
            return f"item {i} is {g_text} where {w_text} is expected"
    if len(got) != len(want):
        return f"it has {len(got)} item(s) where {len(want)} are expected"
    return None


def shown_labels(xs: Iterable) -> str:
    """Labels for a message, comma-separated; text is quoted ('2017') so it never looks like the number 2017."""
    return ", ".join(shown(plain_label(x)) for x in xs)


def require_year_labels(labels: list, name: str, what: str = "labels") -> None:
    """Fail unless every label is a whole number (a year): text such as '2017' is named as text."""
    text = [y for y in labels if isinstance(y, str)]
    if text:
        fail(
            f"{code(name)} has years as text ({shown_labels(text[:5])}), not as integers; convert them, "
            "for example with .astype(int) on the year column before you use it as the index."
        )
    odd = [y for y in labels if not isinstance(y, int)]
    if odd:
        fail(f"{code(name)} has {what} {shown_labels(odd[:5])}, which are not years; index it by year (an integer).")


def by_year(answer: Any, name: str, expected: dict, subset: bool = False, advice: str = "") -> tuple[dict, dict]:
    """(found, expected) as ``{year: number}``: the answer read by label (see ``by_label``), failing with advice
    when an expected year is missing (text years named as text) or, unless ``subset``, a year is extra."""
    got = by_label(answer, name)
    want = {int(k): float(v) for k, v in expected.items()}
    missing = [y for y in want if y not in got]
    if missing:
        if any(isinstance(y, str) for y in got):
            require_year_labels(list(got), name)
        fail(
            f"{code(name)} has no value for {shown_labels(missing)}; its labels are "
            f"{shown_labels(list(got)) or 'none'}. Index it by year (an integer). {advice}".strip()
        )
    extra = [y for y in got if y not in want]
    if extra and not subset:
        fail(
            f"{code(name)} has values for {shown_labels(extra)}, which should not be there; expected only "
            f"{shown_labels(list(want))}. {advice}".strip()
        )
    return got, want


def plot_with_values(answer: Any, name: str, y: Iterable[float], tolerance: float, within: str = "", advice: str = ""):
    """Fail unless the plot shows one line or set of bars with the values ``y``, in order, each within
    ``tolerance`` (``within`` says in words what that allows). Each series found is shown beside the values
    expected, with the digits at which they differ."""
    found = plotted_series(answer, name)
    want = [float(v) for v in y]
    if not found:
        fail(
            f"{code(name)} shows no line or bars. Plot the data and keep what the plotting call returns, "
            f"for example {code(name + ' = data.plot(...)')}. {advice}".strip()
        )
    for series in found:
        if len(series) == len(want) and all(abs(g - w) <= tolerance for g, w in zip(series, want)):
            return
    shown_series = []
    for series in found[:3]:
        g = shown_pair(series[:8], want)[0] if len(series) == len(want) else shown(series[:8])
        shown_series.append(g[:-1] + ", ...]" if len(series) > 8 else g)
    w = shown_pair(found[0], want)[1] if len(found[0]) == len(want) else shown(want)
    fail(
        f"No line or set of bars in {code(name)} shows the values {w} in that order"
        f"{f' ({within})' if within else ''}; it shows {'; '.join(shown_series)}. {advice}".strip()
    )


def plot_form(answer: Any, name: str, points: int | None = None, rising: bool = False, advice: str = "") -> None:
    """Fail unless the plot shows a line or set of bars of the expected form, without naming its values:
    ``points`` values (one per year, say), and with ``rising`` none lower than the one before it (a running
    total). The values themselves are the hidden test's (``plot_with_values``)."""
    found = plotted_series(answer, name)
    if not found:
        fail(
            f"{code(name)} shows no line or bars. Plot the data and keep what the plotting call returns, "
            f"for example {code(name + ' = data.plot(...)')}. {advice}".strip()
        )
    fits = [s for s in found if points is None or len(s) == points]
    if not fits:
        sizes = " and ".join(str(len(s)) for s in found[:3])
        fail(f"{code(name)} shows {sizes} value(s) where {points} are expected, one for each year. {advice}".strip())
    if rising and not any(all(b >= a for a, b in zip(s, s[1:])) for s in fits):
        fail(
            f"{code(name)} shows a line that falls somewhere: a running total never does. Plot it in year order. "
            f"{advice}".strip()
        )
