"""Tests for the declarative forms package."""

import copy
import datetime
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import forms
from forms import FormInvalid, UnknownForm, messages as msg
from forms.fields import FIELD_CLASSES
from forms.fieldtypes import FIELD_TYPES

ALL_KEYS = ["approve_invoice", "confirm_party_program", "confirm_payment", "hand_in_originals",
            "receive_originals", "revise_invoice", "start_invoice", "start_party_preparation"]

VALID_START = {
    "invoice_number": "INV-2024-001",
    "invoice_date": "2024-05-10",
    "client_name": "Иванов Иван Иванович",
    "party_theme": "Пиратская вечеринка",
    "amount": "15000",
    "approvers": ["bob", "carol"],
    "document": "att-alice",
}


def start(**changes):
    """VALID_START with changes; a value of ... removes the key."""
    data = copy.deepcopy(VALID_START)
    for name, value in changes.items():
        if value is ...:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def errors_of(key, data, context):
    """The FormInvalid.errors raised for data (fails if the data is valid)."""
    with pytest.raises(FormInvalid) as info:
        forms.validate_form(key, data, context)
    return info.value.errors


# --- catalogue and loading -------------------------------------------------

def test_form_keys_lists_every_definition():
    assert forms.form_keys() == ALL_KEYS


def test_check_definitions_loads_all():
    assert forms.check_definitions() == ALL_KEYS


@pytest.mark.parametrize("key", ["start_invoice", "receive_originals"])
def test_form_exists_true(key):
    assert forms.form_exists(key)


@pytest.mark.parametrize("key", ["nope", "../forms/definitions/start_invoice", "Start_Invoice", "", None, 5])
def test_form_exists_false(key):
    assert not forms.form_exists(key)


def test_load_form_is_cached():
    assert forms.load_form("approve_invoice") is forms.load_form("approve_invoice")


def test_unknown_form_carries_key():
    with pytest.raises(UnknownForm) as info:
        forms.load_form("no_such_form")
    assert info.value.key == "no_such_form"
    with pytest.raises(UnknownForm):
        forms.validate_form("no_such_form", {}, None)
    with pytest.raises(UnknownForm):
        forms.describe_form("../secret")


@pytest.mark.parametrize("key, outcome", [
    ("approve_invoice", "decision"), ("confirm_payment", "decision"), ("start_invoice", None),
    ("revise_invoice", None), ("hand_in_originals", None), ("receive_originals", None),
])
def test_outcome_field(key, outcome):
    assert forms.load_form(key).outcome_field == outcome


def test_every_field_type_has_a_field_class():
    assert set(FIELD_CLASSES) == set(FIELD_TYPES)


def test_revise_invoice_fields_follow_start_invoice_rules():
    start_form, revise = forms.load_form("start_invoice"), forms.load_form("revise_invoice")
    shared = ["invoice_number", "invoice_date", "client_name", "party_theme", "amount"]
    for name in shared:
        original, copy_ = start_form.field(name), revise.field(name)
        assert (copy_.type, dict(copy_.options)) == (original.type, dict(original.options)), name
        assert (copy_.label_ru, copy_.label_en) == (original.label_ru, original.label_en)
        assert original.required and not copy_.required


def test_forms_imports_neither_flask_nor_engine():
    code = "import sys, forms; forms.check_definitions(); print(sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'engine', 'werkzeug')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(forms.__file__).parent.parent)
    assert out.stdout.strip() == "[]"
    for source in Path(forms.__file__).parent.glob("*.py"):
        text = source.read_text(encoding="utf-8")
        assert "import engine" not in text and "from engine" not in text, source


def test_static_context_satisfies_protocol(context):
    assert isinstance(context, forms.FormContext)
    assert context.user_is_active("bob") and not context.user_is_active("dave")
    assert not context.user_is_active("nobody")
    assert context.user_in_group("carol", "accounting") and not context.user_in_group("erin", "managers")
    assert context.attachment_owner("att-bob") == "bob" and context.attachment_owner("x") is None


# --- start_invoice ----------------------------------------------------------

