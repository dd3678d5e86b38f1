"""Reading a posted HTML form by its definition."""
from __future__ import annotations

import io

import pytest
from werkzeug.datastructures import FileStorage, MultiDict

import forms
from api.web.formdata import decimal_text, kept_uploads, read_form


@pytest.mark.parametrize("typed, sent", [
    ("15 000,50", "15000.50"), ("15\u00a0000,50", "15000.50"), ("15,000.50", "15000.50"),
    ("15000", "15000"), (" 1,5 ", "1.5"), ("abc", "abc"),
])
def test_amounts_typed_the_russian_or_english_way(typed, sent):
    assert decimal_text(typed) == sent


def test_lists_files_and_kept_uploads():
    form = MultiDict([("approvers", "petrov"), ("approvers", ""), ("approvers", "sidorova"),
                      ("invoice_number", " СЧ-1 "), ("amount", "10,5"), ("client_name", ""),
                      ("csrf_token", "x"), ("document", "kept-id"), ("document_filename", "a.pdf")])
    posted = read_form(forms.load_form("start_invoice"), form, MultiDict())
    assert posted.data["approvers"] == ["petrov", "sidorova"] and posted.data["amount"] == "10.5"
    assert "client_name" not in posted.data and "csrf_token" not in posted.data
    assert posted.values["client_name"] == "" and posted.values["amount"] == "10,5"
    assert posted.data["document"] == "kept-id" and posted.kept == {"document": {"id": "kept-id", "filename": "a.pdf"}}
    files = MultiDict([("document", FileStorage(io.BytesIO(b"%PDF"), "new.pdf"))])
    posted = read_form(forms.load_form("start_invoice"), form, files)
    assert posted.files == {"document": (b"%PDF", "new.pdf")} and "document" not in posted.kept
    assert kept_uploads(posted, {"document": {"id": "n", "filename": "new.pdf"}}) == {
        "document": {"id": "n", "filename": "new.pdf"}}


def test_an_unchecked_multichoice_is_an_empty_list():
    posted = read_form(forms.load_form("receive_originals"), MultiDict(), MultiDict())
    assert posted.data == {"received": []}
