"""Fairness cases, one module per assignment: (kind, answer code, {test cell: points it must earn}).

"ok" cases are other correct solutions; "wrong" cases are typical wrong methods; "typed" cases are the keys typed
in (or a selection typed from them), which the checks accept and the second run on shifted data must take every
point from (docs/grading-safety.md, "Computed, not typed"). See tests/test_fairness.py.
"""

OK, WRONG, TYPED = "ok", "wrong", "typed"