def test_start_valid_data_is_cleaned(context):
    cleaned = forms.validate_form("start_invoice", start(invoice_number="  INV-2024-001 "), context)
    assert cleaned == {
        "responsible": "alice",            # defaulted to the initiator
        "invoice_number": "INV-2024-001",  # trimmed
        "invoice_date": "2024-05-10",
        "client_name": "Иванов Иван Иванович",
        "party_theme": "Пиратская вечеринка",
        "amount": "15000.00",
        "currency": "RUB",                 # default
        "approvers": ["bob", "carol"],
        "document": "att-alice",
    }
    assert json.loads(json.dumps(cleaned)) == cleaned


def test_start_responsible_can_be_someone_else(context):
    assert forms.validate_form("start_invoice", start(responsible="erin"), context)["responsible"] == "erin"


@pytest.mark.parametrize("value", [None, "", "   "])
def test_start_empty_responsible_means_default(context, value):
    assert forms.validate_form("start_invoice", start(responsible=value), context)["responsible"] == "alice"


@pytest.mark.parametrize("value, message", [
    ("dave", msg.INACTIVE_USER.format(username="dave")),
    ("ghost", msg.INACTIVE_USER.format(username="ghost")),
    (42, msg.NOT_A_USERNAME),
])
def test_start_responsible_must_be_active_user(context, value, message):
    assert errors_of("start_invoice", start(responsible=value), context) == {"responsible": [message]}


@pytest.mark.parametrize("field, limit", [("invoice_number", 64), ("client_name", 200), ("party_theme", 200)])
def test_start_string_lengths(context, field, limit):
    assert forms.validate_form("start_invoice", start(**{field: "я" * limit}), context)[field] == "я" * limit
    errors = errors_of("start_invoice", start(**{field: "я" * (limit + 1)}), context)
    assert errors == {field: [msg.TOO_LONG.format(max=limit)]}


@pytest.mark.parametrize("field", ["invoice_number", "invoice_date", "client_name", "party_theme",
                                   "amount", "approvers", "document"])
@pytest.mark.parametrize("value", [..., None, "", "  "])
def test_start_required_fields(context, field, value):
    assert errors_of("start_invoice", start(**{field: value}), context) == {field: [msg.REQUIRED]}


@pytest.mark.parametrize("value", [123, ["INV"], {"a": 1}])
def test_start_string_type(context, value):
    assert errors_of("start_invoice", start(invoice_number=value), context) == {"invoice_number": [msg.NOT_A_STRING]}


def test_start_invoice_date_today_is_allowed(context):
    today = context.today.isoformat()
    assert forms.validate_form("start_invoice", start(invoice_date=today), context)["invoice_date"] == today


def test_start_invoice_date_not_in_future(context):
    tomorrow = (context.today + datetime.timedelta(days=1)).isoformat()
    errors = errors_of("start_invoice", start(invoice_date=tomorrow), context)
    assert errors == {"invoice_date": [msg.DATE_IN_FUTURE]}


@pytest.mark.parametrize("value", ["15.05.2024", "2024-02-30", "20240105", "2024-W01-1", "2024-5-1", 20240501, "tomorrow"])
def test_start_invoice_date_format(context, value):
    assert errors_of("start_invoice", start(invoice_date=value), context) == {"invoice_date": [msg.NOT_A_DATE]}


@pytest.mark.parametrize("value, cleaned", [
    (15000, "15000.00"), ("15000", "15000.00"), (15000.5, "15000.50"), ("15000.5", "15000.50"),
    (0.1, "0.10"), ("0.01", "0.01"), (" 99.99 ", "99.99"), ("1.500", "1.50"), ("+7", "7.00"),
    (1e20, "100000000000000000000.00"),
])
def test_start_amount_cleaned(context, value, cleaned):
    assert forms.validate_form("start_invoice", start(amount=value), context)["amount"] == cleaned


