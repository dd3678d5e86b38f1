"""The reports page: conversion overall, by channel and by manager, and the funnel, with SVG
charts, over a filter form; its CSV downloads; who sees what; mistakes in the filters.

The deals are web_support.DEALS, and the test clock stands on 2026-01-15, so the page opens on
January 2026 (Moscow). Worked out by hand: January has D1-D7 (D8 is February's); D1, D3 and D7
reached prepayment_received (3 of 7 = 42.86 %). By channel: site D1 D2 D7 (D1 D7), vk D3 D4
(D3), phone D5, the long source D6. By manager: sidorova D3 D4 D6 D7 (D3 D7), petrov D1 D2 D5
(D1). Funnel, reached: new 7, consultation 4 (D1 D2, and D3 D7 created later on the path; D4
was lost without it), proposal_sent 4 (D1 D3 D4 D7), prepayment_received 3, won 1, lost 2 (D2
D4); prepayment_received is the bottleneck (1 of 3 go on to won). In the stage now: new D5 D6,
prepayment_received D3 D7, won D1, lost D2 D4. Median hours of the deals that left: new 24 (D2
6, D1 24, D4 24), consultation 60 (D1 48, D2 72), proposal_sent 36 (D1 24, D4 48),
prepayment_received 144 (D1)."""
from __future__ import annotations

import csv
import io
import re

import pytest

from api.web.charts import BAR_AREA
from web_support import LONG_SOURCE


def text(response) -> str:
    return response.get_data(as_text=True)


def svg(page: str, chart_id: str) -> str:
    match = re.search(rf'<svg [^>]*id="{chart_id}".*?</svg>', page, re.S)
    assert match, f"no chart {chart_id}"
    return match.group(0)


def bars(chart: str) -> list[tuple[int, float]]:
    """(value, width) of each bar of a chart, in order."""
    return [(int(value), float(width)) for width, value in
            re.findall(r'<rect class="bar[^"]*" [^>]*width="([\d.]+)" [^>]*data-value="(\d+)"', chart)]


def scaled(value: int, largest: int):
    """The width of a bar of ``value`` when ``largest`` fills the chart."""
    return pytest.approx(BAR_AREA * value / largest, abs=0.01)


def section(page: str, title_id: str) -> str:
    start = page.index(f'aria-labelledby="{title_id}"')
    return page[start:page.index("</section>", start)]


def cells(part: str) -> list[list[str]]:
    """Each body row of the tables in ``part``: its header cell and data cells as text."""
    rows = []
    for row in re.findall(r"<tr[^>]*>\s*<th scope=\"row\">(.*?)</tr>", part, re.S):
        rows.append([re.sub(r"<[^>]+>", "", cell).strip() for cell in re.split(r"</t[hd]>", row) if cell.strip()])
    return rows


def test_the_director_sees_every_deal_this_month(browser, deals):
    response = browser("director").get("/reports")
    page = text(response)
    assert response.status_code == 200
    assert 'value="2026-01-01"' in page and 'value="2026-01-31"' in page
    conversion = section(page, "conversion-title")
    assert '<strong class="big" id="conversion-percent">42,86\xa0%</strong>' in conversion
    assert "3 из 7 созданных сделок дошли до стадии «Предоплата получена»." in conversion
    assert cells(section(page, "channel-title")) == [
        ["site", "3", "2", "66,67\xa0%"], ["vk", "2", "1", "50\xa0%"], ["phone", "1", "0", "0\xa0%"],
        [LONG_SOURCE.replace("<", "&lt;").replace(">", "&gt;"), "1", "0", "0\xa0%"]]
    assert cells(section(page, "manager-title")) == [["sidorova", "4", "2", "50\xa0%"], ["petrov", "3", "1", "33,33\xa0%"]]


def test_the_funnel_chart_has_a_bar_per_stage_as_wide_as_its_deals(browser, deals):
    page = text(browser("director").get("/reports"))
    chart = svg(page, "chart-funnel")
    assert bars(chart) == [(n, scaled(n, 7)) for n in (7, 4, 4, 3, 1, 2)]
    assert 'role="img"' in chart and '<title id="chart-funnel-title">Воронка продаж</title>' in chart
    bottleneck = re.findall(r'<g class="step bottleneck"><title>([^<]*)</title>', chart)
    assert len(bottleneck) == 1 and bottleneck[0].startswith("Предоплата получена: ")
    assert "3 · 42,86\xa0%" in chart
    table = cells(section(page, "funnel-title"))
    assert [row[:6] for row in table] == [
        ["Новая заявка", "2", "7", "—", "100\xa0%", "24\xa0ч"],
        ["Консультация", "0", "4", "57,14\xa0%", "57,14\xa0%", "60\xa0ч"],
        ["Предложение отправлено", "0", "4", "100\xa0%", "57,14\xa0%", "36\xa0ч"],
        ["Предоплата получена узкое место", "2", "3", "75\xa0%", "42,86\xa0%", "144\xa0ч"],
        ["Праздник проведен", "1", "1", "33,33\xa0%", "14,29\xa0%", "—"],
        ["Сделка проиграна", "2", "2", "—", "—", "—"]]


def test_the_channel_and_manager_charts_pair_created_and_converted(browser, deals):
    page = text(browser("director").get("/reports"))
    channels = svg(page, "chart-channels")
    # created, converted per channel: site 3 2, vk 2 1, phone 1 0, the long source 1 0
    assert bars(channels) == [(n, scaled(n, 3)) for n in (3, 2, 2, 1, 1, 0, 1, 0)]
    # The long Cyrillic source is cut in the chart (whole in its tooltip and table), and escaped.
    assert ">Сарафанное радио — советы…</text>" in channels and "&lt;старая база&gt;" in channels
    assert "<старая" not in page
    managers = svg(page, "chart-managers")
    assert bars(managers) == [(n, scaled(n, 4)) for n in (4, 2, 3, 1)]
    assert "Дошли до «Предоплата получена»" in managers


