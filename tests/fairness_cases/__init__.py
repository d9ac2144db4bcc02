"""Fairness cases, one module per assignment: (kind, answer code, {test cell: points it must earn}).

"ok" cases are other correct solutions; "wrong" cases are typical wrong methods. See tests/test_fairness.py.
"""

OK, WRONG = "ok", "wrong"