@pytest.mark.parametrize("value, message", [
    (0, msg.NOT_GREATER_THAN.format(min=0)),
    ("0.00", msg.NOT_GREATER_THAN.format(min=0)),
    ("-5", msg.NOT_GREATER_THAN.format(min=0)),
    ("1.005", msg.TOO_MANY_PLACES.format(places=2)),
    (0.1 + 0.2, msg.TOO_MANY_PLACES.format(places=2)),
    ("NaN", msg.SPECIAL_NUMBER), ("-Infinity", msg.SPECIAL_NUMBER), ("inf", msg.SPECIAL_NUMBER),
    (float("nan"), msg.SPECIAL_NUMBER), (float("inf"), msg.SPECIAL_NUMBER),
    (True, msg.NOT_A_NUMBER), ("abc", msg.NOT_A_NUMBER), ("1e5", msg.NOT_A_NUMBER),
    ("1_000", msg.NOT_A_NUMBER), ("1,50", msg.NOT_A_NUMBER), ([1], msg.NOT_A_NUMBER),
    ("9" * 40, msg.NUMBER_TOO_LARGE), ("1" * 500, msg.NUMBER_TOO_LARGE),
])
def test_start_amount_rejected(context, value, message):
    assert errors_of("start_invoice", start(amount=value), context) == {"amount": [message]}


def test_start_amount_reports_places_and_sign_together(context):
    errors = errors_of("start_invoice", start(amount="-0.001"), context)
    assert errors == {"amount": [msg.TOO_MANY_PLACES.format(places=2), msg.NOT_GREATER_THAN.format(min=0)]}


@pytest.mark.parametrize("value", ["USD", " EUR "])
def test_start_currency_accepted(context, value):
    assert forms.validate_form("start_invoice", start(currency=value), context)["currency"] == value.strip()


@pytest.mark.parametrize("value", ["usd", "RUBL", "R1B", "РУБ", 643])
def test_start_currency_rejected(context, value):
    assert errors_of("start_invoice", start(currency=value), context) == {"currency": [msg.NOT_A_CURRENCY]}


def test_start_approvers_limits(context):
    ten = [f"m{i}" for i in range(1, 11)]
    assert forms.validate_form("start_invoice", start(approvers=ten), context)["approvers"] == ten
    assert errors_of("start_invoice", start(approvers=ten + ["m11"]), context) == {
        "approvers": [msg.TOO_MANY_ITEMS.format(max=10)]}
    assert errors_of("start_invoice", start(approvers=[]), context) == {
        "approvers": [msg.TOO_FEW_ITEMS.format(min=1)]}


def test_start_approvers_rules_all_reported(context):
    errors = errors_of("start_invoice", start(approvers=["bob", "bob", "dave", "erin", "alice", "ghost"]), context)
    assert errors == {"approvers": [
        msg.DUPLICATE_ITEMS.format(values="bob"),
        msg.INACTIVE_USER.format(username="dave"),
        msg.NOT_IN_GROUP.format(username="erin", group="managers"),
        msg.NOT_IN_GROUP.format(username="alice", group="managers"),
        msg.IS_INITIATOR.format(username="alice"),
        msg.INACTIVE_USER.format(username="ghost"),
    ]}


def test_start_initiator_excluded_even_when_a_manager(make_context):
    context = make_context(actor="boss", initiator="boss")
    context.attachments = {**context.attachments, "att-boss": "boss"}
    errors = errors_of("start_invoice", start(approvers=["boss", "bob"], document="att-boss"), context)
    assert errors == {"approvers": [msg.IS_INITIATOR.format(username="boss")]}


def test_start_form_without_initiator_uses_actor(make_context):
    context = make_context(initiator=None)
    assert forms.validate_form("start_invoice", start(), context)["responsible"] == "alice"
    errors = errors_of("start_invoice", start(document="att-bob"), context)
    assert errors == {"document": [msg.NOT_UPLOADED_BY_INITIATOR]}


@pytest.mark.parametrize("value, message", [
    ("bob", msg.NOT_A_LIST), ({"bob": 1}, msg.NOT_A_LIST),
    (["bob", 7], msg.NOT_A_USERNAME), (["bob", ""], msg.NOT_A_USERNAME),
])
def test_start_approvers_shape(context, value, message):
    assert errors_of("start_invoice", start(approvers=value), context) == {"approvers": [message]}


