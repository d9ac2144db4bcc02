"""Every test cell decided outside the student's kernel (docs/grading-safety.md, threat 2).

nbgrader scores a test cell by running it in the student's kernel, where the student's code can change
what the test does, and where the hidden tests' expected values and the quiz keys can be read. So autograde
runs two more steps around nbgrader's Execute (see course.grading.config):

* :class:`RecordAnswers`, before the kernel starts, replaces each graded test cell of the autograded copy by
  its *kernel version* (:meth:`MasterTest.kernel_source`): the visible part of the test, as every student has
  it in the release, then, for each hidden check, only the recording of its answer
  (``course.export.record``, with the inputs of a function's cases). Hidden expected values and quiz keys
  never enter the kernel.
* :class:`DecideOutside`, after the kernel, before nbgrader's SaveAutoGrades, runs the instructor's test cell
  from source/ in the grader's process (:func:`decide`): every check on the answer rebuilt from the kernel's
  record, the quiz checks on the submitted ``quiz_answers.json``. What that run prints, returns or raises
  becomes the cell's outputs, and the instructor's source is put back. nbgrader then scores the cell as
  always, so the gradebook, the formgrader and the feedback all show this verdict.

A cell that the kernel passed but that fails here on a visible check whose answer was carried whole, or whose
answers the kernel did not record, is a sign of tampering: it is named in the notebook's metadata (:data:`META`)
and the student is flagged (course.teacher.classroom). An answer that holds a value the export cannot carry (an
interval, a Fraction: course.export) fails with the check's advice and is not flagged: that is a limit of the
export, not evidence, unless the value is of a type the student's own code defined (docs/grading-safety.md).
"""

import ast
import contextlib
import copy
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
import numpy as np
import pandas as pd
from nbformat.v4 import new_output
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import NbGraderPreprocessor

from ..export import (
    MIME,
    QUIZ_CHECKS,
    NotExported,
    Unexportable,
    _unexportable,
    case_inputs,
    export,
    not_carried,
    restore,
)
from ..quiz.record import answers_from
from .report import KERNEL_DIED, META, NOT_RUN, TIMEOUT_ERRORS
from .tamper import _meta  # a cell's nbgrader metadata

#: nbgrader's markers of hidden tests (ClearHiddenTests removes the lines between them from the release).
HIDDEN_BEGIN, HIDDEN_END = "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"
#: The name the kernel version of a test cell gives course.export.record.
RECORD = "_record_answer"


def _code(source: str) -> str:
    """The cell as Python: IPython's magics and shell lines become blank lines (line numbers are kept)."""
    return "\n".join("" if ln.lstrip().startswith(("%", "!")) else ln for ln in source.splitlines())


def _is_check(node: Any) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "check"
        and bool(node.args)
        and isinstance(node.args[0], ast.Constant)
    )


def _hidden_lines(code: str) -> set:
    hidden, inside = set(), False
    for number, line in enumerate(code.splitlines(), 1):
        if HIDDEN_BEGIN in line:
            inside = True
        if inside:
            hidden.add(number)
        if HIDDEN_END in line:
            inside = False
    return hidden


def setup_namespace(source_nb) -> dict:
    """The data sets as the source notebook's own (instructor) cells load them, with ``pd`` and ``np``:
    only ``name = load("...", literal options)`` statements are taken, nothing else is run."""
    from ..data import load

    names = {"pd": pd, "np": np}
    for cell in source_nb.cells:
        if cell.cell_type != "code" or _meta(cell).get("solution") or _meta(cell).get("grade"):
            continue
        try:
            tree = ast.parse(_code(cell.source))
        except SyntaxError:
            continue
        for node in tree.body:
            if (
                isinstance(node, ast.Assign)
                and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)
                and isinstance(node.value, ast.Call)
                and getattr(node.value.func, "id", None) == "load"
            ):
                args = [ast.literal_eval(a) for a in node.value.args]
                kwargs = {k.arg: ast.literal_eval(k.value) for k in node.value.keywords}
                names[node.targets[0].id] = load(*args, **kwargs)
    return names


@dataclass
class Call:
    """One ``check(name, answer, **expected)`` call of a test cell."""

    name: str
    answer: str | None  # the answer's source, or None when it is a constant (a quiz question's reference)
    hidden: bool  # in the hidden part of the test
    expected: dict  # evaluated in the grader's process

    @property
    def needs_record(self) -> bool:
        """Its answer is the student's object, recorded in the kernel (a quiz's answer is a file)."""
        return self.answer is not None and self.name not in QUIZ_CHECKS


