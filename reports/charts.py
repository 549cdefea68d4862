"""Charts drawn at render time from a document's chart data: SVG for the web and PDF, PNG for
Word (which does not take SVG). Matplotlib's object API without pyplot, so nothing global is
touched but the few settings below, under a lock; no network, and the same data always gives
the same bytes.

A chart never carries information its table does not: values hidden by disclosure control
are absent from the data (None) and drawn as a dash on the axis."""

import base64
import io
import json
import math
import textwrap
import threading
from contextlib import contextmanager
from dataclasses import asdict
from functools import lru_cache

from .document import SUPPRESSED, Chart, chart_from_dict

# Colours with at least 3:1 contrast against white and each other's neighbours, and hatches,
# so series differ by more than colour.
COLOURS = ["#1f5a96", "#c2571a", "#3b7a3b", "#7a3b7a", "#5a5a5a"]
HATCHES = ["", "//", "..", "xx", "\\\\"]
SIZE = (7.0, 3.4)  # inches
_lock = threading.Lock()


@contextmanager
def _settings():
    import matplotlib

    with (
        _lock,
        matplotlib.rc_context(
            {
                "svg.hashsalt": "handlingskraft",  # stable ids inside the SVG
                "svg.fonttype": "none",  # text as text: small files, quick to draw
                "font.family": "DejaVu Sans",
                "font.size": 9,
                "axes.spines.top": False,
                "axes.spines.right": False,
            }
        ),
    ):
        yield


def _figure(chart: Chart):
    from matplotlib.figure import Figure

    figure = Figure(figsize=SIZE, dpi=100)
    # Fixed margins (room for three lines of category names): a layout engine costs more
    # than drawing the chart.
    figure.subplots_adjust(left=0.1, right=0.98, top=0.95, bottom=0.2)
    axes = figure.add_subplot()
    positions = list(range(len(chart.categories)))
    if chart.kind == "line":
        for index, series in enumerate(chart.series):
            values = [math.nan if v is None else v for v in series.values]
            axes.plot(
                positions,
                values,
                marker="os^D"[index % 4],
                color=COLOURS[index % len(COLOURS)],
                label=series.name,
            )
    else:
        count = max(len(chart.series), 1)
        width = 0.8 / count
        for index, series in enumerate(chart.series):
            offsets = [p - 0.4 + width * (index + 0.5) for p in positions]
            heights = [0 if v is None else v for v in series.values]
            bars = axes.bar(
                offsets,
                heights,
                width=width,
                color=COLOURS[index % len(COLOURS)],
                hatch=HATCHES[index % len(HATCHES)],
                edgecolor="white",
                label=series.name,
            )
            labels = ["" if v is None else f"{v:g}" for v in series.values]
            axes.bar_label(bars, labels=labels, padding=2, fontsize=8)
    for index, series in enumerate(chart.series):
        for position, value in zip(positions, series.values, strict=True):
            if value is None:
                offset = (
                    0 if chart.kind == "line" else -0.4 + (0.8 / len(chart.series)) * (index + 0.5)
                )
                axes.annotate(
                    SUPPRESSED,
                    (position + offset, 0),
                    ha="center",
                    va="bottom",
                    color="#333333",
                )
    axes.set_xticks(positions, [_wrap(c) for c in chart.categories])
    if chart.percent:
        axes.set_ylim(0, 108)
        axes.set_yticks(range(0, 101, 20))
    else:
        axes.set_ylim(bottom=0)
        axes.yaxis.get_major_locator().set_params(integer=True)
    axes.set_ylabel(chart.axis_label)
    axes.grid(axis="y", color="#dddddd")
    axes.set_axisbelow(True)
    if len(chart.series) > 1:
        axes.legend(frameon=False)
    return figure


def _wrap(label: str, width: int = 16) -> str:
    """At most three lines, broken between words only."""
    lines = textwrap.wrap(
        " ".join(label.split()), width, break_long_words=False, break_on_hyphens=False
    )
    return "\n".join(lines[:3])


def chart_svg(chart: Chart) -> str:
    # The same data always draws the same chart: keep recent ones instead of drawing again.
    return _svg(json.dumps(asdict(chart), sort_keys=True))


@lru_cache(maxsize=256)
def _svg(data: str) -> str:
    chart = chart_from_dict(json.loads(data))
    with _settings():
        buffer = io.StringIO()
        _figure(chart).savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def forget_drawn_charts() -> None:
    """Draw every chart afresh from now on (benchmarks measure the drawing)."""
    _svg.cache_clear()


def chart_data_url(chart: Chart) -> str:
    """The chart as an image URL of its own (the page's content policy allows data: images)."""
    return "data:image/svg+xml;base64," + base64.b64encode(chart_svg(chart).encode()).decode()


def chart_png(chart: Chart, dpi: int = 120) -> bytes:
    with _settings():
        buffer = io.BytesIO()
        _figure(chart).savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()
