"""Every value a check accepts in the kernel is carried to the grader (course/export.py, docs/grading-safety.md).

Under autograde a test cell is decided outside the student's kernel, on the answer exported as plain JSON and
rebuilt. A property test runs each of the module's checks, with the expected values of the notebooks' own test
cells, on answers of every type the checks accept: NumPy numbers and text inside Series, lists, dicts and
Counters; nullable dtypes with ``pd.NA``; dates in a time zone with two UTC offsets across summer time;
categoricals; functions and plots. It runs each check once on the answer itself ("inside", as in the kernel) and
once on the answer rebuilt from its export ("outside", as in the grader's process): pass or fail, and the points,
must agree, and the export must carry everything the answer holds. Right and wrong answers are both drawn, so that
both verdicts are compared. The honest answers a held-out set found accused are pinned as regression tests.
"""

import collections
import contextlib
import datetime
import io
import json
import zoneinfo

import nbformat
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure

from course import load
from course.checks import CheckFailed, key_arguments, run_check
from course.export import case_inputs, export_answer, not_carried, restore
from course.grading.verdict import master_tests, setup_namespace
from course.paths import ASSIGNMENTS
from tests.conftest import source_notebook

#: Bounded, so that the fast tier stays under a minute; no deadline: a first example pays pandas' imports.
BOUNDED = settings(
    max_examples=60,
    deadline=None,
    database=None,  # nothing written to the working tree
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)


def _real_calls() -> dict:
    """{check name: [expected values of each call in the notebooks' test cells]}, quiz checks left out (their
    answer is a file the grader reads itself). A visible call checks the form of an answer without its keys
    (docs/grading-safety.md, "No key in what students see"): its answers are drawn as for the call of the same
    cell that holds the keys, on the same answer (``DRAWN_AS``)."""
    calls: dict = {}
    for assignment in ASSIGNMENTS:
        nb = nbformat.read(source_notebook(assignment), as_version=4)
        for test in master_tests(nb, setup_namespace(nb)).values():
            for call in test.calls:
                if call.needs_record:
                    calls.setdefault(call.name, []).append(call.expected)
                    if not _holds_keys(call) or not key_arguments(call.name):
                        DRAWN_AS[id(call.expected)] = _twin(call, test.calls)
    return calls


#: {id of a form call's expected values: (check name, expected values) its answers are drawn as}
DRAWN_AS: dict = {}


def _holds_keys(call) -> bool:
    """The call states its check's keys (all of them; a check without keys, such as number_between, has none)."""
    return all(k in call.expected for k in key_arguments(call.name) or ())


def _twin(call, calls: list) -> tuple:
    """The check and expected values that a form call's answers are drawn as: the call on the same answer that
    holds its keys; for the pair of day counts, the keys of the call on each of them."""
    if call.name == "one_day_apart":
        counts = {c.expected.get("name"): c.expected for c in calls if c.name == "day_count" and _holds_keys(c)}
        return call.name, {"values": [counts[n]["expected"] for n in call.expected["names"]]}
    holding = [c for c in calls if c.answer == call.answer and key_arguments(c.name) and _holds_keys(c)]
    return (holding[0].name, holding[0].expected) if holding else (call.name, call.expected)


CALLS = _real_calls()


def verdict(name: str, answer, expected: dict):
    """What nbgrader would score: the points a passing check returns (None for full marks), or "fail" for any
    error, as a test cell that raises scores zero."""
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            return ("pass", run_check(name, answer, **expected))
    except Exception:  # noqa: BLE001 - any error fails the cell
        return "fail"


def inside_and_outside(name: str, answer, expected: dict) -> tuple:
    """The verdict on the answer itself, then on the answer as the grader rebuilds it from its JSON record (in
    the kernel the check runs first, then the answer is exported)."""
    inside = verdict(name, answer, expected)
    record = json.loads(json.dumps(export_answer(answer, case_inputs(expected)), allow_nan=False))
    assert not_carried(record) == [], f"the export did not carry all of {answer!r}"
    return inside, verdict(name, restore(record), expected)


def assert_same_verdict(name: str, answer, expected: dict) -> tuple:
    inside, outside = inside_and_outside(name, answer, expected)
    assert inside == outside, f"{name}: {inside} in the kernel, {outside} outside, for {answer!r}"
    return inside