class _Calls(ast.NodeTransformer):
    """Each check call -> ``__check__(k, name, answer or None, **expected)``: the student's names are never
    evaluated in the grader's process."""

    def __init__(self, order: dict):
        self.order = order

    def visit_Call(self, node):
        self.generic_visit(node)
        if not _is_check(node):
            return node
        answer = node.args[1] if len(node.args) > 1 and isinstance(node.args[1], ast.Constant) else ast.Constant(None)
        k = ast.Constant(self.order[(node.lineno, node.col_offset)])
        return ast.copy_location(
            ast.Call(ast.Name("__check__", ast.Load()), [k, node.args[0], answer], node.keywords), node
        )


def _record_line(call: Call) -> str:
    """The kernel's line that records the answer of a check call (with the inputs of a function's cases)."""
    inputs = case_inputs(call.expected)
    extra = "" if inputs is None else f", {json.dumps(export(inputs))!r}"
    return f"{RECORD}({call.name!r}, {call.answer}{extra})"


class MasterTest:
    """A graded test cell of the source notebook, as the grader reads it (the instructor's code only)."""

    def __init__(self, source: str, namespace: dict):
        self.source, self.code, self.namespace = source, _code(source), namespace
        self.tree = ast.parse(self.code)
        nodes = sorted((n for n in ast.walk(self.tree) if _is_check(n)), key=lambda n: (n.lineno, n.col_offset))
        self._order = {(n.lineno, n.col_offset): k for k, n in enumerate(nodes)}
        hidden = _hidden_lines(self.code)
        expected = []
        self.run(lambda k, name, answer, /, **kw: expected.append(kw))
        if len(expected) != len(nodes):
            raise ValueError(f"a test cell must make each of its check calls once, in order:\n{source}")
        self.calls = [
            Call(
                n.args[0].value,
                None if len(n.args) < 2 or isinstance(n.args[1], ast.Constant) else ast.unparse(n.args[1]),
                n.lineno in hidden,
                kw,
            )
            for n, kw in zip(nodes, expected)
        ]
        self._hidden = hidden

    def run(self, check) -> Any:
        """Run the cell here with ``check(k, name, answer, **expected)`` for its k-th check call; the value of
        its last expression."""
        tree = _Calls(self._order).visit(ast.parse(self.code))
        last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        ast.fix_missing_locations(tree)
        # each run gets its own copy of the data sets: a test cell that changes one in place changes nothing
        # for the next cell or the next student (the tests are read once per run, see _tests_of)
        names = {
            k: v.copy(deep=True) if isinstance(v, (pd.DataFrame, pd.Series)) else v for k, v in self.namespace.items()
        }
        names["__check__"] = check
        exec(compile(tree, "<test cell>", "exec"), names)  # noqa: S102 - the instructor's test, from source/
        if last is None:
            return None
        return eval(compile(ast.fix_missing_locations(ast.Expression(last.value)), "<test cell>", "eval"), names)

    def kernel_source(self) -> str:
        """What the kernel runs at grading time: the visible statements as they are, and for each hidden check
        that reads a student's object only the recording of that object."""
        lines, out, recorded = self.code.splitlines(), [], False
        calls = iter(self.calls)  # in the order of the source, as the statements are
        for stmt in self.tree.body:
            inside = [next(calls) for n in ast.walk(stmt) if _is_check(n)]
            if stmt.lineno not in self._hidden:
                out.append("\n".join(lines[stmt.lineno - 1 : stmt.end_lineno]))
                continue
            for call in inside:
                if call.needs_record:
                    out.append(_record_line(call))
                    recorded = True
        if recorded:
            out.insert(0, f"from course.export import record as {RECORD}")
        return "\n".join(out)

    def record_source(self) -> str:
        """What the kernel runs in the second run on shifted data (course.grading.computed): the recording of every
        answer the cell's checks read, in their order, and no check (a visible check would stop the cell on data
        it was not written for, before the later answers are recorded)."""
        lines = []
        for call in self.calls:
            if call.needs_record:
                lines.append(_record_line(call))
        return "\n".join([f"from course.export import record as {RECORD}", *lines] if lines else [])


class MissingAnswer(Exception):
    """The kernel did not record the answer a check needs (or recorded something else)."""