@pytest.mark.parametrize("value, message", [
    ("att-missing", msg.NO_SUCH_ATTACHMENT.format(attachment="att-missing")),
    ("att-bob", msg.NOT_UPLOADED_BY_INITIATOR),
    (17, msg.NOT_AN_ATTACHMENT_ID),
])
def test_start_document_rules(context, value, message):
    assert errors_of("start_invoice", start(document=value), context) == {"document": [message]}


def test_start_reports_all_errors_at_once(context):
    data = start(invoice_number=..., invoice_date="2099-01-01", amount="abc", currency="rub",
                 approvers=["alice"], document="att-bob", surprise=1)
    errors = errors_of("start_invoice", data, context)
    assert list(errors) == ["invoice_number", "invoice_date", "amount", "currency", "approvers",
                            "document", "surprise"]
    assert errors["surprise"] == [msg.UNKNOWN_FIELD]


@pytest.mark.parametrize("extra", [{"Amount": "1"}, {"comment": "hi"}, {"approver": ["bob"]}, {"x": None}])
def test_unknown_fields_are_errors(context, extra):
    assert errors_of("start_invoice", {**start(), **extra}, context) == {
        name: [msg.UNKNOWN_FIELD] for name in extra}


@pytest.mark.parametrize("data", [None, [], "text", 42, [("amount", 1)]])
def test_non_mapping_data_is_a_schema_error(context, data):
    assert errors_of("start_invoice", data, context) == {"_schema": [msg.NOT_AN_OBJECT]}


def test_form_invalid_is_readable(context):
    with pytest.raises(FormInvalid) as info:
        forms.validate_form("approve_invoice", {"decision": "reject"}, context)
    text = str(info.value)
    assert "approve_invoice" in text and "comment" in text and "required" in text
    assert info.value.key == "approve_invoice"


def test_validation_does_not_mutate_input(context):
    data = start(responsible=None)
    snapshot = copy.deepcopy(data)
    forms.validate_form("start_invoice", data, context)
    assert data == snapshot


# --- approve_invoice --------------------------------------------------------

@pytest.fixture
def approver(make_context):
    return make_context(actor="bob", initiator="alice")


def test_approve_without_comment(approver):
    assert forms.validate_form("approve_invoice", {"decision": "approve"}, approver) == {"decision": "approve"}


@pytest.mark.parametrize("decision", ["reject", "revise"])
@pytest.mark.parametrize("comment", [..., None, "", " \n "])
def test_comment_required_for_reject_and_revise(approver, decision, comment):
    data = {"decision": decision} if comment is ... else {"decision": decision, "comment": comment}
    assert errors_of("approve_invoice", data, approver) == {
        "comment": [msg.REQUIRED_WHEN.format(field="decision", value=decision)]}


def test_comment_is_kept_and_normalised(approver):
    cleaned = forms.validate_form("approve_invoice", {"decision": "revise", "comment": " Исправьте\r\nсумму "}, approver)
    assert cleaned == {"decision": "revise", "comment": "Исправьте\nсумму"}


@pytest.mark.parametrize("decision", ["maybe", "Approve", 1, ["approve"]])
def test_decision_must_be_a_choice(approver, decision):
    # An invalid decision must not also trigger the comment requirement.
    assert errors_of("approve_invoice", {"decision": decision}, approver) == {
        "decision": [msg.NOT_A_CHOICE.format(choices="approve, reject, revise")]}


def test_decision_required(approver):
    assert errors_of("approve_invoice", {"comment": "ok"}, approver) == {"decision": [msg.REQUIRED]}


# --- revise_invoice ---------------------------------------------------------

def test_revise_minimal(make_context):
    context = make_context(actor="alice", initiator="alice")
    assert forms.validate_form("revise_invoice", {"document": "att-alice"}, context) == {"document": "att-alice"}


def test_revise_with_changes(context):
    data = {"document": "att-alice", "comment": "Новый счет", "amount": 20000.5,
            "invoice_date": "2024-05-14", "invoice_number": "INV-2"}
    assert forms.validate_form("revise_invoice", data, context) == {
        "document": "att-alice", "comment": "Новый счет", "invoice_number": "INV-2",
        "invoice_date": "2024-05-14", "amount": "20000.50"}