# -- the forms an answer takes ----------------------------------------------------------------------------------
MISSING = [None, float("nan"), np.float64("nan"), pd.NA]
INTEGER_TYPES = [int, np.int64, np.int32, np.int16, np.uint32]
FLOAT_TYPES = [float, np.float64, np.float32]


@st.composite
def numbers(draw, x):
    """``x`` as one of the number types a student's code gives: Python's or NumPy's, whole or not."""
    x = float(x)
    if x.is_integer():
        kind = draw(st.sampled_from(INTEGER_TYPES + FLOAT_TYPES))
        if kind is np.uint32 and x < 0:
            kind = np.int64
        return kind(int(x)) if kind in INTEGER_TYPES else kind(x)
    return draw(st.sampled_from([*FLOAT_TYPES, np.float16]))(x)


def change(draw, items: list, how: list) -> list:
    """A typical mistake, sometimes, so that failing verdicts are compared too: a value off by one, one item
    dropped, fractions for percentages, the order reversed."""
    mistake = draw(st.sampled_from(["none", "none", "none", *how]))
    items = list(items)
    if mistake == "bump" and items:
        i = draw(st.integers(0, len(items) - 1))
        items[i] = (items[i][0], items[i][1] + 1) if isinstance(items[i], tuple) else items[i] + 1
    elif mistake == "drop" and len(items) > 1:
        del items[draw(st.integers(0, len(items) - 1))]
    elif mistake == "fraction":  # numbers by label only
        items = [(k, v / 100) for k, v in items]
    elif mistake == "reverse":
        items = items[::-1]
    return items


@st.composite
def by_label(draw, expected: dict):
    """Numbers by label (counts, numbers by year) as a dict, Counter, OrderedDict, defaultdict, Series or
    DataFrame, with labels and values of any type, and perhaps a label with a missing value (the first year of a
    growth rate, <NA> in an Int64 Series)."""
    years = all(isinstance(k, int) for k in expected)
    items = change(draw, list(expected.items()), ["bump", "drop", "fraction"])
    if draw(st.booleans()):
        items.insert(0, ((min(expected) - 1) if years else "Nowhere", draw(st.sampled_from(MISSING))))
    if draw(st.booleans()):
        items = draw(st.permutations(items))
    label = draw(st.sampled_from([int, np.int64, np.int32, np.uint16, float, np.float64] if years else [str, np.str_]))
    labels = [label(k) for k, _ in items]
    values = [v if v is None or v is pd.NA or v != v else draw(numbers(v)) for _, v in items]
    form = draw(st.sampled_from(["dict", "Counter", "OrderedDict", "defaultdict", "series", "series", "frame"]))
    if form in ("dict", "Counter", "OrderedDict"):
        return {"dict": dict, "Counter": collections.Counter, "OrderedDict": collections.OrderedDict}[form](
            dict(zip(labels, values))
        )
    if form == "defaultdict":
        return collections.defaultdict(int, zip(labels, values))
    index_dtype = draw(st.sampled_from([None, object, "category", *(["Int64", "int64"] if years else ["string"])]))
    value_dtype = draw(st.sampled_from([None, object, "float64", "Float64", "Int64", "int64", "float32"]))
    try:
        series = pd.Series(values, index=pd.Index(labels, dtype=index_dtype), dtype=value_dtype)
    except (TypeError, ValueError):  # a dtype that cannot hold these values: not an answer anyone has
        assume(False)
    if form == "frame":
        return series.rename("n").rename_axis("label").reset_index() if draw(st.booleans()) else series.to_frame()
    return series


