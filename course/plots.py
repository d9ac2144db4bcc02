"""The values a plot shows: what the checks read from a student's plot, and what the grader is sent of it.

Kernel side, used by ``course.checks`` (to check a plot) and ``course.export`` (to record it as plain data)
alike, so that both read a plot the same way.
"""

from typing import Any

import numpy as np


class NotAPlot(TypeError):
    """The answer holds something that is not a plot; ``item`` is that thing."""

    def __init__(self, item: Any):
        super().__init__(f"not a plot: {type(item).__name__}")
        self.item = item


def plot_values(answer: Any) -> list:
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
                raise NotAPlot(ax)
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