def test_revise_document_must_be_uploaded_by_actor(make_context):
    # Whoever fills the form uploads the fix; the initiator fallback does not apply.
    context = make_context(actor="erin", initiator="alice")
    assert errors_of("revise_invoice", {"document": "att-alice"}, context) == {
        "document": [msg.NOT_UPLOADED_BY_ACTOR]}
    assert forms.validate_form("revise_invoice", {"document": "att-erin"}, context) == {"document": "att-erin"}


def test_revise_optional_fields_keep_start_rules(context):
    data = {"document": "att-alice", "amount": "0", "invoice_date": "2030-01-01",
            "invoice_number": "x" * 65, "client_name": "  "}
    assert errors_of("revise_invoice", data, context) == {
        "invoice_number": [msg.TOO_LONG.format(max=64)],
        "invoice_date": [msg.DATE_IN_FUTURE],
        "amount": [msg.NOT_GREATER_THAN.format(min=0)],
    }


def test_revise_document_required(context):
    assert errors_of("revise_invoice", {"comment": "fixed"}, context) == {"document": [msg.REQUIRED]}


# --- confirm_payment --------------------------------------------------------

@pytest.fixture
def accountant(make_context):
    return make_context(actor="carol", initiator="alice")


def test_confirm_payment_valid(accountant):
    data = {"decision": "confirm", "payment_date": "2024-05-15", "payment_reference": " ПП-123 "}
    assert forms.validate_form("confirm_payment", data, accountant) == {
        "decision": "confirm", "payment_date": "2024-05-15", "payment_reference": "ПП-123"}


def test_confirm_payment_reason_required_on_reject(accountant):
    assert errors_of("confirm_payment", {"decision": "reject"}, accountant) == {
        "reason": [msg.REQUIRED_WHEN.format(field="decision", value="reject")]}
    assert forms.validate_form("confirm_payment", {"decision": "reject", "reason": "Нет денег"}, accountant) == {
        "decision": "reject", "reason": "Нет денег"}


def test_confirm_payment_other_rules(accountant):
    data = {"decision": "paid", "payment_date": "2024-05-16", "payment_reference": "x" * 101}
    assert errors_of("confirm_payment", data, accountant) == {
        "decision": [msg.NOT_A_CHOICE.format(choices="confirm, reject")],
        "payment_date": [msg.DATE_IN_FUTURE],
        "payment_reference": [msg.TOO_LONG.format(max=100)],
    }


# --- originals --------------------------------------------------------------

def test_hand_in_originals(context):
    data = {"handed_over": ["waybill", "invoice_original"], "comment": "Курьером"}
    assert forms.validate_form("hand_in_originals", data, context) == data


@pytest.mark.parametrize("value, message", [
    ([], msg.TOO_FEW_ITEMS.format(min=1)),
    (["waybill", "waybill"], msg.DUPLICATE_ITEMS.format(values="waybill")),
    (["contract"], msg.UNKNOWN_CHOICES.format(values="contract", choices="invoice_original, waybill, acceptance_act")),
    ("waybill", msg.NOT_A_LIST),
])
def test_hand_in_originals_rejected(context, value, message):
    assert errors_of("hand_in_originals", {"handed_over": value}, context) == {"handed_over": [message]}


def test_hand_in_originals_required(context):
    assert errors_of("hand_in_originals", {}, context) == {"handed_over": [msg.REQUIRED]}


def test_receive_originals_may_be_empty(accountant):
    assert forms.validate_form("receive_originals", {"received": []}, accountant) == {"received": []}
    every = ["invoice_original", "waybill", "acceptance_act"]
    assert forms.validate_form("receive_originals", {"received": every}, accountant) == {"received": every}


def test_receive_originals_rules(accountant):
    assert errors_of("receive_originals", {}, accountant) == {"received": [msg.REQUIRED]}
    assert errors_of("receive_originals", {"received": ["acceptance_act", 3]}, accountant) == {
        "received": [msg.NOT_A_CHOICE.format(choices="invoice_original, waybill, acceptance_act")]}


# --- describe_form ----------------------------------------------------------