@st.composite
def sequences(draw, items: list, days: bool = False):
    """A list of numbers (or of days) as a list, tuple, NumPy array, Series, Index or pandas array, of any
    number type, nullable or of time spans, perhaps with the missing value `.diff()` puts first."""
    items = change(draw, items, ["bump", "drop", "reverse"])
    values = [draw(numbers(v)) for v in items]
    if days and draw(st.booleans()):
        values.insert(0, draw(st.sampled_from(MISSING)))
    form = draw(st.sampled_from(["list", "tuple", "array", "series", "series", "index", "pandas_array"]))
    if days and draw(st.booleans()):
        spans = pd.to_timedelta([None if v is None or v is pd.NA else float(v) for v in values], unit="D")
        unit = draw(st.sampled_from(["s", "ms", "us", "ns"]))
        spans = spans.as_unit(unit)
        choices = {"list": list(spans), "array": spans.to_numpy(), "index": spans, "series": pd.Series(spans)}
        return choices.get(form, pd.Series(spans))
    if form == "list":
        return values
    if form == "tuple":
        return tuple(values)
    dtype = draw(st.sampled_from([None, object, "float64", "Float64", "Int64", "int64", "int32", "float32"]))
    try:
        if form == "array":
            return np.array(values, dtype=dtype if dtype not in ("Float64", "Int64") else object)
        if form == "series":
            return pd.Series(values, dtype=dtype)
        if form == "index":
            return pd.Index(values, dtype=dtype)
        return pd.array(values, dtype=dtype if dtype in ("Float64", "Int64") else None)
    except (TypeError, ValueError):
        assume(False)


@st.composite
def names(draw, items: list):
    """Names as a list or tuple of str or np.str_, a NumPy array (text or object), a Series or Index of any
    text dtype (object, str, string, category), or pandas' string array."""
    items = change(draw, items, ["drop", "reverse"])
    text = draw(st.sampled_from([str, np.str_]))
    values = [text(v) for v in items]
    form = draw(st.sampled_from(["list", "tuple", "array", "object_array", "series", "series", "index", "array"]))
    if form in ("list", "tuple"):
        return values if form == "list" else tuple(values)
    if form == "array":
        return np.array([str(v) for v in values])
    if form == "object_array":
        return np.array(values, dtype=object)
    dtype = draw(st.sampled_from([None, object, "str", "string", "category"]))
    if form == "series":
        return pd.Series(values, dtype=dtype)
    if form == "index":
        return pd.Index(values, dtype=dtype)
    return pd.array([str(v) for v in values], dtype="string")


@st.composite
def scalars(draw, x):
    """One number as a number of any type, a one-item list, array or Series, or what a slip gives instead: a
    missing value, a time span, text."""
    x = draw(st.sampled_from([x, x, x, x + 1, -x, x / 100]))
    value = draw(numbers(x))
    form = draw(st.sampled_from(["number"] * 4 + ["list", "array", "series", "missing", "span", "text", "bool"]))
    if form == "list":
        return [value]
    if form == "array":
        return np.array([value])
    if form == "series":
        return pd.Series([value], dtype=draw(st.sampled_from([None, "Float64", object])))
    if form == "missing":
        return draw(st.sampled_from(MISSING))
    if form == "span":
        return draw(st.sampled_from([pd.Timedelta(days=float(x)), np.timedelta64(int(x), "D")]))
    if form == "text":
        return draw(st.sampled_from([str, np.str_]))(str(x))
    if form == "bool":
        return np.bool_(bool(x))
    return value


TIME_ZONES = [None, None, "UTC", "America/New_York", "Asia/Seoul", datetime.timezone(datetime.timedelta(hours=-5))]


def _retyped(draw, table: pd.DataFrame, dates: list) -> pd.DataFrame:
    """A table as a student's code may leave it: dates in any unit and time zone (New York's has two offsets
    across summer time), text as object, string or category, any index, columns in any order."""
    table = table.copy()
    zone, unit = draw(st.sampled_from(TIME_ZONES)), draw(st.sampled_from(["s", "ms", "us", "ns"]))
    for column in dates:
        stamps = pd.to_datetime(table[column], errors="coerce").dt.as_unit(unit)
        table[column] = stamps.dt.tz_localize(zone) if zone is not None else stamps
    text = draw(st.sampled_from([None, object, "string", "category"]))
    if text is not None:
        for column in table.columns:
            if pd.api.types.is_string_dtype(table[column]) and column not in dates:
                table[column] = table[column].astype(text)
    index = draw(st.sampled_from(["keep", "reset", "text", "numpy"]))
    if index == "reset":
        table = table.reset_index(drop=True)
    elif index == "text":
        table.index = [f"row {i}" for i in table.index]
    elif index == "numpy":
        table.index = pd.Index(np.arange(len(table), dtype=np.int32) * 2)
    if draw(st.booleans()):
        table = table[list(reversed(table.columns))]
    return table


