"""Message catalogs: status labels, validation messages without Flask, formats, the catalogs
themselves (compiled, complete, shipped)."""
from __future__ import annotations

import subprocess
import sys

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

import forms
import translations
from translations.extract import extract_bpmn
from api.labels import STATUS_MESSAGES, status_label
from forms import messages as msg
from support import ROOT


def test_status_labels_come_from_the_catalogs():
    assert status_label("approved", "ru") == "Счет утвержден" and status_label("approved", "en") == "Invoice approved"
    assert status_label("paid", "ru") == "Оплата счета" and status_label("closed", "ru") == "Счет закрыт"
    assert status_label("unheard_of", "ru") == "unheard_of" and status_label(None, "ru") is None
    assert all(status_label(code, "ru") != STATUS_MESSAGES[code] for code in STATUS_MESSAGES)


def test_validation_messages_stay_english_strings_for_the_api():
    message = msg.TOO_LONG.format(max=64)
    assert message == "Must be at most 64 characters long." and isinstance(message, str)
    assert forms.localize(message, "ru") == "Не длиннее 64 символов."
    assert forms.localize(message, "en") == "Must be at most 64 characters long."
    assert forms.localize("a plain engine message", "ru") == "a plain engine message"


def test_messages_survive_validation_and_name_fields_by_their_labels():
    context = forms.StaticFormContext(actor="petrov")
    with pytest.raises(forms.FormInvalid) as caught:
        forms.validate_form("approve_invoice", {"decision": "revise"}, context)
    definition = forms.load_form("approve_invoice")
    ru = forms.localize_errors(caught.value.errors, "ru", definition)
    en = forms.localize_errors(caught.value.errors, "en", definition)
    assert ru == {"comment": ["Обязательно, если «Решение» — «Отправить на доработку»."]}
    assert en == {"comment": ["This field is required when Decision is 'Send back for revision'."]}
    assert caught.value.errors == {"comment": ["This field is required when decision is 'revise'."]}


def test_forms_translate_without_flask():
    code = ("import sys, forms; from forms import messages as m; "
            "print(forms.localize(m.REQUIRED, 'ru')); "
            "print(sorted(x for x in sys.modules if x.split('.')[0] in ('flask', 'flask_babel', 'engine')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True).stdout
    assert out.splitlines() == ["Обязательное поле.", "[]"]


@pytest.mark.parametrize("locale", translations.LOCALES)
def test_the_compiled_catalogs_match_their_sources(locale):
    folder = translations.DIRECTORY / locale / "LC_MESSAGES"
    with open(folder / "messages.po", "rb") as po, open(folder / "messages.mo", "rb") as mo:
        source, compiled = read_po(po), read_mo(mo)
    expected = {m.id: m.string for m in source if m.id and m.string and not m.fuzzy}
    assert {m.id: m.string for m in compiled if m.id} == expected, "run `make translations`"


def test_every_message_has_its_russian_and_every_russian_name_its_english():
    with open(translations.DIRECTORY / "messages.pot", "rb") as pot:
        template = read_po(pot)
    cyrillic = lambda text: any("\u0400" <= ch <= "\u04ff" for ch in text)  # noqa: E731
    for locale, needs in (("ru", lambda m: not cyrillic(m.id)), ("en", lambda m: cyrillic(m.id))):
        with open(translations.DIRECTORY / locale / "LC_MESSAGES" / "messages.po", "rb") as po:
            done = {m.id for m in read_po(po) if m.id and m.string and not m.fuzzy}
        missing = [m.id for m in template if m.id and needs(m) and m.id not in done]
        assert missing == [], f"{locale}: untranslated (edit translations/{locale}/LC_MESSAGES/messages.po)"


def test_the_template_has_every_message_of_the_code():
    """messages.pot is current: the validation messages and status labels are all in it."""
    with open(translations.DIRECTORY / "messages.pot", "rb") as pot:
        ids = {m.id for m in read_po(pot)}
    texts = {value for value in vars(msg).values() if isinstance(value, msg.Message)}
    assert texts <= ids and set(STATUS_MESSAGES.values()) <= ids


def test_supported_locales():
    assert translations.supported_locale("en-GB") == "en" and translations.supported_locale("de") == "ru"
    assert translations.supported_locale(None) == "ru"


def test_the_bpmn_extractor_reads_element_names_but_not_signals():
    with open(ROOT / "bpmn" / "invoice_approval.bpmn", "rb") as diagram:
        names = [name for _line, _f, name, _c in extract_bpmn(diagram, (), (), {})]
    assert "Согласовать счет (менеджер)" in names and "cancel_invoice" not in names
