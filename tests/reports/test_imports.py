"""Importing deals from files: CSV as Excel and LibreOffice write it in Russian locales, Bitrix24
exports; malformed files and rows reported by line and left out whole; idempotent imports."""
from __future__ import annotations

import json
from decimal import Decimal

import pytest

from reports_support import ADMIN, msk

HEADER_RU = "ID;Название;Стадия;Источник;Ответственный;Дата создания;Сумма;Валюта"


def write(tmp_path, name: str, text: str, encoding: str = "utf-8", bom: bool = False):
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.replace("\n", "\r\n").encode(encoding))
    return path


def deals_of(reports):
    views, _total = reports.deals(ADMIN, page_size=100)
    return {view.external_id: view for view in views}


def only(results):
    [result] = results
    return result


@pytest.mark.parametrize("bom", [True, False])
def test_excel_csv_in_a_russian_locale(reports, tmp_path, bom):
    path = write(tmp_path, "deals.csv", "\n".join([
        HEADER_RU,
        "B1;Праздник «Маша и Медведь»;Новая заявка;Сайт;petrov;10.01.2026 10:00;15 000,50;RUB",
        'B2;"Выпускной; 4 ""Б"" класс";consultation;vk;sidorova;2026-01-11 12:00;;',
    ]) + "\n", bom=bom)
    result = only(reports.import_files([path]))
    assert (result.kind, result.rows, result.totals.created, result.problems) == ("deals", 2, 2, [])
    deals = deals_of(reports)
    b1, b2 = deals["B1"], deals["B2"]
    assert (b1.title, b1.stage, b1.source, b1.amount, b1.currency) == (
        "Праздник «Маша и Медведь»", "new", "Сайт", Decimal("15000.50"), "RUB")
    assert b1.created_at == msk("2026-01-10 10:00")
    assert (b2.title, b2.amount, b2.currency) == ('Выпускной; 4 "Б" класс', None, "RUB")


def test_comma_separated_with_english_headers_and_offsets(reports, tmp_path):
    path = write(tmp_path, "deals.csv", "external_id,title,stage,source,manager,created_at,amount,currency,closed_at\n"
                 "C1,Party,won,site,petrov,2026-01-10T10:00:00+00:00,\"1,500.00\",USD,2026-01-20 18:00\n")
    assert only(reports.import_files([path])).totals.created == 1
    c1 = deals_of(reports)["C1"]
    assert (c1.amount, c1.currency, c1.closed_at) == (Decimal("1500.00"), "USD", msk("2026-01-20 18:00"))
    assert c1.created_at == msk("2026-01-10 13:00")


def test_a_file_in_windows_1251_is_refused_whole(reports, tmp_path):
    path = write(tmp_path, "deals.csv", f"{HEADER_RU}\nB1;Праздник;new;site;petrov;10.01.2026;1;RUB\n", "cp1251")
    result = only(reports.import_files([path]))
    assert "line 1 is not UTF-8" in result.failure and result.rows == 0
    assert deals_of(reports) == {}


def test_a_file_missing_columns_is_refused_whole(reports, tmp_path):
    path = write(tmp_path, "deals.csv", "ID;Название;Стадия\nB1;Праздник;new\n")
    result = only(reports.import_files([path]))
    assert result.failure.startswith("missing columns: manager, created_at")
    assert deals_of(reports) == {}


def test_bad_rows_are_reported_by_line_and_left_out_whole(reports, tmp_path):
    path = write(tmp_path, "deals.csv", "\n".join([
        HEADER_RU,
        "B1;Хороший;new;site;petrov;10.01.2026 10:00;100;RUB",
        "B2;Сумма словами;new;site;petrov;10.01.2026 10:00;сто рублей;RUB",
        "B3;Стадии нет;оплачено;site;petrov;10.01.2026 10:00;100;RUB",
        "B4;Без даты;new;site;petrov;;100;RUB",
        "B5;Дата не та;new;site;petrov;32.01.2026;100;RUB",
        "B1;Повтор;won;site;petrov;10.01.2026 10:00;100;RUB",
        "B6;Лишнее поле;new;site;petrov;10.01.2026 10:00;100;RUB;что-то",
        "B7;Хороший тоже;new;;sidorova;11.01.2026;-;RUB",
    ]) + "\n")
    result = only(reports.import_files([path]))
    assert result.totals.created == 1 and result.rows == 8
    assert [line for line, _reason in sorted(result.problems)] == [3, 4, 5, 6, 7, 8, 9]
    reasons = dict(result.problems)
    assert "сто рублей" in reasons[3] and "оплачено" in reasons[4] and "created_at" in reasons[5]
    assert "32.01.2026" in reasons[6] and "repeats line 2" in reasons[7] and "9 fields" in reasons[8]
    assert "amount" in reasons[9]  # a lone "-" is no number either
    assert set(deals_of(reports)) == {"B1"}
    assert deals_of(reports)["B1"].stage == "new"  # the repeated row changed nothing