def _wrong_table(draw, table: pd.DataFrame) -> pd.DataFrame:
    mistake = draw(st.sampled_from(["none", "none", "none", "shuffle", "drop_column", "drop_row"]))
    if mistake == "shuffle" and len(table) > 1:
        return table.iloc[draw(st.permutations(range(len(table))))]
    if mistake == "drop_column":
        return table.drop(columns=[draw(st.sampled_from(list(table.columns)))])
    if mistake == "drop_row" and len(table) > 1:
        return table.iloc[1:]
    return table


@st.composite
def rows(draw, data_set: str, key: str, wanted: list, dates: list):
    """The rows of a data set whose ``key`` is one of ``wanted``, retyped, perhaps with a slip."""
    table = load(data_set)
    return _wrong_table(draw, _retyped(draw, table[table[key].isin(wanted)], dates))


@st.composite
def timelines(draw, meetings_only: bool = False):
    events = load("timeline", parse_dates=False)
    table = events.assign(date=pd.to_datetime(events["date"])).sort_values("date", kind="stable")
    if meetings_only:
        table = table[(table["category"] == "leaders_meeting") & table["parties"].str.contains("US")]
    dates = ["date", *(["end_date", "date_alt"] if draw(st.booleans()) else [])]
    return _wrong_table(draw, _retyped(draw, table, dates))


@st.composite
def joins(draw):
    caps, resolutions = load("caps"), load("resolutions")
    table = caps.merge(resolutions[["number", "adopted", "disputed_five"]], left_on="resolution", right_on="number")
    table = _retyped(draw, table, ["adopted", "period_start"])
    for column, dtype in (("resolution", draw(st.sampled_from([None, "Int64", "int32", object]))),
                          ("value", draw(st.sampled_from([None, "Float64", object])))):  # fmt: skip
        if dtype is not None:
            table[column] = table[column].astype(dtype)
    return _wrong_table(draw, table)


@st.composite
def wide_tables(draw):
    trade = load("trade")
    kotra = trade[trade["series"] == "KOTRA"].pivot(index="year", columns="indicator", values="value")
    dtype = draw(st.sampled_from([None, "Float64", "float32", object]))
    if dtype is not None:
        kotra = kotra.astype(dtype)
    years = draw(st.sampled_from([None, "Int64", "int32", "uint16", "float64", object]))
    if years is not None:
        kotra.index = kotra.index.astype(years)
    labels = draw(st.sampled_from([None, object, "string", "category"]))
    if labels is not None:
        kotra.columns = kotra.columns.astype(labels)
    if draw(st.booleans()):  # a value missing where no expected value is read, or where one is
        row, column = draw(st.sampled_from(list(kotra.index))), draw(st.sampled_from(list(kotra.columns)))
        kotra.loc[row, column] = pd.NA if dtype == "Float64" else np.nan
    mistake = draw(st.sampled_from(["none", "none", "reverse", "drop_column", "reset"]))
    if mistake == "reverse":
        kotra = kotra.iloc[::-1]
    elif mistake == "drop_column":
        kotra = kotra.drop(columns=[draw(st.sampled_from(list(kotra.columns)))])
    elif mistake == "reset":
        kotra = kotra.reset_index()
    return kotra


@st.composite
def plots(draw, y: list):
    """An Axes showing ``y`` (or a slip of it) as a line, bars or steps, from a list, a NumPy array or a
    nullable Series."""
    values = [draw(numbers(v)) for v in change(draw, list(y), ["bump", "reverse", "drop"])]
    ax = Figure().add_subplot()
    form = draw(st.sampled_from(["line", "bar", "step", "series"]))
    ys = draw(st.sampled_from([list, np.array, lambda v: np.array(v, dtype=np.float32)]))(values)
    if form == "line":
        ax.plot(range(len(values)), ys)
    elif form == "bar":
        ax.bar(range(len(values)), ys)
    elif form == "step":
        ax.step(range(len(values)), ys, where="post")
    else:
        pd.Series([float(v) for v in values], dtype=draw(st.sampled_from(["float64", "float32", "Float64"]))).plot(
            ax=ax
        )
    return ax


RESULT_FORMS = ["int", "numpy", "float32", "float", "series", "array", "missing", "span", "text"]


