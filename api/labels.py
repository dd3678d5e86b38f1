"""Display names of status codes for people (ru is the agency's default).

The web-pages issue moves every human-readable text into Babel catalogs; until then these
labels live here, in one place.
"""
from __future__ import annotations

from flask import request

STATUS_LABELS = {
    "in_approval": {"ru": "На согласовании", "en": "In approval"},
    "in_revision": {"ru": "На доработке", "en": "In revision"},
    "rejected": {"ru": "Счет отклонен", "en": "Invoice rejected"},
    "approved": {"ru": "Счет утвержден", "en": "Invoice approved"},
    "payment_rejected": {"ru": "Оплата отклонена", "en": "Payment rejected"},
    "paid": {"ru": "Оплата счета", "en": "Invoice paid"},
    "closed": {"ru": "Счет закрыт", "en": "Invoice closed"},
    "cancelled": {"ru": "Счет отменен", "en": "Invoice cancelled"},
}


def locale_of(user) -> str:
    """The user's locale, else the best of ru/en from Accept-Language, else ru."""
    if user is not None and user.locale in ("ru", "en"):
        return user.locale
    return request.accept_languages.best_match(["ru", "en"]) or "ru"


def status_label(code: str | None, locale: str) -> str | None:
    """The label of a status code in a locale (the code itself when it has no label)."""
    if code is None:
        return None
    return STATUS_LABELS.get(code, {}).get(locale, code)