def test_histories_and_idempotent_imports(reports, tmp_path):
    deals = write(tmp_path, "deals.csv", f"{HEADER_RU}\nB1;Праздник;proposal_sent;site;petrov;10.01.2026 10:00;1;RUB\n")
    history = write(tmp_path, "history.csv", "\n".join([
        "Сделка;Стадия;Дата перехода",
        "B1;new;10.01.2026 10:00",
        "B1;proposal_sent;12.01.2026 10:00",
        "B1;consultation;11.01.2026 10:00",  # out of order: it came between the two
        "B9;new;10.01.2026 10:00",
        "B1;lost;09.01.2026 10:00",
    ]) + "\n")
    first = reports.import_files([history, deals])  # deals files go first, whatever the order
    assert [r.kind for r in first] == ["history", "deals"]
    assert (first[0].totals.added, first[0].totals.known) == (3, 0)
    assert sorted(first[0].problems) == [(5, "no deal 'B9' (import the deals first)"),
                                         (6, "entered_at 2026-01-09T10:00:00+03:00 is before the deal was created")]
    before = reports.deal("B1", ADMIN)
    assert [(e.stage, e.left_at) for e in before.history] == [
        ("new", msk("2026-01-11 10:00")), ("consultation", msk("2026-01-12 10:00")), ("proposal_sent", None)]
    again = reports.import_files([deals, history])
    assert (again[0].totals.unchanged, again[1].totals.added, again[1].totals.known) == (1, 0, 3)
    assert reports.deal("B1", ADMIN) == before
    funnel = {row.stage.code: (row.reached, row.left, row.median_seconds) for row in reports.funnel(ADMIN).stages}
    assert funnel["new"] == (1, 1, 86400) and funnel["consultation"] == (1, 1, 86400)


def test_a_changed_deal_is_updated(reports, tmp_path):
    path = write(tmp_path, "deals.csv", f"{HEADER_RU}\nB1;Праздник;new;site;petrov;10.01.2026 10:00;1;RUB\n")
    reports.import_files([path])
    path = write(tmp_path, "deals.csv", f"{HEADER_RU}\nB1;Праздник;won;instagram;petrov;10.01.2026 10:00;2;RUB\n")
    assert only(reports.import_files([path])).totals.updated == 1
    b1 = deals_of(reports)["B1"]
    assert (b1.stage, b1.source, b1.amount) == ("won", "instagram", Decimal("2"))
    # Reached every stage up to won (CRM convention), though the file gave no history.
    assert reports.conversion(ADMIN).total.converted == 1


