"""Start an invoice, my invoices, the invoice page (timeline, diagram), documents."""
from __future__ import annotations

import re

from web_support import open_task, pdf_upload, start_form


def text(response) -> str:
    return response.get_data(as_text=True)


def test_the_start_page_offers_the_managers_but_not_oneself(browser, invoice_process):
    page = text(browser("petrov").get("/invoices/new"))
    approvers = page[page.index('id="f-approvers"'):page.index("</fieldset>", page.index('id="f-approvers"'))]
    assert "sidorova" in approvers and 'value="petrov"' not in approvers and 'value="ivanova"' not in approvers
    assert '<label for="f-invoice_number">' in page and 'id="f-invoice_number"' in page
    assert 'enctype="multipart/form-data"' in page and 'name="csrf_token"' in page


def test_a_start_with_mistakes_shows_them_beside_their_fields_and_keeps_everything(browser, invoice_process, engine):
    ivanova = browser("ivanova")
    response = ivanova.post("/invoices/new", start_form(amount="15 000,505", client_name=""))
    page = text(response)
    assert response.status_code == 422
    assert 'id="f-amount-error1"' in page and "Не больше 2 знаков после запятой." in page
    assert 'aria-describedby="f-amount-error1"' in page and 'aria-invalid="true"' in page
    assert 'id="f-client_name-error1"' in page and "Обязательное поле." in page
    assert 'value="15 000,505"' in page and 'value="Пираты"' in page
    assert re.search(r'<option value="petrov"\s*selected', page) and re.search(r'<option value="sidorova"\s*selected', page)
    kept = re.search(r'<input type="hidden" name="document" value="([^"]+)">', page).group(1)
    assert "Загружен: invoice.pdf" in page
    assert engine.instances("ivanova")[1] == 0
    fixed = start_form(document=kept, document_filename="invoice.pdf", client_name="Мария Соколова")
    response = ivanova.post("/invoices/new", fixed)
    assert response.status_code == 302
    instance = engine.instance(response.headers["Location"].rsplit("/", 1)[1], "ivanova")
    assert instance.data["amount"] == "15000.00" and instance.data["document"] == kept
    assert instance.data["approvers"] == ["petrov", "sidorova"]


def test_a_file_that_is_no_document_is_refused_on_its_field(browser, invoice_process):
    response = browser("ivanova").post("/invoices/new", start_form(document=pdf_upload("x.pdf", b"MZ\x90\x00")))
    assert response.status_code == 422
    assert "Принимаются только файлы PDF, PNG и JPEG." in text(response)


def test_someone_elses_upload_cannot_be_slipped_in(browser, invoice_process, upload):
    foreign = upload("petrov")
    response = browser("ivanova").post("/invoices/new", start_form(document=foreign))
    assert response.status_code == 422
    assert "Документ должен загрузить тот, кто создал счет." in text(response)


def test_starting_leads_to_the_invoice_page(started, engine):
    ivanova, instance_id = started
    page = text(ivanova.get(f"/invoices/{instance_id}"))
    assert "Счет СЧ-2026-007 отправлен на согласование." in page
    assert "15\xa0000,00\xa0₽" in page and "На согласовании" in page
    assert "Согласовать счет (менеджер)" in page and "Petrov" in page
    assert "14 янв. 2026\u202fг." in page  # Babel's narrow no-break space


def test_the_timeline_tells_who_did_what_in_plain_words(started, browser, engine):
    ivanova, instance_id = started
    petrov = browser("petrov")
    task = open_task(engine, instance_id)
    petrov.post(f"/tasks/{task.id}", {"form_key": "approve_invoice", "decision": "revise", "comment": "Нужна печать"})
    page = text(ivanova.get(f"/invoices/{instance_id}"))
    timeline = page[page.index('class="timeline"'):]
    assert "Ivanova</span>: Создал(а) счет" in timeline
    assert "Согласующие: Petrov, Sidorova" in timeline
    assert "Задача «Согласовать счет (менеджер)» поставлена: Petrov" in timeline
    assert "Petrov</span>: «Согласовать счет (менеджер)»: отправлено на доработку" in timeline
    assert '<blockquote class="comment">Нужна печать</blockquote>' in timeline


def test_the_diagram_highlights_the_current_step(started, engine):
    ivanova, instance_id = started
    page = text(ivanova.get(f"/invoices/{instance_id}"))
    svg = page[page.index("<svg"):page.index("</svg>")]
    current = re.findall(r'<g class="shape [^"]*current[^"]*" data-element="([^"]+)"', svg)
    assert current == [open_task(engine, instance_id).element_id] == ["Task_approve_manager"]
    assert 'aria-current="step"' in svg and "текущий шаг: Согласовать счет (менеджер)" in svg


def test_my_invoices_and_those_i_may_see(started, browser):
    ivanova, instance_id = started
    mine = text(ivanova.get("/invoices"))
    assert f"/invoices/{instance_id}" in mine and "На согласовании" in mine and "15\xa0000,00\xa0₽" in mine
    petrov = browser("petrov")
    assert f"/invoices/{instance_id}" not in text(petrov.get("/invoices"))
    assert f"/invoices/{instance_id}" in text(petrov.get("/invoices?scope=all"))


def test_strangers_see_neither_the_invoice_nor_its_document(started, browser, engine):
    ivanova, instance_id = started
    document = engine.instance(instance_id, "ivanova").data["document"]
    stranger = browser("kuznetsov")
    assert stranger.get(f"/invoices/{instance_id}").status_code == 404
    assert stranger.get(f"/documents/{document}").status_code == 404
    download = browser("buh").get(f"/documents/{document}")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    assert "attachment" in download.headers["Content-Disposition"]


def test_the_invoice_page_in_english(started, engine):
    ivanova, instance_id = started
    engine.set_locale("ivanova", "en")
    page = text(ivanova.get(f"/invoices/{instance_id}"))
    assert "RUB15,000.00" in page and "In approval" in page and "Jan 14, 2026" in page
    assert "Approve the invoice (manager)" in page and "Started the invoice" in page