@dataclass
class Decision:
    """The verdict of a test cell run in the grader's process."""

    outputs: list
    passed: bool
    why: str = ""  # the first line of the failure
    missing: bool = False  # failed because an answer was not recorded as it should be
    # failed on a check of the visible part (which the kernel also ran) on an answer the export carried whole:
    # evidence of tampering
    visible: bool = False
    # failed on a visible check only where the export could not carry part of its answer: no evidence
    limit: bool = False


def records(cell) -> list:
    """The exported answers a cell's outputs hold, in order."""
    return [
        out["data"][MIME]
        for out in cell.get("outputs", [])
        if out.get("output_type") in ("display_data", "execute_result") and MIME in out.get("data", {})
    ]


def _answer(call: Call, record: Any) -> tuple[Any, list]:
    """The answer rebuilt from its record, and the type names of the values in it the export could not carry
    (course.export.not_carried), which the rebuilt answer holds as stand-ins that no check accepts."""
    if not isinstance(record, dict) or record.get("check") != call.name or not isinstance(record.get("answer"), dict):
        raise MissingAnswer(f"the answer recorded for {call.name} is not that of this check")
    lost = not_carried(record["answer"])
    try:
        answer = restore(record["answer"])
    except NotExported as exc:  # an honest answer of a kind the export does not carry
        answer = _unexportable(str(exc))
    except KeyError as exc:  # a field the export always writes is absent: the kernel did not write this record
        raise MissingAnswer(f"the answer recorded for {call.name} cannot be read ({type(exc).__name__})") from None
    except Exception as exc:  # noqa: BLE001 - values the export wrote but the grader cannot rebuild: a limit
        answer = _unexportable(f"error {type(exc).__name__}")
    if isinstance(answer, Unexportable) and answer.type_name not in lost:
        lost.append(answer.type_name)
    return answer, lost


def _a_limit(lost: list) -> bool:
    """Values the export could not carry, none of a type the student's code defined: a limit of the export,
    which fails the check with advice but is no sign of tampering (docs/grading-safety.md)."""
    return bool(lost) and not any(_unexportable(t).own for t in lost)


def _not_carried_message(call: Call, lost: list, error: Exception) -> str:
    """Why an answer holding values the export could not carry fails: what they are and what to do, then what
    the check found (it saw stand-ins in their place)."""
    from ..checks import CheckFailed
    from ..checks.expect import code, described

    what = ", ".join(dict.fromkeys(described(_unexportable(t)) for t in lost[:20]))
    found = str(error) if isinstance(error, CheckFailed) else f"The check could not read it ({type(error).__name__})."
    return (
        f"{code(call.answer or 'the answer')} holds values the grader cannot read back ({what}): turn them into "
        f"numbers or text (for example with `.astype(str)` or `float(...)`), as the exercise asks. {found}"
    )


def _unexportable_message(call: Call, answer: Unexportable) -> str:
    """Why an answer the grader could not rebuild fails, in the student's terms: the check's own message
    when it rejects the stand-in (named after the student's type, so it reads as it does in the kernel:
    "`ax` should be the Axes ..., but it is a matplotlib Text object"), else a general one. Either way the
    cell fails: this only chooses the words."""
    from ..checks import _REGISTRY, CheckFailed
    from ..checks.expect import code, described

    try:
        with contextlib.redirect_stdout(io.StringIO()):
            _REGISTRY[call.name](answer, **call.expected)
    except CheckFailed as failure:
        return str(failure)
    except Exception:  # noqa: BLE001 - the check could not even look at it: the general message
        pass
    return (
        f"{code(call.answer or 'the answer')} is {described(answer)}, which the grader cannot check: give it "
        "as a plain value (a number, text, list, dict, Series or DataFrame), as the exercise asks."
    )


