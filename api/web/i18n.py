"""The reader's language and the formats of amounts, dates and times (Flask-Babel).

Russian is the default; a signed-in person's ``locale`` wins, then the language they chose on
the sign-in page, then the browser's Accept-Language.
"""
from __future__ import annotations

import datetime
import decimal

from flask import request, session
from flask_babel import format_currency, format_date, format_datetime, get_locale, gettext

import translations
from api.labels import status_label
from api.web.session import web_user
from translations import N_

# Group names as people read them.
GROUP_LABELS = {
    "employees": N_("employees"),
    "managers": N_("managers"),
    "director": N_("General Director"),
    "accountants": N_("accounting"),
    "analysts": N_("analysts"),
    "admins": N_("administrators"),
}


def select_locale() -> str:
    """Flask-Babel's locale selector."""
    user = web_user()
    if user is not None and user.locale in translations.LOCALES:
        return user.locale
    if session.get("locale") in translations.LOCALES:
        return session["locale"]
    return request.accept_languages.best_match(translations.LOCALES) or translations.DEFAULT_LOCALE


def language() -> str:
    """The language code of this request (``ru`` or ``en``)."""
    return translations.supported_locale(str(get_locale()))


def money(amount, currency: str | None = None) -> str:
    """``15 000,00 ₽`` in Russian, ``RUB15,000.00`` in English; the text as given if it is no number."""
    try:
        number = decimal.Decimal(str(amount))
    except (decimal.InvalidOperation, ValueError):
        return str(amount or "")
    return format_currency(number, currency or "RUB")


def day(value) -> str:
    """A date (``date`` or ISO text) in the reader's format, e.g. ``14 янв. 2026 г.``."""
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError:
            return value
    return format_date(value, "medium") if value else ""


def moment(value) -> str:
    """A timestamp in the agency's time zone and the reader's format."""
    return format_datetime(value, "short") if value else ""


def status(code: str | None) -> str:
    """A status code as people read it ("Счет утвержден")."""
    return status_label(code, language()) or ""


def group(name: str) -> str:
    """A group as people read it."""
    return gettext(GROUP_LABELS[name]) if name in GROUP_LABELS else name


def install(app) -> None:
    """Template filters and globals for the pages."""
    app.add_template_filter(money)
    app.add_template_filter(day)
    app.add_template_filter(moment)
    app.add_template_filter(status, "status_label")
    app.add_template_filter(group, "group_label")
    app.add_template_global(language)
