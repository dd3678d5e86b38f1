"""Helpers of the browser tests: signing in, screenshots, screen sizes."""
from __future__ import annotations

import os
from pathlib import Path

from support import ROOT

SCREENSHOTS = Path(os.environ.get("INVOICEFLOW_SCREENSHOTS", ROOT / "docs" / "screenshots"))
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def sign_in(page, username: str) -> None:
    """Through the sign-in form, with the demo password."""
    page.goto("/signin")
    page.get_by_label("Имя пользователя").fill(username)
    page.get_by_label("Пароль").fill(f"{username}-demo")
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url("**/tasks")


def shot(page, name: str) -> None:
    """Save a full-page screenshot for the README."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
