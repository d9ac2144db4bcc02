"""The item analysis as files a teacher opens: ``index.html``, which holds its plots (also as SVG files beside it), so
it needs no network and opens from the work folder or in a hub's file browser, and a CSV of every table
(docs/insight.md).

Every plot is also a table on the page and has a text alternative; nothing is told by colour alone (the key and the
flagged questions are marked by shape and in words).
"""

import html
import re
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd

from .insight import FEW, LOW_DISCRIMINATION, Insight, to_look_at

#: The tables written as CSV files, by file name.
TABLES = ("items", "options", "reasons", "written", "timing", "scores")
KIND_WORDS = {"code": "code", "quiz": "quiz", "written": "written, read by the teacher"}


def write_report(found: Insight, folder: Path) -> Path:
    """Write ``found`` into ``folder`` (made if need be): index.html, its SVG plots and a CSV per table; the page."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name in TABLES:
        table = getattr(found, name)
        table.to_csv(folder / f"{name}.csv", index=name in ("items", "scores"), index_label="question")
    figures = _plots(found, folder)
    page = folder / "index.html"
    page.write_text(_template().render(page_context(found, figures)), encoding="utf-8")
    return page


def page_context(found: Insight, figures: dict) -> dict:
    """What the page's template shows, formatted for reading."""
    items = found.items.join(found.questions[["kind"]])
    per_question = {
        q: found.scores[q].dropna().value_counts().sort_index()
        for q in found.scores.columns
        if found.items.loc[q, "students"]
    }
    totals = found.totals.dropna()
    return {
        "assignment": found.assignment,
        "students": len(totals),
        "few": FEW,
        "low": LOW_DISCRIMINATION,
        "warnings": found.warnings,
        "reliability": found.reliability,
        "items": items,
        "look_first": to_look_at(found),
        "per_question": per_question,
        "options": found.options,
        "quiz_kinds": {
            q: found.options.loc[found.options["question"] == q] for q in found.options["question"].unique()
        },
        "reasons": found.reasons,
        "written": found.written,
        "timing": found.timing,
        "totals": totals,
        "figures": figures,
        "kind_words": KIND_WORDS,
        "tables": TABLES,
        "number": _number,
        "points": points,
        "orderings": found.orderings,
        "percent": _percent,
    }


def _number(value, digits: int = 2) -> str:
    return "–" if value is None or pd.isna(value) else f"{value:.{digits}f}".replace("-", "\u2212")


def _percent(value) -> str:
    return "–" if value is None or pd.isna(value) else f"{value:.0%}"