def test_a_manager_sees_only_their_own_deals(browser, deals):
    page = text(browser("petrov").get("/reports"))
    assert "Только по вашим сделкам." in page and 'name="manager"' not in page
    assert "1 из 3 созданных сделок" in page
    assert cells(section(page, "manager-title")) == [["petrov", "3", "1", "33,33\xa0%"]]
    assert cells(section(page, "channel-title")) == [["site", "2", "1", "50\xa0%"], ["phone", "1", "0", "0\xa0%"]]
    assert "sidorova" not in page and "vk" not in page


def test_a_manager_may_not_ask_for_someone_elses_deals(browser, deals):
    response = browser("petrov").get("/reports?manager=sidorova")
    assert response.status_code == 403 and "Нет доступа" in text(response)


def test_others_get_no_link_and_no_reports(browser, deals):
    kuznetsov = browser("kuznetsov")
    assert 'href="/reports"' not in text(kuznetsov.get("/tasks"))
    for path in ("/reports", "/reports/funnel.csv"):
        response = kuznetsov.get(path)
        assert response.status_code == 403 and "Нет доступа" in text(response)
    assert 'href="/reports"' in text(browser("analyst").get("/tasks"))
    assert 'href="/reports"' in text(browser("volkov").get("/tasks"))


def test_signing_in_first(browser, deals):
    response = browser().get("/reports")
    assert response.status_code == 302 and "/signin" in response.headers["Location"]


def test_filters_narrow_the_reports(browser, deals):
    director = browser("director")
    page = text(director.get("/reports?date_from=2026-02-01&date_to=2026-02-28&target=won"))
    assert "0 из 1 созданных сделок дошли до стадии «Праздник проведен»." in page
    page = text(director.get("/reports?date_from=2026-01-01&date_to=2026-01-31&source=vk&manager=sidorova"))
    assert "1 из 2 созданных сделок" in page and 'value="vk"' in page
    page = text(director.get("/reports?date_from=&date_to="))
    assert "Сделки, созданные за всё время" in page and "4 из 8 созданных сделок" in page


def test_an_empty_period_draws_no_bars(browser, deals):
    page = text(browser("director").get("/reports?date_from=2025-06-01&date_to=2025-06-30"))
    assert "<svg" not in page and "За этот период сделок не создано." in page
    assert '<strong class="big" id="conversion-percent">—</strong>' in page


def test_the_page_in_english(browser, deals):
    director = browser("director")
    director.post("/language", {"locale": "en", "next": "/reports"})
    page = text(director.get("/reports"))
    assert "Reports on deals" in page and "42.86\xa0%" in page
    assert "3 of 7 deals created reached «Prepayment received»." in page
    assert '<title id="chart-funnel-title">Sales funnel</title>' in page
    assert ">New inquiry<" in page and ">Won<" in page and "Новая заявка" not in page
    assert '<option value="won">Won</option>' in page


@pytest.mark.parametrize("query, field, message", [
    ("date_from=2026-01-31&date_to=2026-01-01", "date_to", "Период заканчивается раньше, чем начинается."),
    ("date_from=31.01.2026&date_to=2026-01-31", "date_from", "Введите дату в виде ГГГГ-ММ-ДД, например 2026-01-31."),
    ("date_from=2026-02-30", "date_from", "Введите дату в виде ГГГГ-ММ-ДД, например 2026-01-31."),
    ("target=lost", "target", "Выберите стадию воронки продаж."),
    ("target=nonsense", "target", "Выберите стадию воронки продаж."),
])
def test_bad_filters_are_told_beside_their_fields(browser, deals, query, field, message):
    response = browser("director").get(f"/reports?{query}")
    page = text(response)
    assert response.status_code == 422
    assert f'id="f-{field}-error1"' in page and message in page and 'class="error-summary"' in page
    assert 'aria-invalid="true"' in page and "<svg" not in page


def test_csv_downloads_open_in_excel_with_cyrillic(browser, deals):
    director = browser("director")
    page = text(director.get("/reports"))
    links = re.findall(r'href="(/reports/[a-z]+\.csv[^"]*)"', page)
    assert len(links) == 4
    channel = next(link for link in links if "by=channel" in link).replace("&amp;", "&")
    response = director.get(channel)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "conversion-2026-01-01-2026-01-31.csv" in response.headers["Content-Disposition"]
    assert response.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Канал продаж", "Создано сделок", "Дошли до стадии «Предоплата получена»", "Конверсия, %"]
    assert rows[1] == ["site", "3", "2", "66,67"] and rows[4][0] == LONG_SOURCE
    assert rows[-1] == ["Итого", "7", "3", "42,86"]
    funnel = director.get("/reports/funnel.csv?date_from=2026-01-01&date_to=2026-01-31")
    assert funnel.data.decode("utf-8-sig").splitlines()[4].startswith("Предоплата получена;2;3;75,00;42,86;")


def test_a_manager_downloads_only_their_own_deals(browser, deals):
    response = browser("petrov").get("/reports/conversion.csv?by=manager&date_from=2026-01-01&date_to=2026-01-31")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[1:] == [["petrov", "3", "1", "33,33"], ["Итого", "3", "1", "33,33"]]


def test_a_csv_with_bad_filters_shows_the_page_with_the_mistake(browser, deals):
    director = browser("director")
    response = director.get("/reports/conversion.csv?date_from=2026-01-31&date_to=2026-01-01")
    assert response.status_code == 422 and "Период заканчивается раньше, чем начинается." in text(response)
    assert director.get("/reports/deals.csv").status_code == 404