BITRIX_DEALS = {"result": [
    {"ID": "101", "TITLE": "Праздник Вани", "STAGE_ID": "C1:EXECUTING", "CATEGORY_ID": "1", "SOURCE_ID": "WEB",
     "ASSIGNED_BY_ID": "7", "DATE_CREATE": "2026-01-10T10:00:00+03:00", "OPPORTUNITY": "25000.00",
     "CURRENCY_ID": "RUB", "CLOSED": "N", "CLOSEDATE": "2026-01-31T10:00:00+03:00"},
    {"ID": "102", "TITLE": "Выпускной", "STAGE_ID": "LOSE", "SOURCE_ID": "CALL", "ASSIGNED_BY_ID": "1",
     "DATE_CREATE": "2026-01-11T10:00:00+03:00", "OPPORTUNITY": "0", "CURRENCY_ID": "RUB", "CLOSED": "Y",
     "CLOSEDATE": "2026-01-13T10:00:00+03:00"},
    {"ID": "103", "TITLE": "Неизвестная стадия", "STAGE_ID": "C2:UC_XYZ", "SOURCE_ID": "WEB", "ASSIGNED_BY_ID": "1",
     "DATE_CREATE": "2026-01-11T10:00:00+03:00", "OPPORTUNITY": "10", "CURRENCY_ID": "RUB"},
    {"ID": "104", "TITLE": "Чужой менеджер", "STAGE_ID": "NEW", "SOURCE_ID": "WEB", "ASSIGNED_BY_ID": "99",
     "DATE_CREATE": "2026-01-11T10:00:00+03:00", "OPPORTUNITY": "10", "CURRENCY_ID": "RUB"},
], "total": 4}
BITRIX_HISTORY = {"result": {"items": [
    {"ID": "1", "TYPE_ID": "1", "OWNER_ID": "101", "CREATED_TIME": "2026-01-10T10:00:00+03:00", "STAGE_ID": "C1:NEW"},
    {"ID": "2", "TYPE_ID": "2", "OWNER_ID": "101", "CREATED_TIME": "2026-01-12T10:00:00+03:00",
     "STAGE_ID": "C1:PREPAYMENT_INVOICE"},
    {"ID": "3", "TYPE_ID": "2", "OWNER_ID": "101", "CREATED_TIME": "2026-01-13T10:00:00+03:00", "STAGE_ID": "C1:EXECUTING"},
    {"ID": "4", "TYPE_ID": "1", "OWNER_ID": "102", "CREATED_TIME": "2026-01-11T10:00:00+03:00", "STAGE_ID": "NEW"},
    {"ID": "5", "TYPE_ID": "2", "OWNER_ID": "102", "CREATED_TIME": "2026-01-12T10:00:00+03:00", "STAGE_ID": "PREPARATION"},
    {"ID": "6", "TYPE_ID": "2", "OWNER_ID": "102", "CREATED_TIME": "2026-01-13T10:00:00+03:00", "STAGE_ID": "LOSE"},
]}}
MAPPING = """
[stages]
NEW = "new"
PREPARATION = "consultation"
PREPAYMENT_INVOICE = "proposal_sent"
EXECUTING = "prepayment_received"
WON = "won"
LOSE = "lost"
[sources]
WEB = "site"
CALL = "phone"
[managers]
"1" = "petrov"
"7" = "sidorova"
"""


def test_bitrix24_exports_with_a_mapping(reports, tmp_path):
    deals = write(tmp_path, "deals.json", json.dumps(BITRIX_DEALS, ensure_ascii=False))
    history = write(tmp_path, "history.json", json.dumps(BITRIX_HISTORY))
    mapping = write(tmp_path, "mapping.toml", MAPPING)
    results = reports.import_files([history, deals], mapping_path=mapping)
    assert [(r.kind, r.label, r.rows) for r in results] == [("history", "record", 6), ("deals", "record", 4)]
    assert results[1].totals.created == 2
    assert sorted(results[1].problems) == [
        (3, "ID 103: stage 'C2:UC_XYZ' is not in the mapping's [stages]"),
        (4, "ID 104: ASSIGNED_BY_ID '99' is not in the mapping's [managers]")]
    assert results[0].totals.added == 6 and results[0].problems == []
    got = deals_of(reports)
    assert (got["101"].stage, got["101"].source, got["101"].manager, got["101"].closed_at) == (
        "prepayment_received", "site", "sidorova", None)
    assert (got["102"].stage, got["102"].closed_at) == ("lost", msk("2026-01-13 10:00"))
    # 101 reached the target; 102 was lost after a consultation.
    report = reports.conversion(ADMIN, by="channel")
    assert [(row.key, row.created, row.converted) for row in report.rows] == [("phone", 1, 0), ("site", 1, 1)]


def test_a_broken_json_file_is_refused(reports, tmp_path):
    path = write(tmp_path, "deals.json", '{"result": [')
    assert only(reports.import_files([path])).failure.startswith("not a Bitrix24 JSON export")
    path = write(tmp_path, "other.json", '{"result": [{"foo": 1}]}')
    assert "neither crm.deal.list" in only(reports.import_files([path])).failure
