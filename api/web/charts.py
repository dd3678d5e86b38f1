"""Bar charts as inline SVG, drawn on the server: the sales funnel and the paired bars of the
conversion by channel and by manager.

Pure geometry and markup, nothing from Flask: the caller hands in texts already translated and
numbers already formatted. Bar lengths are proportional to the values (the largest value fills
the width; nothing is drawn when every value is 0), labels too long for their column are cut with
an ellipsis (the whole label stays in the bar's tooltip), and every text is escaped. Each chart
is an ``img`` for assistive technology, named by its ``<title>`` and described by its ``<desc>``;
the page shows the same figures in a table beside it.
"""
from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 720
LABEL_WIDTH = 200  # the stage, channel or manager, right-aligned before the bars
BAR_AREA = 340  # the largest value's bar
TEXT_GAP = 10
CHAR_WIDTH = 7.0  # an average character of the charts' 12 px sans-serif font (Cyrillic included)
LABEL_CHARS = int((LABEL_WIDTH - TEXT_GAP) // CHAR_WIDTH)
FUNNEL_ROW, FUNNEL_BAR = 36, 26
PAIR_ROW, PAIR_BAR = 44, 14
LEGEND_HEIGHT = 28
ELLIPSIS = "…"


@dataclass(frozen=True)
class Bar:
    """One stage of the funnel: its label, the value its bar is proportional to, the figures
    written after it, the tooltip, and its kind (``bottleneck``, ``failure`` or empty)."""

    label: str
    value: int
    text: str
    tip: str = ""
    kind: str = ""


@dataclass(frozen=True)
class PairedBar:
    """One channel or manager: two bars on the same scale (deals created, deals converted)."""

    label: str
    first: int
    second: int
    text: str
    tip: str = ""


def bar_length(value: float, largest: float, full: float = BAR_AREA) -> float:
    """``value``'s share of ``full``, the largest value filling it (0 when there is nothing)."""
    if largest <= 0 or value <= 0:
        return 0.0
    return round(full * value / largest, 2)


def shorten(text: str, limit: int = LABEL_CHARS) -> str:
    """``text`` cut to ``limit`` characters, the last one an ellipsis when it was longer."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: max(limit - 1, 0)].rstrip() + ELLIPSIS


def funnel_svg(bars: list[Bar], chart_id: str, title: str, description: str = "") -> Markup:
    """The funnel: one centred bar per stage, its width proportional to the deals that reached it."""
    largest = max((bar.value for bar in bars), default=0)
    height = FUNNEL_ROW * len(bars) + 8
    parts = [_open(chart_id, "chart chart--funnel", height, title, description)]
    for index, bar in enumerate(bars):
        top = 4 + FUNNEL_ROW * index
        length = bar_length(bar.value, largest)
        left = LABEL_WIDTH + (BAR_AREA - length) / 2
        middle = top + FUNNEL_ROW / 2
        classes = " ".join(["step", *([bar.kind] if bar.kind else [])])
        parts.append(
            f'<g class="{classes}"><title>{escape(bar.tip or bar.label)}</title>'
            f'{_label(bar.label, middle)}'
            f'<rect class="bar" x="{_n(left)}" y="{top + (FUNNEL_ROW - FUNNEL_BAR) / 2}" '
            f'width="{_n(length)}" height="{FUNNEL_BAR}" rx="3" data-value="{bar.value}"/>'
            f'{_after(bar.text, middle)}</g>')
    parts.append("</svg>")
    return Markup("".join(parts))


def paired_bars_svg(rows: list[PairedBar], chart_id: str, title: str, legend: tuple[str, str],
                    description: str = "") -> Markup:
    """Horizontal bars per row, the first value above the second, both on one scale."""
    largest = max((max(row.first, row.second) for row in rows), default=0)
    height = LEGEND_HEIGHT + PAIR_ROW * len(rows) + 4
    parts = [_open(chart_id, "chart chart--pairs", height, title, description), _legend(legend)]
    for index, row in enumerate(rows):
        top = LEGEND_HEIGHT + PAIR_ROW * index + (PAIR_ROW - 2 * PAIR_BAR - 2) / 2
        middle = top + PAIR_BAR + 1
        parts.append(
            f'<g class="pair"><title>{escape(row.tip or row.label)}</title>'
            f'{_label(row.label, middle)}'
            f'<rect class="bar bar--first" x="{LABEL_WIDTH}" y="{_n(top)}" '
            f'width="{_n(bar_length(row.first, largest))}" height="{PAIR_BAR}" data-value="{row.first}"/>'
            f'<rect class="bar bar--second" x="{LABEL_WIDTH}" y="{_n(top + PAIR_BAR + 2)}" '
            f'width="{_n(bar_length(row.second, largest))}" height="{PAIR_BAR}" data-value="{row.second}"/>'
            f'{_after(row.text, middle)}</g>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _open(chart_id: str, classes: str, height: float, title: str, description: str) -> str:
    chart_id = escape(chart_id)
    described = f' aria-describedby="{chart_id}-desc"' if description else ""
    desc = f'<desc id="{chart_id}-desc">{escape(description)}</desc>' if description else ""
    return (f'<svg xmlns="http://www.w3.org/2000/svg" id="{chart_id}" class="{classes}" role="img" '
            f'aria-labelledby="{chart_id}-title"{described} viewBox="0 0 {WIDTH} {_n(height)}" '
            f'width="{WIDTH}" height="{_n(height)}" preserveAspectRatio="xMinYMin meet">'
            f'<title id="{chart_id}-title">{escape(title)}</title>{desc}')


def _label(text: str, middle: float) -> str:
    return (f'<text class="label" x="{LABEL_WIDTH - TEXT_GAP}" y="{_n(middle)}" text-anchor="end" '
            f'dominant-baseline="middle">{escape(shorten(text))}</text>')


def _after(text: str, middle: float) -> str:
    return (f'<text class="figures" x="{LABEL_WIDTH + BAR_AREA + TEXT_GAP}" y="{_n(middle)}" '
            f'dominant-baseline="middle">{escape(text)}</text>')


def _legend(legend: tuple[str, str]) -> str:
    first, second = (escape(shorten(text, 30)) for text in legend)
    return (f'<g class="legend" aria-hidden="true">'
            f'<rect class="swatch swatch--first" x="{LABEL_WIDTH}" y="6" width="14" height="14"/>'
            f'<text x="{LABEL_WIDTH + 20}" y="13" dominant-baseline="middle">{first}</text>'
            f'<rect class="swatch swatch--second" x="{LABEL_WIDTH + 200}" y="6" width="14" height="14"/>'
            f'<text x="{LABEL_WIDTH + 220}" y="13" dominant-baseline="middle">{second}</text></g>')


def _n(number: float) -> str:
    """A coordinate without a needless ``.0``."""
    return f"{number:g}" if number == int(number) else f"{number:.2f}".rstrip("0")
