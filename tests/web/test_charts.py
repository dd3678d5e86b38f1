"""The SVG charts on their own: proportional bars, nothing to divide by, long labels, escaping,
and what assistive technology reads."""
from __future__ import annotations

import re

from lxml import etree

from api.web.charts import BAR_AREA, LABEL_CHARS, Bar, PairedBar, bar_length, funnel_svg, paired_bars_svg, shorten

SVG = "{http://www.w3.org/2000/svg}"


def parsed(markup) -> etree._Element:
    """The chart as XML (it must be well-formed to be drawn inline)."""
    return etree.fromstring(str(markup).encode())


def widths(chart) -> list[float]:
    return [float(rect.get("width")) for rect in chart.iter(f"{SVG}rect") if "bar" in rect.get("class").split()]


def test_bar_lengths_are_proportional_and_never_divide_by_zero():
    assert bar_length(7, 7) == BAR_AREA and bar_length(0, 7) == 0
    assert bar_length(3, 6, 100) == 50 and bar_length(1, 3, 100) == 33.33
    assert bar_length(0, 0) == 0 and bar_length(5, 0) == 0


def test_the_funnel_has_a_centred_bar_per_stage_as_wide_as_its_deals():
    bars = [Bar("Новая заявка", 8, "8 · 100 %"), Bar("Консультация", 4, "4 · 50 %", kind="bottleneck"),
            Bar("Предоплата получена", 1, "1 · 12,5 %"), Bar("Сделка проиграна", 2, "2", kind="failure")]
    chart = parsed(funnel_svg(bars, "f", "Воронка продаж", "Создано сделок: 8."))
    assert widths(chart) == [BAR_AREA, BAR_AREA / 2, BAR_AREA / 8, BAR_AREA / 4]
    centres = {float(rect.get("x")) + float(rect.get("width")) / 2 for rect in chart.iter(f"{SVG}rect")}
    assert len(centres) == 1
    steps = chart.findall(f"{SVG}g")
    assert [g.get("class") for g in steps] == ["step", "step bottleneck", "step", "step failure"]
    assert [g.find(f"{SVG}title").text for g in steps][0] == "Новая заявка"


def test_an_empty_period_draws_bars_of_no_width():
    chart = parsed(funnel_svg([Bar("Новая заявка", 0, "0"), Bar("Консультация", 0, "0")], "f", "Воронка"))
    assert widths(chart) == [0, 0]
    pairs = parsed(paired_bars_svg([PairedBar("сайт", 0, 0, "0 → 0")], "p", "По каналам", ("Создано", "Дошли")))
    assert widths(pairs) == [0, 0]
    assert str(paired_bars_svg([], "p", "По каналам", ("Создано", "Дошли"))).count("<rect") == 2  # the legend


def test_paired_bars_share_one_scale():
    rows = [PairedBar("site", 4, 1, "4 → 1 · 25 %"), PairedBar("vk", 2, 2, "2 → 2 · 100 %")]
    chart = parsed(paired_bars_svg(rows, "p", "Conversion by sales channel", ("Deals created", "Reached")))
    assert widths(chart) == [BAR_AREA, BAR_AREA / 4, BAR_AREA / 2, BAR_AREA / 2]
    first, second = [rect for rect in chart.iter(f"{SVG}rect") if "bar" in rect.get("class").split()][:2]
    assert float(second.get("y")) > float(first.get("y"))


def test_long_cyrillic_labels_are_cut_and_everything_is_escaped():
    label = "Сарафанное радио: рекомендации постоянных клиентов <VIP> & друзья"
    assert shorten(label) == label[:LABEL_CHARS - 1].rstrip() + "…" and len(shorten(label)) <= LABEL_CHARS
    assert shorten("сайт") == "сайт" and shorten("  два   пробела ") == "два пробела"
    markup = str(funnel_svg([Bar(label, 3, "3 <b>", tip=label)], "f", "Title <script>"))
    chart = parsed(markup)
    texts = [node.text for node in chart.iter(f"{SVG}text")]
    assert texts == [shorten(label), "3 <b>"]
    assert chart.find(f"{SVG}g/{SVG}title").text == label
    assert "<script>" not in markup and "<VIP>" not in markup and "&lt;VIP&gt; &amp; друзья" in markup


def test_each_chart_is_an_image_named_by_its_title_and_described():
    chart = parsed(funnel_svg([Bar("A", 1, "1")], "chart-funnel", "Sales funnel", "Deals created: 1."))
    assert chart.get("role") == "img"
    assert chart.get("aria-labelledby") == "chart-funnel-title" and chart.get("aria-describedby") == "chart-funnel-desc"
    title = chart.find(f"{SVG}title")
    assert title.get("id") == "chart-funnel-title" and title.text == "Sales funnel"
    assert chart.find(f"{SVG}desc").text == "Deals created: 1."
    bare = str(funnel_svg([Bar("A", 1, "1")], "x", "T"))
    assert "aria-describedby" not in bare and "<desc" not in bare
    assert re.search(r'viewBox="0 0 720 \d+"', bare)
