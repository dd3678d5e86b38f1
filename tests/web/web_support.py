"""Helpers of the web page tests (imported by name: no imports from conftest)."""
from __future__ import annotations

import io
import re
from datetime import datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo

from reports import DealRecord
from support import PDF


def password_of(username: str) -> str:
    """Every test person's password."""
    return f"{username}-secret"


class Browser:
    """A person's browser on the app: cookies kept, forms posted with their CSRF token."""

    def __init__(self, client):
        self.client = client

    def get(self, path: str, **kwargs):
        return self.client.get(path, **kwargs)

    def csrf(self) -> str:
        """The session's token, read from a page the way a form carries it."""
        page = self.client.get("/signin").get_data(as_text=True)
        return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

    def post(self, path: str, data: dict | None = None, csrf: bool = True, **kwargs):
        data = dict(data or {})
        if csrf:
            data.setdefault("csrf_token", self.csrf())
        return self.client.post(path, data=data, **kwargs)

    def sign_in(self, username: str, password: str | None = None):
        return self.post("/signin", {"username": username, "password": password or password_of(username)})


def pdf_upload(name: str = "invoice.pdf", content: bytes = PDF):
    """A file field value for a posted form."""
    return (io.BytesIO(content), name)


def start_form(**overrides) -> dict:
    """The start page's fields as a browser posts them (the Russian way of typing an amount)."""
    data = {"invoice_number": "СЧ-2026-007", "invoice_date": "2026-01-14", "client_name": "Мария Соколова",
            "party_theme": "Пираты", "amount": "15 000,00", "currency": "RUB",
            "approvers": ["petrov", "sidorova"], "document": pdf_upload()}
    data.update(overrides)
    return data


def open_task(engine, instance_id: str):
    """The open task of an instance (there is one at a time in the invoice process)."""
    tasks = engine.instance(instance_id, "admin").open_tasks
    assert len(tasks) == 1, tasks
    return tasks[0]


# Deals for the reports pages (times in Moscow); worked out by hand in tests/web/test_report_pages.py.
MOSCOW = ZoneInfo("Europe/Moscow")
LONG_SOURCE = "Сарафанное радио — советы постоянных клиентов <старая база>"
DEALS = {
    "D1": dict(history=[("new", "2026-01-10 10:00"), ("consultation", "2026-01-11 10:00"),
                        ("proposal_sent", "2026-01-13 10:00"), ("prepayment_received", "2026-01-14 10:00"),
                        ("won", "2026-01-20 10:00")], source="site", manager="petrov"),
    "D2": dict(history=[("new", "2026-01-12 09:00"), ("consultation", "2026-01-12 15:00"),
                        ("lost", "2026-01-15 15:00")], source="site", manager="petrov"),
    "D3": dict(history=[("prepayment_received", "2026-01-15 12:00")], source="vk", manager="sidorova"),
    "D4": dict(history=[("new", "2026-01-16 10:00"), ("proposal_sent", "2026-01-17 10:00"),
                        ("lost", "2026-01-19 10:00")], source="vk", manager="sidorova"),
    "D5": dict(history=[("new", "2026-01-20 10:00")], source="phone", manager="petrov"),
    "D6": dict(history=[("new", "2026-01-21 10:00")], source=LONG_SOURCE, manager="sidorova"),
    "D7": dict(history=[("prepayment_received", "2026-01-22 10:00")], source="site", manager="sidorova"),
    # February: outside the default period (the test clock stands in January 2026).
    "D8": dict(history=[("new", "2026-02-02 10:00"), ("prepayment_received", "2026-02-03 10:00")],
               source="site", manager="petrov"),
}


class Viewer(NamedTuple):
    username: str
    groups: tuple[str, ...]


CRM = Viewer("admin", ("admins",))


def msk(text: str) -> datetime:
    """'2026-01-10 12:00' as an aware time in Moscow."""
    return datetime.fromisoformat(text).replace(tzinfo=MOSCOW)


def put_deals(reports, deals: dict = DEALS) -> None:
    """Create each deal in its first stage at its first time, then record the later entries."""
    for external_id, deal in deals.items():
        (first, created), *later = deal["history"]
        record = DealRecord(external_id=external_id, title=f"Праздник {external_id}", stage=first,
                            source=deal["source"], manager=deal["manager"], created_at=msk(created))
        reports.put_deal(record, CRM)
        for stage, at in later:
            reports.record_stage(external_id, stage, msk(at), CRM)