def test_describe_start_invoice_ru():
    described = forms.describe_form("start_invoice")
    assert described["key"] == "start_invoice" and described["locale"] == "ru"
    assert described["title"] == "Новый счет на согласование"
    labels = {f["name"]: f["label"] for f in described["fields"]}
    assert labels == {
        "responsible": "Ответственный", "invoice_number": "Номер счета", "invoice_date": "Дата счета",
        "client_name": "ФИО клиента", "party_theme": "Тематика праздника", "amount": "Сумма",
        "currency": "Валюта", "approvers": "Согласующие", "document": "Счет (документ)",
    }
    fields = {f["name"]: f for f in described["fields"]}
    assert fields["amount"]["limits"] == {"min_exclusive": "0", "places": 2}
    assert fields["amount"]["required"] is True and fields["amount"]["type"] == "decimal"
    assert fields["approvers"]["limits"] == {"min_items": 1, "max_items": 10, "unique": True,
                                             "group": "managers", "not_initiator": True}
    assert fields["currency"]["default"] == "RUB" and fields["currency"]["required"] is False
    assert fields["responsible"]["default_from"] == "actor"
    assert fields["document"]["limits"] == {"uploaded_by_initiator": True, "uploaded_by_actor": False}
    assert fields["invoice_date"]["limits"] == {"not_future": True}
    assert all(f["readonly"] is False for f in described["fields"])
    assert described["context_fields"] == [] and described["outcome_field"] is None
    assert json.loads(json.dumps(described)) == described


def test_describe_approve_invoice_en():
    described = forms.describe_form("approve_invoice", locale="en")
    assert described["title"] == "Invoice approval" and described["outcome_field"] == "decision"
    decision, comment = described["fields"]
    assert decision["label"] == "Decision" and decision["required"] is True
    assert decision["choices"] == [
        {"value": "approve", "label": "Approve"},
        {"value": "reject", "label": "Reject for good"},
        {"value": "revise", "label": "Send back for revision"},
    ]
    assert comment["required"] is False
    assert comment["required_when"] == {"field": "decision", "in": ["reject", "revise"]}
    assert comment["help"] == "Required when rejecting or sending back for revision."
    names = [c["name"] for c in described["context_fields"]]
    assert names == ["invoice_number", "invoice_date", "client_name", "party_theme", "amount",
                     "currency", "responsible", "documents"]
    assert described["context_fields"][0] == {"name": "invoice_number", "label": "Invoice number"}


def test_describe_approve_invoice_ru_choices():
    decision = forms.describe_form("approve_invoice", "ru")["fields"][0]
    assert [c["label"] for c in decision["choices"]] == ["Согласовать", "Отклонить навсегда", "Отправить на доработку"]
    assert forms.describe_form("approve_invoice")["context_fields"][0]["label"] == "Номер счета"


def test_describe_originals_labels():
    labels = [c["label"] for c in forms.describe_form("receive_originals")["fields"][0]["choices"]]
    assert labels == ["Оригинал счета", "Товарная накладная", "Акт выполненных работ"]


@pytest.mark.parametrize("locale, title", [("en_US", "Payment confirmation"), ("EN-gb", "Payment confirmation"), ("ru_RU", "Подтверждение оплаты")])
def test_describe_locale_variants(locale, title):
    assert forms.describe_form("confirm_payment", locale)["title"] == title


def test_describe_unsupported_locale():
    with pytest.raises(ValueError, match="de"):
        forms.describe_form("confirm_payment", "de")


@pytest.mark.parametrize("key", ALL_KEYS)
@pytest.mark.parametrize("locale", ["ru", "en"])
def test_describe_every_form_is_complete(key, locale):
    described = forms.describe_form(key, locale)
    assert described["title"]
    for field in described["fields"]:
        assert field["label"] and set(field) >= {"name", "type", "label", "help", "required",
                                                 "required_when", "choices", "limits", "readonly"}
        assert all(choice["label"] for choice in field["choices"])
    json.dumps(described)


# --- definitions from another directory, and broken ones --------------------