def _checker(test: MasterTest, found: list, lenient: bool, failed: list, current: list, limited: set | None = None):
    """The ``check`` a test cell runs here: the k-th call on the answer recorded for it. ``lenient`` notes a
    failing call in ``failed`` (and in ``limited``, by id, when it failed where the export could not carry its
    answer) and goes on, to learn which calls fail, not only the first."""
    from ..checks import CheckFailed, run_check

    queue = list(found)

    def check(k, name, answer, /, **expected):
        call = test.calls[k]
        current[:] = [call]
        lost = []
        try:
            if call.needs_record:
                if not queue:
                    raise MissingAnswer(
                        f"no answer was recorded in the kernel for check {k + 1} ({name}), so it scores zero"
                    )
                answer, lost = _answer(call, queue.pop(0))
                if isinstance(answer, Unexportable):
                    raise CheckFailed(_unexportable_message(call, answer))
            try:
                return run_check(name, answer, **expected)
            except Exception as error:
                if not _a_limit(lost) or isinstance(error, NotImplementedError):
                    raise
                raise CheckFailed(_not_carried_message(call, lost, error)) from None
        except Exception:
            if not lenient:
                raise
            failed.append(call)
            if limited is not None and _a_limit(lost):
                limited.add(id(call))
            return None

    return check, queue


def decide(test: MasterTest, found: list, execution_count=None) -> Decision:
    """Run ``test`` here on the recorded answers ``found``; the outputs nbgrader will score."""
    current, failed = [], []
    check, queue = _checker(test, found, False, failed, current)
    printed = io.StringIO()
    outputs, value, error = [], None, None
    with contextlib.redirect_stdout(printed):
        try:
            value = test.run(check)
            if queue:
                raise MissingAnswer(
                    f"{len(found)} answers were recorded in the kernel for "
                    f"{sum(c.needs_record for c in test.calls)} check(s)"
                )
        except Exception as exc:  # noqa: BLE001 - any error fails the cell, as in the kernel
            error = exc
    if printed.getvalue():
        outputs.append(new_output("stream", name="stdout", text=_once(printed.getvalue())))
    if error is None:
        if value is not None:
            outputs.append(
                new_output("execute_result", data={"text/plain": repr(value)}, execution_count=execution_count)
            )
        return Decision(outputs, True)
    ename, evalue = type(error).__name__, str(error)
    outputs.append(new_output("error", ename=ename, evalue=evalue, traceback=[f"\x1b[0;31m{ename}\x1b[0m: {evalue}"]))
    limited: set = set()
    if current:  # which calls fail, past the first: does any visible one (the kernel ran those too)?
        lenient, _ = _checker(test, found, True, failed, [], limited)
        with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(Exception):
            test.run(lenient)
    return Decision(
        outputs,
        False,
        why=f"{ename}: {evalue.splitlines()[0][:200] if evalue else ''}",
        missing=isinstance(error, MissingAnswer),
        visible=any(not c.hidden and id(c) not in limited for c in failed),
        limit=any(not c.hidden and id(c) in limited for c in failed),
    )


def _once(text: str) -> str:
    """The lines a test cell printed, each "passed" line once: a visible check and its hidden twin both pass
    under one name, and the student's feedback would show the same line twice."""
    seen, kept = set(), []
    for line in text.splitlines(keepends=True):
        if line.startswith("\u2714 ") and line in seen:
            continue
        seen.add(line)
        kept.append(line)
    return "".join(kept)


def _without_recording(outputs: list) -> list:
    """The kernel's outputs as the student may see them: a traceback frame of the test cell's kernel version
    (which shows the recording the grader put there, not the test the student has) is left out; the error's
    name and message, and frames in the student's own code, stay."""
    kept = []
    for out in outputs:
        if out.get("output_type") == "error" and any(RECORD in line for line in out.get("traceback", [])):
            out = nbformat.from_dict({**out, "traceback": [ln for ln in out["traceback"] if RECORD not in ln]})
        kept.append(out)
    return kept


def _stopped(outputs: list) -> bool:
    """The kernel died, was stopped, or ran out of time in this cell (or before it)."""
    return any(
        o.get("output_type") == "error" and o.get("ename") in {KERNEL_DIED, NOT_RUN, *TIMEOUT_ERRORS} for o in outputs
    )