def _as_result(form: str, value):
    if form == "numpy":
        return np.int64(value) if float(value).is_integer() else np.float64(value)
    return {
        "int": lambda v: int(v) if float(v).is_integer() else v,
        "float32": np.float32,
        "float": float,
        "series": lambda v: pd.Series([v], dtype="Float64"),
        "array": lambda v: np.array([v]),
        "missing": lambda v: pd.NA,
        "span": lambda v: pd.Timedelta(days=float(v)),
        "text": lambda v: np.str_(v),
    }[form](value)


@st.composite
def day_counters(draw):
    """``days_between`` written several ways: its result of any number type (or a slip of type or value)."""
    form, slip = draw(st.sampled_from(RESULT_FORMS)), draw(st.sampled_from(["none", "none", "abs", "plus1", "raise"]))

    def days_between(start, end):
        days = (pd.Timestamp(end) - pd.Timestamp(start)).days
        if slip == "raise" and days < 0:
            raise ValueError("end before start")
        days = {"abs": abs(days), "plus1": days + 1}.get(slip, days)
        return _as_result(form, days)

    return days_between


@st.composite
def scorers(draw):
    """``score`` written several ways: the weighted mean as any number type (or a slip: the sum, rounding)."""
    form, slip = draw(st.sampled_from(RESULT_FORMS)), draw(st.sampled_from(["none", "none", "sum", "round"]))

    def score(row, weights):
        total = sum(weights.values())
        weighted = sum(w * row[c] for c, w in weights.items())
        value = weighted if slip == "sum" else (weighted / total if total else 0.0)
        return _as_result(form, round(value) if slip == "round" else value)

    return score


