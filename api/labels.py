"""Display names of status codes for people, from the message catalogs (``translations/``).

The REST API's ``status_label`` and the web pages both read them here; Russian is the agency's
default language.
"""
from __future__ import annotations

from flask import request

import translations
from translations import N_

# Status code -> its English message id; the catalogs hold "Счет утвержден" and the rest.
STATUS_MESSAGES = {
    "in_approval": N_("In approval"),
    "in_revision": N_("In revision"),
    "rejected": N_("Invoice rejected"),
    "approved": N_("Invoice approved"),
    "payment_rejected": N_("Payment rejected"),
    "paid": N_("Invoice paid"),
    "closed": N_("Invoice closed"),
    "cancelled": N_("Invoice cancelled"),
}


def locale_of(user) -> str:
    """The user's locale, else the best of ru/en from Accept-Language, else ru."""
    if user is not None and user.locale in translations.LOCALES:
        return user.locale
    return request.accept_languages.best_match(translations.LOCALES) or translations.DEFAULT_LOCALE


def status_label(code: str | None, locale: str) -> str | None:
    """The label of a status code in a locale (the code itself when it has no label)."""
    if code is None:
        return None
    if code not in STATUS_MESSAGES:
        return code
    return translations.gettext(STATUS_MESSAGES[code], locale)