MINIMAL = '''
key = "{key}"
title_ru = "Заметка"
title_en = "Note"
{extra}

[[fields]]
name = "kind"
type = "choice"
required = true
label_ru = "Вид"
label_en = "Kind"
choices = [
    {{ value = "a", label_ru = "А", label_en = "A" }},
    {{ value = "b", label_ru = "Б", label_en = "B" }},
]
{fields}
'''


def write_form(directory, key="note", fields="", extra="", file_name=None):
    """Write a small definition file and return its path."""
    path = directory / f"{file_name or key}.toml"
    path.write_text(MINIMAL.format(key=key, fields=fields, extra=extra), encoding="utf-8")
    return path


def test_definitions_from_a_directory(tmp_path, context):
    write_form(tmp_path, extra='outcome_field = "kind"', fields='''
[[fields]]
name = "stamp"
type = "string"
readonly = true
default = "fixed"
label_ru = "Штамп"
label_en = "Stamp"

[[fields]]
name = "when"
type = "date"
default_from = "today"
label_ru = "Когда"
label_en = "When"
''')
    assert forms.form_keys(tmp_path) == ["note"]
    assert forms.check_definitions(tmp_path) == ["note"]
    assert forms.load_form("note", directory=tmp_path).outcome_field == "kind"
    assert not forms.form_exists("note")  # the packaged set is untouched
    cleaned = forms.validate_form("note", {"kind": "a"}, context, directory=tmp_path)
    assert cleaned == {"kind": "a", "stamp": "fixed", "when": context.today.isoformat()}
    assert errors_of_dir(tmp_path, {"kind": "b", "stamp": "forged"}, context) == {"stamp": [msg.READ_ONLY]}
    described = forms.describe_form("note", "en", directory=tmp_path)
    assert described["fields"][1]["readonly"] is True and described["fields"][2]["default_from"] == "today"


def errors_of_dir(directory, data, context, key="note"):
    with pytest.raises(FormInvalid) as info:
        forms.validate_form(key, data, context, directory=directory)
    return info.value.errors


def test_required_when_with_multichoice_controller(tmp_path, context):
    write_form(tmp_path, fields='''
[[fields]]
name = "tags"
type = "multichoice"
label_ru = "Метки"
label_en = "Tags"
choices = [{ value = "x", label_ru = "x", label_en = "x" }, { value = "y", label_ru = "y", label_en = "y" }]

[[fields]]
name = "why"
type = "text"
required_when = { field = "tags", in = ["y"] }
label_ru = "Почему"
label_en = "Why"
''')
    assert forms.validate_form("note", {"kind": "a", "tags": ["x"]}, context, directory=tmp_path) == {
        "kind": "a", "tags": ["x"]}
    assert list(errors_of_dir(tmp_path, {"kind": "a", "tags": ["x", "y"]}, context)) == ["why"]


