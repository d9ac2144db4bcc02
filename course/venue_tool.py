"""The venue-scoring tool of assignment 3: one weight slider per criterion, and a table that
re-ranks the candidate venues with the student's own ``score(row, weights)`` whenever a slider moves.

The student's function runs inside a ``try``: whatever it raises, or a result that is not a number,
is shown in the table's place, so a bug in it never breaks the widget.
"""

import html
import math
from collections.abc import Callable, Sequence
from numbers import Real

import ipywidgets as widgets
import pandas as pd

__all__ = ["venue_tool", "VenueTool", "CRITERIA"]

#: The rated columns of ``load("venue_candidates")``: 0-5, higher is better for a host.
CRITERIA = ("relations_with_both", "distance", "security_record", "cost", "neutrality")


class ScoreProblem(Exception):
    """The student's score function failed or returned something that is not a number."""


class VenueTool(widgets.VBox):
    """Sliders (``.sliders``, one IntSlider 0-5 per criterion) above a ranked table (``.table``).

    After every change ``.ranking`` lists the venues best first and ``.error`` holds the message
    shown instead of the table, or None.
    """

    def __init__(
        self,
        score: Callable,
        venues: pd.DataFrame,
        criteria: Sequence[str] = CRITERIA,
        label: str = "candidate",
        start: int = 1,
    ):
        if not callable(score):
            raise TypeError(
                f"venue_tool needs your score function first, but got a {type(score).__name__}. "
                "Pass the function itself: venue_tool(score, candidates)."
            )
        missing = [c for c in (*criteria, label) if c not in getattr(venues, "columns", [])]
        if missing:
            raise ValueError(
                f"venue_tool needs a DataFrame with the columns {missing}, such as load('venue_candidates')."
            )
        self.score, self.venues, self.criteria, self.label = score, venues, list(criteria), label
        self.sliders = {
            c: widgets.IntSlider(
                value=start,
                min=0,
                max=5,
                description=c.replace("_", " "),
                continuous_update=False,
                style={"description_width": "140px"},
            )
            for c in self.criteria
        }
        self.table = widgets.HTML()
        self.ranking: list = []
        self.error = None
        for slider in self.sliders.values():
            slider.observe(self.refresh, names="value")
        intro = widgets.HTML(
            "<b>Weight each criterion</b> (0 = ignore it, 5 = matters most). "
            "The table re-ranks the venues with your <code>score</code> function."
        )
        super().__init__([intro, *self.sliders.values(), self.table])
        self.refresh()

    @property
    def weights(self) -> dict:
        return {c: s.value for c, s in self.sliders.items()}

    def _score(self, row: pd.Series, weights: dict) -> float:
        where = f"score(row of {row[self.label]!r}, {weights})"
        try:
            value = self.score(row, dict(weights))
        except NotImplementedError:
            raise ScoreProblem(
                "Your score function is not written yet (it raises NotImplementedError). "
                "Write it, run its cell, then run this cell again."
            ) from None
        except Exception as exc:
            raise ScoreProblem(f"{where} raised {type(exc).__name__}: {exc}") from None
        # Real, not Number: a complex result is a Number that cannot be ranked (or tested for NaN).
        if isinstance(value, bool) or not isinstance(value, Real):
            raise ScoreProblem(f"{where} returned {value!r} ({type(value).__name__}); it should return a number.")
        if math.isnan(value):
            raise ScoreProblem(f"{where} returned NaN (not a number); it should return a number.")
        return float(value)

    def ranked(self, weights: dict) -> pd.DataFrame:
        """The venues with their scores, best first (ties keep the table's order)."""
        scores = [self._score(row, weights) for _, row in self.venues.iterrows()]
        table = self.venues[[self.label, *self.criteria]].assign(score=scores)
        table = table.sort_values("score", ascending=False, kind="stable")
        return table.assign(rank=range(1, len(table) + 1))[["rank", self.label, "score", *self.criteria]]

    def refresh(self, change=None) -> None:
        try:
            table = self.ranked(self.weights)
        except ScoreProblem as problem:
            self.ranking, self.error = [], str(problem)
            self.table.value = (
                f"<p style='color:#a00'><b>The ranking cannot be shown.</b> "
                f"{html.escape(self.error)}</p><p>Fix <code>score</code>, run its cell, then run "
                "this cell again to rebuild the tool.</p>"
            )
            return
        self.ranking, self.error = list(table[self.label]), None
        self.table.value = table.to_html(index=False, float_format=lambda x: f"{x:.2f}", border=0)


def venue_tool(score: Callable, venues: pd.DataFrame, **options) -> VenueTool:
    """The interactive ranking: ``venue_tool(score, load("venue_candidates"))``."""
    return VenueTool(score, venues, **options)