def answers_for(name: str, expected: dict):
    """A strategy of answers to the check ``name`` with these expected values, right and wrong."""
    name, expected = DRAWN_AS.get(id(expected), (name, expected))
    if name == "one_day_apart":
        return st.tuples(*(scalars(v) for v in expected["values"]))
    if name in ("counts", "values_by_year", "yearly_numbers"):
        return by_label(expected["expected"])
    if name == "meeting_gaps":
        return sequences(list(expected["expected"]), days=True)
    if name == "resolution_numbers" and not expected.get("columns"):
        return sequences(list(expected["expected"]))
    if name == "resolution_numbers":
        return rows("resolutions", "number", expected["expected"], ["adopted"])
    if name == "venue_names" and not expected.get("columns"):
        return names(list(expected["expected"]))
    if name == "venue_names":
        return rows("venues", "name", expected["expected"], [])
    if name in ("number", "number_from_rows"):
        return scalars(expected["accept"][0])
    if name == "number_between":
        return scalars(expected["high"] // 2)
    if name == "rounded_number":  # unrounded, or rounded to any number of decimals
        return st.integers(0, 8).flatmap(lambda d: scalars(round(expected["exact"], d) if d < 8 else expected["exact"]))
    if name == "day_count":
        return scalars(expected["expected"])
    if name in ("timeline_dates_parsed", "timeline_sorted"):
        return timelines()
    if name == "us_dprk_meetings":
        return timelines(meetings_only=True)
    if name == "caps_with_dates":
        return joins()
    if name == "wide_by_year":
        return wide_tables()
    if name in ("plot_shows", "plotted_numbers"):
        return plots(expected["y"])
    if name == "days_between":
        return day_counters()
    if name == "score_function":
        return scorers()
    raise AssertionError(f"no answers are drawn for the check {name!r}: add them here")


def test_every_check_of_the_module_has_answers_drawn_for_it():
    from course.checks import registered

    assert set(CALLS) == {n for n in registered() if not n.startswith("quiz_")}
    for name, calls in CALLS.items():
        for expected in calls:
            answers_for(name, expected)


def _calls_of(*checks: str) -> list:
    return [(name, expected) for name in checks for expected in CALLS[name]]


def _property(*checks: str):
    """One property over the real calls of ``checks``: the verdict inside equals the verdict outside."""
    calls = _calls_of(*checks)

    @BOUNDED
    @given(st.data())
    def prop(data):
        name, expected = data.draw(st.sampled_from(calls), label="call")
        assert_same_verdict(name, data.draw(answers_for(name, expected), label="answer"), expected)

    return prop


test_numbers_by_label_get_the_same_verdict_outside = _property("counts", "values_by_year", "yearly_numbers")
test_lists_of_numbers_and_names_get_the_same_verdict_outside = _property(
    "meeting_gaps", "resolution_numbers", "venue_names"
)
test_single_numbers_get_the_same_verdict_outside = _property(
    "number", "number_from_rows", "number_between", "rounded_number", "day_count"
)
test_tables_get_the_same_verdict_outside = _property(
    "timeline_dates_parsed", "timeline_sorted", "us_dprk_meetings", "caps_with_dates", "wide_by_year"
)
test_plots_and_functions_get_the_same_verdict_outside = _property(
    "plot_shows", "plotted_numbers", "days_between", "score_function"
)


# -- any value the export carries, under any check ------------------------------------------------------------------
ZONES = st.sampled_from([None, datetime.timezone.utc, zoneinfo.ZoneInfo("America/New_York")])
LEAVES = st.one_of(
    st.integers(-(10**6), 10**6),
    st.floats(width=64),
    st.text(max_size=4),
    st.booleans(),
    st.none(),
    st.integers(-1000, 3000).map(np.int64),
    st.integers(0, 255).map(np.uint8),
    st.floats(width=32).map(np.float32),
    st.floats(width=64).map(np.float64),
    st.text(max_size=4).map(np.str_),
    st.booleans().map(np.bool_),
    st.sampled_from([pd.NA, pd.NaT, np.datetime64("NaT"), np.datetime64("2019-02-27"), np.timedelta64(3, "D")]),
    st.datetimes(
        min_value=datetime.datetime(1950, 1, 1),
        max_value=datetime.datetime(2050, 1, 1),
        timezones=ZONES,
        allow_imaginary=False,
    ).map(pd.Timestamp),
    st.timedeltas(min_value=datetime.timedelta(days=-999), max_value=datetime.timedelta(days=999)).map(pd.Timedelta),
)
KEYS = st.one_of(
    st.integers(1990, 2020), st.text(max_size=3), st.text(max_size=3).map(np.str_), st.integers(0, 9).map(np.int64)
)


@st.composite
def pandas_values(draw):
    """A Series or Index of a dtype a student's pandas code makes, labels of any kind."""
    n = draw(st.integers(0, 4))
    kind = draw(
        st.sampled_from(["Int64", "Float64", "boolean", "string", "category", "zoned", "int64", "float64", "str"])
    )
    raw = {
        "Int64": st.one_of(st.integers(-50, 50), st.just(pd.NA)),
        "Float64": st.one_of(st.floats(-1e6, 1e6), st.just(pd.NA)),
        "boolean": st.one_of(st.booleans(), st.just(pd.NA)),
        "string": st.one_of(st.text(max_size=3), st.just(pd.NA)),
        "category": st.sampled_from(["US", "DPRK", "ROK"]),
        "zoned": st.datetimes(
            min_value=datetime.datetime(2018, 1, 1), max_value=datetime.datetime(2020, 1, 1), allow_imaginary=False
        ),
        "int64": st.integers(-50, 50),
        "float64": st.floats(width=64),
        "str": st.text(max_size=3),
    }[kind]
    values = draw(st.lists(raw, min_size=n, max_size=n))
    if kind == "zoned":
        data = pd.DatetimeIndex(values).tz_localize("America/New_York", ambiguous="NaT", nonexistent="NaT")
        return pd.Series(data) if draw(st.booleans()) else data
    labels = draw(st.lists(KEYS, min_size=n, max_size=n, unique_by=lambda k: (type(k).__name__, k)))
    if draw(st.booleans()):
        return pd.Index(values, dtype=kind)
    return pd.Series(values, index=pd.Index(labels, dtype=object), dtype=kind)


ANY_VALUE = st.recursive(
    st.one_of(LEAVES, pandas_values(), st.dictionaries(KEYS, st.integers(0, 9), max_size=3).map(collections.Counter)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.tuples(inner, inner), st.dictionaries(KEYS, inner, max_size=3)
    ),
    max_leaves=8,
)
ALL_CALLS = [(name, expected) for name, calls in CALLS.items() for expected in calls]


@BOUNDED
@given(st.sampled_from(ALL_CALLS), ANY_VALUE)
def test_any_value_the_export_carries_gets_the_same_verdict_under_every_check(call, answer):
    name, expected = call
    if name in ("days_between", "score_function"):  # a function's answer is its results: any value is one
        answer = (lambda value: lambda *args: value)(answer)
    assert_same_verdict(name, answer, expected)


# -- the honest answers a held-out set found accused ------------------------------------------------------------------
def _expected(check_name: str, /, **match) -> dict:
    return next(e for e in CALLS[check_name] if all(e.get(k) == v for k, v in match.items()))


def test_counts_labelled_by_numpy_text_pass_outside():
    """``pd.Series(Counter(arr.astype(str)))`` and ``pd.Series(dict(zip(*np.unique(..., return_counts=True))))``:
    labels of type np.str_, which the export once turned into stand-ins."""
    sides = load("accounts")["side"].to_numpy().astype(str)
    expected = _expected("counts", name="accounts_by_side")
    for answer in (
        pd.Series(collections.Counter(sides)),
        pd.Series(dict(zip(*np.unique(sides, return_counts=True)))),
    ):
        assert isinstance(answer.index[0], np.str_)
        assert inside_and_outside("counts", answer, expected) == (("pass", None), ("pass", None))


def test_a_list_of_numpy_strings_passes_outside():
    """``list(np.array(names)[order])``: a list of np.str_."""
    venues = load("venues")
    order = np.lexsort((venues["month"], venues["year"]))
    answer = list(np.array(venues["name"].tolist())[order])
    assert type(answer[0]) is np.str_
    for expected in CALLS["venue_names"]:
        if expected["name"] == "chronology":
            assert inside_and_outside("venue_names", answer, expected) == (("pass", None), ("pass", None))


def test_a_timeline_in_new_york_time_across_summer_time_passes_outside():
    """Dates localised to New York time hold two UTC offsets (-05:00 and -04:00): the grader once could not
    read them back and flagged the student."""
    events = load("timeline", parse_dates=False)
    timeline = events.assign(date=pd.to_datetime(events["date"]).dt.tz_localize("America/New_York"))
    timeline = timeline.sort_values("date")
    assert timeline["date"].map(lambda d: d.utcoffset()).nunique() == 2
    for name in ("timeline_dates_parsed", "timeline_sorted"):
        for expected in CALLS[name]:
            assert inside_and_outside(name, timeline, expected) == (("pass", None), ("pass", None))


def test_a_nullable_growth_series_with_na_first_passes_as_one_with_nan_first():
    """D.1 (numbers by year) accepts <NA> first as A.4 (days between meetings) always did: missing values are
    dropped alike by every check of numbers."""
    arrivals = load("arrivals").set_index("year")["arrivals"].astype("Int64")
    growth = arrivals.pct_change() * 100
    assert growth.isna().iloc[0] and growth.iloc[0] is pd.NA
    for expected in CALLS["yearly_numbers"]:
        if expected["name"] == "arrivals_growth":
            assert inside_and_outside("yearly_numbers", growth, expected) == (("pass", None), ("pass", None))
    meetings = pd.Series(pd.to_datetime(["2018-06-12", "2019-02-27", "2019-06-30"]))
    gaps = meetings.diff().dt.days.astype("Int64")
    assert gaps.iloc[0] is pd.NA
    for expected in CALLS["meeting_gaps"]:
        assert inside_and_outside("meeting_gaps", gaps, expected) == (("pass", None), ("pass", None))


def test_meetings_that_keep_five_columns_fail_as_the_prompt_says_keep_all():
    timeline = load("timeline")
    rows = timeline[(timeline["category"] == "leaders_meeting") & timeline["parties"].str.contains("US")]
    five = rows[["date", "event", "place", "category", "parties"]]
    visible = _expected("us_dprk_meetings", columns=list(load("timeline", parse_dates=False).columns))
    assert inside_and_outside("us_dprk_meetings", rows, visible) == (("pass", None), ("pass", None))
    assert inside_and_outside("us_dprk_meetings", five, visible) == ("fail", "fail")
    with pytest.raises(CheckFailed, match=r"no column\(s\) \['end_date', 'date_alt'.*Keep all the columns"):
        run_check("us_dprk_meetings", five, **visible)