def master_tests(source_nb, namespace: dict) -> dict:
    """``{grade_id: MasterTest}`` of every graded test cell of a source notebook that calls ``check``."""
    tests = {}
    for cell in source_nb.cells:
        meta = _meta(cell)
        if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution") and "check(" in cell.source:
            test = MasterTest(cell.source, namespace)
            if test.calls:
                tests[meta["grade_id"]] = test
    return tests


_STATE = "hanoi_course_tests"
_READ: dict = {}


def _tests_of(source: Path) -> dict:
    """The master tests of a source notebook, read once per grading run (again only if the file changes)."""
    stat = source.stat()
    key = (str(source.resolve()), stat.st_mtime_ns, stat.st_size)
    if key not in _READ:
        master = nbformat.read(source, as_version=4)
        if len(_READ) > 8:  # a run grades one assignment; the demo grades three in one process
            _READ.clear()
        _READ[key] = master_tests(master, setup_namespace(master))
    return _READ[key]


class RecordAnswers(NbGraderPreprocessor):
    """Before the kernel runs: each graded test cell becomes its kernel version (answers recorded, nothing
    decided, no expected value or key)."""

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        coursedir = CourseDirectory(config=self.config)
        source = (
            Path(coursedir.format_path(coursedir.source_directory, ".", info["assignment"]))
            / f"{info['notebook']}.ipynb"
        )
        if not source.is_file():
            return nb, resources
        tests = _tests_of(source)
        folder = Path(coursedir.format_path(coursedir.submitted_directory, info["student"], info["assignment"]))
        resources[_STATE] = {"tests": tests, "answers": folder, "source": source}
        for cell in nb.cells:
            test = tests.get(_meta(cell).get("grade_id"))
            if test is not None and cell.cell_type == "code":
                cell.source = test.kernel_source()
        resources[_STATE]["pristine"] = copy.deepcopy(nb)  # what the second run runs (course.grading.computed)
        return nb, resources


class DecideOutside(NbGraderPreprocessor):
    """After the kernel: each graded test cell decided in the grader's process (see the module's text)."""

    def preprocess(self, nb, resources):
        state = resources.get(_STATE)
        if not state:
            return nb, resources
        findings, second = [], state.get("second")
        with answers_from(state["answers"]):
            for cell in nb.cells:
                gid = _meta(cell).get("grade_id")
                test = state["tests"].get(gid)
                if test is None or cell.cell_type != "code":
                    continue
                findings += self._decide(cell, gid, test)
                if second is not None:
                    self._second_run(cell, gid, test, second)
        nb.metadata[META] = {**nb.metadata.get(META, {}), "findings": findings}
        not_computed = [_meta(c)["grade_id"] for c in nb.cells if c.metadata.get(META, {}).get("not_computed")]
        if second is not None:
            nb.metadata[META]["not_computed"] = not_computed
        return nb, resources

    @staticmethod
    def _second_run(cell, gid: str, test: MasterTest, second: dict) -> None:
        """A test cell that passed fails if an answer it checks was not computed from the data: the same on the
        second run's shifted data, or right only on the real data (course.grading.computed)."""
        from .computed import NOT_COMPUTED, findings

        passed = not any(o.get("output_type") == "error" for o in cell.outputs)
        found = cell.metadata.get(META, {}).get("recorded", [])
        if not passed or not found:
            return
        recorded = [c for c in test.calls if c.needs_record]
        said = []
        for i, why in findings(gid, found, second):
            answer = recorded[i].answer if i < len(recorded) else None
            line = why.format(answer=f"`{answer}`" if answer else "Your answer")
            if line not in said:
                said.append(line)
        if said:
            text = " ".join(said)
            cell.outputs = [new_output("error", ename=NOT_COMPUTED, evalue=text, traceback=[f"{NOT_COMPUTED}: {text}"])]
            cell.metadata[META] = {**cell.metadata.get(META, {}), "not_computed": said}

    @staticmethod
    def _decide(cell, gid: str, test: MasterTest) -> list:
        cell.source = test.source
        found = records(cell)
        kept = _without_recording(
            [
                o
                for o in cell.outputs
                if not (o.get("output_type") in ("display_data", "execute_result") and MIME in o.get("data", {}))
            ]
        )
        if found:
            cell.metadata[META] = {"recorded": found}
        if _stopped(kept):  # nothing of this cell can be trusted or was run: it earns nothing
            cell.outputs = kept
            return []
        decision = decide(test, found, cell.get("execution_count"))
        kernel_error = any(o.get("output_type") == "error" for o in kept)
        if kernel_error and (decision.passed or decision.missing):
            cell.outputs = kept  # the kernel's error says why (a name not defined, ...): the cell fails
            return []
        cell.outputs = decision.outputs
        if kernel_error or decision.passed:
            return []
        if decision.missing:
            return [f"'{gid}': the kernel did not record its answers ({decision.why})"]
        if decision.visible:
            return [f"'{gid}' passed in the kernel but not outside it ({decision.why})"]
        return []
