"""What a student sees in a real kernel: a failed check reads like a teacher's note (their line and the
advice, no course internals), while an error in their own code keeps its normal traceback."""

import re

import pytest
from jupyter_client.manager import start_new_kernel

ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture(scope="module")
def kernel():
    km, kc = start_new_kernel(kernel_name="python3")
    try:
        yield kc
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def run(kc, code: str) -> list:
    """The error outputs of running ``code`` in the kernel, tracebacks as plain text."""
    errors = []

    def keep(msg):
        if msg["msg_type"] == "error":
            errors.append({**msg["content"], "text": ANSI.sub("", "\n".join(msg["content"]["traceback"]))})

    kc.execute_interactive(code, output_hook=keep, timeout=60)
    return errors


def test_a_failed_check_shows_the_students_line_and_the_advice_only(kernel):
    run(kernel, "from course import check")
    (error,) = run(kernel, 'x = 1\ncheck("number", x, name="x", accept=[2], advice="Count again.")')
    assert error["ename"] == "CheckFailed"
    assert 'check("number", x, name="x", accept=[2], advice="Count again.")' in error["text"]
    assert "`x` is 1; expected 2. Count again." in error["text"]
    assert "course" not in error["text"].replace("from course", "") and "run_check" not in error["text"]
    assert "exec(" not in error["text"] and len(error["text"].splitlines()) == 2, error["text"]


def test_a_long_advice_is_wrapped_between_words_and_names_no_class(kernel):
    """JupyterLab breaks an output line at the cell's edge inside a word ("Septemb|er"): the advice comes in lines
    short enough never to reach it, broken between words, with no class name before it."""
    advice = "Count the days from the Singapore summit in June to the Hanoi summit in late February " * 3
    run(kernel, "from course import check")
    (error,) = run(kernel, f'x = 1\ncheck("number", x, name="x", accept=[2], advice={advice!r})')
    text = error["text"]
    assert "CheckFailed" not in text and text.splitlines()[1].startswith("\u2718 `x` is 1; expected 2.")
    assert all(len(line) <= 80 for line in text.splitlines()[1:]), text
    assert " ".join(text.split()).endswith(" ".join(advice.split())), text  # every word, whole, in order


def test_an_error_in_the_students_own_code_keeps_its_traceback(kernel):
    (error,) = run(kernel, 'def lookup():\n    return {}["missing"]\nlookup()')
    assert error["ename"] == "KeyError"
    assert "lookup()" in error["text"] and 'return {}["missing"]' in error["text"]