BAD_FIELDS = {
    "unknown type": ('[[fields]]\nname = "x"\ntype = "colour"\nlabel_ru = "x"\nlabel_en = "x"',
                     "unknown type 'colour'"),
    "choice without choices": ('[[fields]]\nname = "x"\ntype = "choice"\nlabel_ru = "x"\nlabel_en = "x"',
                               "needs a non-empty 'choices'"),
    "empty choices": ('[[fields]]\nname = "x"\ntype = "multichoice"\nchoices = []\nlabel_ru = "x"\nlabel_en = "x"',
                      "needs a non-empty 'choices'"),
    "required_when missing field": (
        '[[fields]]\nname = "x"\ntype = "text"\nrequired_when = { field = "decision", in = ["a"] }\n'
        'label_ru = "x"\nlabel_en = "x"', "names missing field 'decision'"),
    "required_when bad value": (
        '[[fields]]\nname = "x"\ntype = "text"\nrequired_when = { field = "kind", in = ["c"] }\n'
        'label_ru = "x"\nlabel_en = "x"', "not among 'kind' choices: c"),
    "typo in option": ('[[fields]]\nname = "x"\ntype = "string"\nrequried = true\nlabel_ru = "x"\nlabel_en = "x"',
                       "unknown key(s) requried"),
    "option of another type": ('[[fields]]\nname = "x"\ntype = "string"\nnot_future = true\nlabel_ru = "x"\nlabel_en = "x"',
                               "unknown key(s) not_future"),
    "bad option value": ('[[fields]]\nname = "x"\ntype = "string"\nmax_length = "ten"\nlabel_ru = "x"\nlabel_en = "x"',
                         "option 'max_length'"),
    "min above max": ('[[fields]]\nname = "x"\ntype = "string"\nmin_length = 5\nmax_length = 2\nlabel_ru = "x"\nlabel_en = "x"',
                      "'min_length' is greater than 'max_length'"),
    "missing label": ('[[fields]]\nname = "x"\ntype = "string"\nlabel_ru = "x"', "'label_en' is missing"),
    "duplicate field": ('[[fields]]\nname = "kind"\ntype = "string"\nlabel_ru = "x"\nlabel_en = "x"',
                        "field 'kind' is declared twice"),
    "required with default": ('[[fields]]\nname = "x"\ntype = "string"\nrequired = true\ndefault = "a"\n'
                              'label_ru = "x"\nlabel_en = "x"', "cannot have a default"),
    "required and required_when": (
        '[[fields]]\nname = "x"\ntype = "text"\nrequired = true\nrequired_when = { field = "kind", in = ["a"] }\n'
        'label_ru = "x"\nlabel_en = "x"', "contradict"),
    "both uploaders": ('[[fields]]\nname = "x"\ntype = "attachment"\nuploaded_by_actor = true\n'
                       'uploaded_by_initiator = true\nlabel_ru = "x"\nlabel_en = "x"', "cannot both be set"),
    "bad field name": ('[[fields]]\nname = "Bad Name"\ntype = "string"\nlabel_ru = "x"\nlabel_en = "x"',
                       "not a lowercase identifier"),
}


@pytest.mark.parametrize("case", sorted(BAD_FIELDS))
def test_bad_definition_raises_value_error_naming_file(tmp_path, case):
    fields, expected = BAD_FIELDS[case]
    path = write_form(tmp_path, fields=fields)
    with pytest.raises(ValueError) as info:
        forms.load_definition_file(path)
    assert str(path) in str(info.value)
    assert expected in str(info.value)
    with pytest.raises(forms.DefinitionError):
        forms.check_definitions(tmp_path)


@pytest.mark.parametrize("extra, expected", [
    ('outcome_field = "nothing"', "outcome_field 'nothing'"),
    ('colour = "red"', "unknown key(s) colour"),
    ('context_fields = [{ name = "amount" }]', "'label_ru' is missing"),
    ('context_fields = ["amount", "amount"]', "context field 'amount' is declared twice"),
])
def test_bad_form_level_keys(tmp_path, extra, expected):
    path = write_form(tmp_path, extra=extra)
    with pytest.raises(ValueError, match=re.escape(expected)) as info:
        forms.load_definition_file(path)
    assert str(path) in str(info.value)


def test_key_must_match_file_name(tmp_path):
    write_form(tmp_path, key="other", file_name="note")
    with pytest.raises(ValueError, match="does not match the file name"):
        forms.load_form("note", directory=tmp_path)


def test_invalid_toml(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text('key = "broken\n', encoding="utf-8")
    with pytest.raises(ValueError, match="not valid TOML") as info:
        forms.check_definitions(tmp_path)
    assert str(path) in str(info.value)


def test_misnamed_file_is_reported(tmp_path):
    write_form(tmp_path, key="note", file_name="Note-Draft")
    assert forms.form_keys(tmp_path) == []
    with pytest.raises(ValueError, match="Note-Draft.toml"):
        forms.check_definitions(tmp_path)


def test_bare_context_field_names_are_allowed(tmp_path):
    path = write_form(tmp_path, extra='context_fields = ["amount"]')
    definition = forms.load_definition_file(path)
    assert definition.context_field_names == ("amount",)


def test_definitions_are_immutable_but_copyable():
    import pickle

    definition = forms.load_form("start_invoice")
    assert copy.deepcopy(definition) == definition
    assert pickle.loads(pickle.dumps(definition)) == definition
    with pytest.raises(TypeError):
        definition.field("amount").options["places"] = 5
    with pytest.raises(AttributeError):
        definition.key = "other"
