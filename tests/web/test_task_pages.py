"""My tasks, the task page, its form (errors beside fields, values kept), who gets a form."""
from __future__ import annotations

import re

from web_support import open_task, pdf_upload


def text(response) -> str:
    return response.get_data(as_text=True)


def decide(person, task_id, **data):
    return person.post(f"/tasks/{task_id}", {"form_key": "approve_invoice", **data})


def test_my_tasks_show_due_dates_and_mark_the_overdue(started, browser, engine, clock):
    petrov = browser("petrov")
    page = text(petrov.get("/tasks"))
    mine = page[page.index("Назначены мне"):page.index("Задачи моих групп")]
    assert "Согласовать счет (менеджер)" in mine and "СЧ-2026-007" in mine and "16.01.2026" in mine
    assert "просрочено" not in mine
    clock.advance(days=2)
    page = text(petrov.get("/tasks"))
    assert 'class="overdue"' in page and "просрочено" in page


def test_the_task_list_sorts_by_a_column(started, browser):
    page = text(browser("petrov").get("/tasks?sort=created&order=desc"))
    assert 'aria-sort="descending"' in page and "sort=created&amp;order=asc" in page
    assert text(browser("petrov").get("/tasks?sort=bogus")).count('aria-sort="ascending"') == 1


def test_group_tasks_are_listed_for_every_member_until_one_takes_it(started, browser, engine):
    _ivanova, instance_id = started
    for approver in ("petrov", "sidorova"):
        decide(browser(approver), open_task(engine, instance_id).id, decision="approve")
    director = browser("director")
    task = open_task(engine, instance_id)
    page = text(director.get("/tasks"))
    groups = page[page.index("Задачи моих групп"):]
    assert "Согласовать счет (генеральный директор)" in groups and "Генеральный директор" in groups
    assert "Взять задачу" in text(director.get(f"/tasks/{task.id}"))
    director.post(f"/tasks/{task.id}/claim")
    page = text(director.get("/tasks"))
    assert "Согласовать счет (генеральный директор)" in page[page.index("Назначены мне"):page.index("Задачи моих групп")]
    assert "Вернуть группе" in text(director.get(f"/tasks/{task.id}"))
    director.post(f"/tasks/{task.id}/unclaim")
    assert "Взять задачу" in text(director.get(f"/tasks/{task.id}"))


def test_the_task_page_shows_the_invoice_its_documents_and_a_form(started, browser, engine):
    _ivanova, instance_id = started
    task = open_task(engine, instance_id)
    page = text(browser("petrov").get(f"/tasks/{task.id}"))
    assert "15\xa0000,00\xa0₽" in page and "Мария Соколова" in page and "invoice.pdf" in page
    assert re.search(r'href="/documents/[0-9a-f-]+" download>invoice.pdf</a>', page)
    assert '<legend>Решение <span class="required">(обязательно)</span></legend>' in page
    assert '<label for="f-decision-approve">Согласовать</label>' in page
    assert '<label for="f-comment">Комментарий</label>' in page
    assert f'action="/tasks/{task.id}"' in page


def test_whoever_may_not_act_gets_no_form_and_cannot_post_one(started, browser, engine):
    ivanova, instance_id = started
    task = open_task(engine, instance_id)
    page = text(ivanova.get(f"/tasks/{task.id}"))
    assert "<form method=\"post\" action=\"/tasks/" not in page and 'name="decision"' not in page
    assert "Эта задача назначена: Petrov." in page
    response = decide(ivanova, task.id, decision="approve")
    assert response.status_code == 403 and "Нет доступа" in text(response)
    assert open_task(engine, instance_id).id == task.id
    assert browser("kuznetsov").get(f"/tasks/{task.id}").status_code == 404


def test_a_decision_without_its_comment_is_shown_and_corrected(started, browser, engine):
    _ivanova, instance_id = started
    petrov = browser("petrov")
    task = open_task(engine, instance_id)
    response = decide(petrov, task.id, decision="revise", comment="  ")
    page = text(response)
    assert response.status_code == 422
    assert "Обязательно, если «Решение» — «Отправить на доработку»." in page
    assert page.index('id="f-comment-error1"') < page.index('<textarea id="f-comment"')
    assert re.search(r'value="revise" id="f-decision-revise"\s*checked', page)
    assert '<a href="#f-comment">Комментарий</a>' in page  # the summary links to the field
    response = decide(petrov, task.id, decision="revise", comment="Нужна печать")
    assert response.status_code == 302 and response.headers["Location"] == f"/invoices/{instance_id}"
    assert engine.instance(instance_id, "petrov").status == "in_revision"


def test_a_revision_uploads_a_new_version_of_the_document(started, browser, engine):
    ivanova, instance_id = started
    decide(browser("petrov"), open_task(engine, instance_id).id, decision="revise", comment="Нужна печать")
    task = open_task(engine, instance_id)
    page = text(ivanova.get(f"/tasks/{task.id}"))
    assert '<input type="file" id="f-document" name="document"' in page and "Нужна печать" in page
    missing = ivanova.post(f"/tasks/{task.id}", {"form_key": "revise_invoice", "comment": "Исправлено"})
    assert missing.status_code == 422 and 'id="f-document-error1"' in text(missing)
    assert 'value="Исправлено"' in text(missing) or ">Исправлено</textarea>" in text(missing)
    response = ivanova.post(f"/tasks/{task.id}", {"form_key": "revise_invoice", "comment": "Исправлено",
                                                   "document": pdf_upload("invoice-v2.pdf", b"%PDF-1.4 v2")})
    assert response.status_code == 302
    page = text(ivanova.get(f"/invoices/{instance_id}"))
    assert "invoice.pdf" in page and "invoice-v2.pdf" in page and "версия 2" in page


def test_a_task_done_meanwhile_says_so(started, browser, engine):
    _ivanova, instance_id = started
    petrov = browser("petrov")
    task = open_task(engine, instance_id)
    decide(petrov, task.id, decision="approve")
    response = decide(petrov, task.id, decision="approve")
    assert response.status_code in (403, 409)
    page = text(petrov.get(f"/tasks/{task.id}"))
    assert "Эта задача уже выполнена." in page and 'name="decision"' not in page


def test_a_forged_form_key_does_not_get_past_the_real_form(started, browser, engine):
    _ivanova, instance_id = started
    task = open_task(engine, instance_id)
    response = browser("petrov").post(f"/tasks/{task.id}", {"form_key": "hand_in_originals",
                                                            "handed_over": ["waybill"]})
    assert response.status_code == 422 and open_task(engine, instance_id).id == task.id
    assert browser("petrov").post(f"/tasks/{task.id}", {"form_key": "../etc"}).status_code == 400
