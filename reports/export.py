"""The reports as CSV that Excel opens as it is, Cyrillic included, in Russian locales.

UTF-8 with a byte-order mark (without it Excel reads the bytes as Windows-1251), ``;`` between
fields (the list separator of Russian locales; with ``,`` Excel puts a whole row in one cell),
and numbers written with the locale's decimal separator so they stay numbers."""
from __future__ import annotations

import csv
import io

from reports.queries.conversion import ConversionReport
from reports.queries.funnel import FunnelReport

BOM = "\ufeff"
TEXTS = {
    "ru": {"channel": "Канал продаж", "manager": "Менеджер", "none": "Сделки", "all": "Все сделки",
           "total": "Итого", "unknown": "(не указан)", "created": "Создано сделок",
           "converted": "Дошли до стадии «{target}»", "percent": "Конверсия, %", "stage": "Стадия",
           "in_stage": "Сейчас на стадии", "reached": "Дошли до стадии",
           "from_previous": "Конверсия из предыдущей, %", "from_first": "Конверсия из первой, %",
           "median": "Медиана времени на стадии, ч", "bottleneck": "Узкое место", "yes": "да"},
    "en": {"channel": "Sales channel", "manager": "Manager", "none": "Deals", "all": "All deals",
           "total": "Total", "unknown": "(none)", "created": "Deals created",
           "converted": "Reached “{target}”", "percent": "Conversion, %", "stage": "Stage",
           "in_stage": "In the stage now", "reached": "Reached the stage",
           "from_previous": "From the previous stage, %", "from_first": "From the first stage, %",
           "median": "Median time in the stage, h", "bottleneck": "Bottleneck", "yes": "yes"},
}


def _number(value, locale: str) -> str:
    if value is None:
        return ""
    text = f"{value:.2f}" if isinstance(value, float) else str(value)
    return text.replace(".", ",") if locale == "ru" else text


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerows(rows)
    return BOM + out.getvalue()


def conversion_csv(report: ConversionReport, locale: str = "ru") -> str:
    """The conversion report as CSV text (a row per group, then the total)."""
    texts = TEXTS.get(locale, TEXTS["ru"])
    header = [texts[report.by], texts["created"], texts["converted"].format(target=report.target.name(locale)),
              texts["percent"]]
    rows = [[row.key if row.key is not None else texts["unknown"], str(row.created), str(row.converted),
             _number(row.percent, locale)] for row in report.rows]
    total = report.total
    label = texts["total"] if report.rows else texts["all"]
    rows.append([label, str(total.created), str(total.converted), _number(total.percent, locale)])
    return _csv([header, *rows])


def funnel_csv(report: FunnelReport, locale: str = "ru") -> str:
    """The funnel as CSV text, a row per stage."""
    texts = TEXTS.get(locale, TEXTS["ru"])
    header = [texts[name] for name in ("stage", "in_stage", "reached", "from_previous", "from_first",
                                       "median", "bottleneck")]
    rows = []
    for row in report.stages:
        hours = None if row.median_seconds is None else row.median_seconds / 3600
        rows.append([row.stage.name(locale), str(row.in_stage), str(row.reached),
                     _number(row.from_previous, locale), _number(row.from_first, locale),
                     _number(hours, locale), texts["yes"] if row.bottleneck else ""])
    return _csv([header, *rows])
