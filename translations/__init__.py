"""The message catalogs of everything a person reads (Babel, domain ``messages``, ru and en).

Message ids are English; the shipped diagram's names are Russian ids (``extract.py`` collects
them from ``bpmn/``), so an English catalog translates those. Loading needs no Flask: the forms
package localises its validation messages with ``gettext`` below, the web pages use the same
files through Flask-Babel. ``make translations`` extracts, updates and compiles the catalogs.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from babel.support import NullTranslations, Translations

DIRECTORY = Path(__file__).resolve().parent
DOMAIN = "messages"
LOCALES = ("ru", "en")
DEFAULT_LOCALE = "ru"  # the agency's language


def supported_locale(locale: str | None) -> str:
    """``"en_US"``, ``"EN"``, ``"en-GB"`` -> ``"en"``; anything unsupported -> the default."""
    language = str(locale or "").replace("-", "_").split("_")[0].lower()
    return language if language in LOCALES else DEFAULT_LOCALE


@lru_cache(maxsize=None)
def catalog(locale: str) -> NullTranslations:
    """The compiled catalog of a supported locale (loaded once per process)."""
    return Translations.load(str(DIRECTORY), [supported_locale(locale)], DOMAIN)


def gettext(message: str, locale: str) -> str:
    """``message`` in ``locale``; the message itself when the catalog has no translation."""
    return catalog(locale).gettext(message)


def N_(message: str) -> str:
    """Mark a literal for extraction where it is declared; it is translated where it is shown."""
    return message
