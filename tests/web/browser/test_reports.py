"""The reports page in a real browser: the director opens it from the menu, chooses another
period, and reads the funnel drawn as SVG. The deals go in the way an operator loads them
(``invoiceflow deals import``), into the served site's database."""
from __future__ import annotations

from browser_support import shot
from e2e.conftest import _cli

# December 2025 (Moscow), as a CRM exports it: the deals in their stages now, and every stage
# entry. Reached: new 4, consultation 3 (D-3 skipped it but went further), proposal_sent 2,
# prepayment_received 2, won 1; lost 1 (D-2). Conversion to prepayment_received: 2 of 4.
DEALS_CSV = """ID;Название;Стадия;Источник;Ответственный;Дата создания
D-1;Праздник «Пираты»;Праздник проведен;Сайт;petrov;05.12.2025 10:00
D-2;День рождения Маши;Сделка проиграна;ВКонтакте;petrov;08.12.2025 12:00
D-3;Выпускной;Предоплата получена;Сайт;sidorova;10.12.2025 09:30
D-4;Квест;Новая заявка;Телефон;sidorova;15.12.2025 18:00
"""
HISTORY_CSV = """external_id;stage;entered_at
D-1;new;2025-12-05 10:00
D-1;consultation;2025-12-06 10:00
D-1;proposal_sent;2025-12-07 10:00
D-1;prepayment_received;2025-12-09 10:00
D-1;won;2025-12-20 10:00
D-2;new;2025-12-08 12:00
D-2;consultation;2025-12-09 12:00
D-2;lost;2025-12-11 12:00
D-3;new;2025-12-10 09:30
D-3;prepayment_received;2025-12-12 09:30
D-4;new;2025-12-15 18:00
"""


def test_the_director_reads_the_funnel_of_another_month(person, site_env, tmp_path):
    deals, history = tmp_path / "deals.csv", tmp_path / "history.csv"
    deals.write_text(DEALS_CSV, encoding="utf-8-sig")
    history.write_text(HISTORY_CSV, encoding="utf-8")
    _cli(site_env, "deals", "import", str(deals), str(history))

    director = person("director")
    director.get_by_role("link", name="Отчеты").click()
    director.wait_for_url("**/reports")
    director.get_by_label("С", exact=True).fill("2025-12-01")
    director.get_by_label("По", exact=True).fill("2025-12-31")
    director.get_by_role("button", name="Показать").click()
    director.wait_for_url("**/reports?*date_from=2025-12-01*")

    funnel = director.get_by_role("img", name="Воронка продаж")
    funnel.wait_for()
    assert funnel.locator("rect.bar").count() == 6
    widths = [float(width) for width in
              funnel.locator("rect.bar").evaluate_all("rects => rects.map(r => r.getAttribute('width'))")]
    assert widths == [widths[0] * n / 4 for n in (4, 3, 2, 2, 1, 1)] and widths[0] > 0
    assert "Предоплата получена" in funnel.text_content()
    assert director.locator("#conversion-percent").text_content() == "50\xa0%"
    assert director.get_by_role("img", name="Конверсия по каналам продаж").is_visible()
    shot(director, "14-reports")
