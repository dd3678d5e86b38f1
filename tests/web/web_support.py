"""Helpers of the web page tests (imported by name: no imports from conftest)."""
from __future__ import annotations

import io
import re

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