def _template():
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(
        loader=FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template("insight.html.j2")


def _short(found: Insight, question: str, response: str) -> str:
    """A response as a chart's label: an ordering's pair by the items' numbers in the key ("1 before 3")."""
    items = found.orderings.get(question)
    if items and ", before: " in response:
        first, second = response.split(", before: ", 1)
        if first in items and second in items:
            return f"item {items.index(first) + 1} before item {items.index(second) + 1}"
    if " \u2192 " in response:
        left, right = response.split(" \u2192 ", 1)
        return f"{textwrap.shorten(left, 34, placeholder='…')} \u2192 {textwrap.shorten(right, 34, placeholder='…')}"
    return textwrap.shorten(response, 70, placeholder="…")


def points(value) -> str:
    return f"{value:g} point" if value == 1 else f"{value:g} points"


# -- plots -------------------------------------------------------------------------------------------------------
def _plots(found: Insight, folder: Path) -> dict:
    """Each plot as an SVG file in ``folder`` and as markup: ``{name: {"file", "alt", "svg"}}``."""
    from matplotlib import rc_context

    figures = {}
    # text as text (small files, readable by search), for these plots only; drawn without pyplot, so a teacher's own
    # notebook keeps its backend, its settings and its open figures
    with rc_context({"svg.fonttype": "none", "font.size": 10}):
        figures["scatter"] = _scatter(found, folder / "difficulty-discrimination.svg")
        figures["scores"] = _score_bars(found, folder / "scores-per-question.svg")
        figures["totals"] = _totals(found, folder / "totals.svg")
        for n, question in enumerate(found.options["question"].unique()):
            figures[f"quiz {question}"] = _responses(found, question, folder / f"quiz-{n + 1}.svg")
    return {k: v for k, v in figures.items() if v}


def _save(fig, path: Path, alt: str) -> dict:
    """The figure as an SVG file beside the page, and as markup the page holds itself: JupyterLab's HTML viewer (a
    hub's file browser) shows a page without the files beside it. The markup is an image to assistive technology,
    named by ``alt``."""
    from matplotlib import rc_context

    with rc_context({"svg.hashsalt": path.stem}):
        fig.savefig(path, format="svg", bbox_inches="tight", metadata={"Date": None})
    markup = path.read_text(encoding="utf-8")
    markup = markup[markup.index("<svg") :]
    # matplotlib names the parts of every figure alike ("figure_1", "axes_1"): one page holds several
    for name in set(re.findall(r' id="([^"]+)"', markup)):
        markup = re.sub(rf'(id="|#){re.escape(name)}(["\)])', rf"\g<1>{path.stem}-{name}\g<2>", markup)
    named = f'<svg role="img" aria-label="{html.escape(alt)}"'
    markup = markup.replace("<svg", named, 1)
    markup = re.sub(r"(<svg[^>]*>)", lambda m: f"{m.group(1)}<title>{html.escape(alt)}</title>", markup, count=1)
    return {"file": path.name, "alt": alt, "svg": markup}


def _scatter(found: Insight, path: Path) -> dict | None:
    from matplotlib.figure import Figure

    shown = found.items.dropna(subset=["difficulty", "item_rest"])
    if shown.empty:
        return None
    fig = Figure(figsize=(7, 4.5))
    ax = fig.subplots()
    ax.axhspan(-1, LOW_DISCRIMINATION, color="0.92", zorder=0)
    ax.axhline(0, color="0.3", linewidth=0.8)
    flagged = shown["flags"].str.contains("discrimination")
    ax.scatter(shown.loc[~flagged, "difficulty"], shown.loc[~flagged, "item_rest"], marker="o", color="black")
    ax.scatter(shown.loc[flagged, "difficulty"], shown.loc[flagged, "item_rest"], marker="X", s=80, color="black")
    for question, row in shown.iterrows():
        ax.annotate(question, (row["difficulty"], row["item_rest"]), xytext=(5, 4), textcoords="offset points")
    ax.set_xlim(-0.05, 1.05)
    ax.set_ylim(min(-0.2, shown["item_rest"].min() - 0.1), 1.0)
    ax.set_xlabel("difficulty: mean share of the points earned (higher is easier)")
    ax.set_ylabel("discrimination: item-rest r")
    ax.text(0.0, LOW_DISCRIMINATION - 0.04, f"low discrimination (below {LOW_DISCRIMINATION})", va="top", size=8)
    alt = (
        f"Difficulty against discrimination for {len(shown)} questions. "
        + (
            "Flagged for low or negative discrimination (drawn as crosses): "
            + "; ".join(f"{q} (r {_number(r)})" for q, r in shown.loc[flagged, "item_rest"].items())
            + "."
            if flagged.any()
            else "No question has low or negative discrimination."
        )
        + " The table below lists every question's figures."
    )
    return _save(fig, path, alt)


def _score_bars(found: Insight, path: Path) -> dict | None:
    from matplotlib.figure import Figure

    graded = [q for q in found.scores.columns if found.scores[q].notna().any()]
    if not graded:
        return None
    columns = min(4, len(graded))
    rows = int(np.ceil(len(graded) / columns))
    fig = Figure(figsize=(2.2 * columns, 1.9 * rows))
    axes = fig.subplots(rows, columns, squeeze=False)
    for ax, question in zip(axes.flat, graded):
        counts = found.scores[question].dropna().value_counts().sort_index()
        ax.bar([f"{v:g}" for v in counts.index], counts.values, color="0.35")
        ax.set_title(f"{question} (of {found.questions.loc[question, 'points']:g})", size=9)
        ax.tick_params(labelsize=8)
    for ax in list(axes.flat)[len(graded) :]:
        ax.axis("off")
    fig.supxlabel("points earned", size=9)
    fig.supylabel("students", size=9)
    fig.tight_layout()
    alt = (
        f"Bar charts of how many students earned each score, one for each of {len(graded)} questions. "
        "The table below gives the same counts."
    )
    return _save(fig, path, alt)


def _totals(found: Insight, path: Path) -> dict | None:
    from matplotlib.figure import Figure

    totals = found.totals.dropna()
    if totals.empty:
        return None
    fig = Figure(figsize=(6, 3))
    ax = fig.subplots()
    ax.hist(totals, bins=min(20, max(5, int(np.sqrt(len(totals))) * 2)), color="0.35", edgecolor="white")
    ax.set_xlabel("total points graded so far")
    ax.set_ylabel("students")
    alt = (
        f"Histogram of the totals of {len(totals)} students: from {totals.min():g} to {totals.max():g} points, "
        f"median {totals.median():g}."
    )
    return _save(fig, path, alt)


def _responses(found: Insight, question: str, path: Path) -> dict | None:
    from matplotlib.figure import Figure

    rows = found.options.loc[found.options["question"] == question]
    if rows.empty:
        return None
    labels = [_short(found, question, t) + (" (key)" if r else "") for t, r in zip(rows["response"], rows["right"])]
    fig = Figure(figsize=(8, 0.45 * len(rows) + 0.8))
    ax = fig.subplots()
    bars = ax.barh(range(len(rows)), rows["share"], color=["0.2" if r else "0.75" for r in rows["right"]])
    for bar, right in zip(bars, rows["right"]):
        if right:
            bar.set_hatch("//")
            bar.set_edgecolor("white")
    ax.set_yticks(range(len(rows)), labels, size=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of the graded students")
    kept = rows.sort_values("share", ascending=False)
    legend = found.orderings.get(question)
    if legend:
        ax.set_title("items numbered in the key's order (listed below the chart)", size=8)
    alt = (
        f"Bar chart of the responses to {question}, by share of students; the key's bars are hatched and marked "
        f"(key). Most chosen: {textwrap.shorten(kept['response'].iloc[0], 90, placeholder='…')} "
        f"({_percent(kept['share'].iloc[0])}). The table below lists each response."
    )
    return _save(fig, path, alt)
