"""One invoice in a real browser, from sign-in to closed, each step by the person whose turn it is.

Driven by Playwright on Debian's Chromium against ``invoiceflow serve``. Along the way: a
validation error shown beside its field and corrected, a person who may not act getting no
form, a forged post without the CSRF token refused, keyboard-only use, a phone-sized screen,
English. The screenshots saved here are the README's.
"""
from __future__ import annotations

import re

from browser_support import DESKTOP, PHONE, shot, sign_in
from support import PDF

UNLABELLED = """() => [...document.querySelectorAll('input, select, textarea')]
  .filter(el => el.type !== 'hidden' && el.labels.length === 0).map(el => el.name || el.id)"""
OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"


def labelled(page) -> None:
    assert page.evaluate(UNLABELLED) == [], page.url


def open_my_task(page, name: str) -> None:
    page.goto("/tasks")
    page.get_by_role("link", name=name).first.click()
    page.wait_for_url(re.compile(r".*/tasks/[0-9a-f-]+$"))
    labelled(page)


def submit(page) -> None:
    page.get_by_role("button", name="Отправить").click()
    page.wait_for_url(re.compile(r".*/invoices/[0-9a-f-]+$"))


def decide(page, task: str, decision: str, comment: str = "") -> None:
    open_my_task(page, task)
    page.get_by_label(decision).check()
    if comment:
        page.get_by_label("Комментарий").fill(comment)
    submit(page)


def test_an_invoice_from_start_to_closed(person, tmp_path):
    invoice, revised = tmp_path / "invoice.pdf", tmp_path / "invoice-v2.pdf"
    invoice.write_bytes(PDF)
    revised.write_bytes(PDF + b"% v2\n")

    first = person()
    first.goto("/signin")
    labelled(first)
    shot(first, "01-sign-in")

    ivanova = person("ivanova")
    invoice_url = start_with_a_mistake(ivanova, invoice)

    petrov = person("petrov")
    shot(petrov, "05-my-tasks")
    approve_by_keyboard(petrov)

    sidorova = person("sidorova")
    send_back_after_a_mistake(sidorova)
    no_form_for_others(sidorova, invoice_url)

    revise(ivanova, revised)
    decide(sidorova, "Согласовать счет (менеджер)", "Согласовать")

    director_approves(person("director"))
    on_a_phone(person("buh", viewport=PHONE))
    buh = person("buh")
    pay(buh)
    originals(ivanova, buh)
    closed(ivanova, invoice_url)


def start_with_a_mistake(ivanova, invoice) -> str:
    ivanova.get_by_role("link", name="Новый счет").click()
    labelled(ivanova)
    ivanova.get_by_label("Номер счета").fill("СЧ-2026-042")
    ivanova.get_by_label("Дата счета").fill("2026-01-14")
    ivanova.get_by_label("ФИО клиента").fill("Мария Соколова")
    ivanova.get_by_label("Тематика праздника").fill("Пираты Карибского моря")
    ivanova.get_by_label("Сумма").fill("15 000,505")
    ivanova.get_by_label("Согласующий 1").select_option("petrov")
    ivanova.get_by_role("button", name="Добавить еще").click()
    ivanova.get_by_label("Согласующий 2").select_option("sidorova")
    ivanova.get_by_label("Счет (документ)").set_input_files(str(invoice))
    shot(ivanova, "02-new-invoice")
    ivanova.get_by_role("button", name="Отправить на согласование").click()
    error = ivanova.locator("#f-amount-error1")
    assert error.inner_text().endswith("Не больше 2 знаков после запятой.")
    assert ivanova.get_by_label("Сумма").input_value() == "15 000,505"
    assert ivanova.get_by_label("Номер счета").input_value() == "СЧ-2026-042"
    assert "Загружен: invoice.pdf" in ivanova.locator("#field-document").inner_text()
    shot(ivanova, "03-new-invoice-error")
    ivanova.get_by_label("Сумма").fill("15 000,50")
    ivanova.get_by_role("button", name="Отправить на согласование").click()
    ivanova.wait_for_url(re.compile(r".*/invoices/[0-9a-f-]+$"))
    assert "Счет СЧ-2026-042 отправлен на согласование." in ivanova.inner_text("main")
    assert "15 000,50 ₽" in ivanova.inner_text(".amount").replace("\xa0", " ")
    current = ivanova.locator("svg.bpmn g.current")
    assert current.count() == 1 and current.get_attribute("data-element") == "Task_approve_manager"
    shot(ivanova, "04-invoice")
    return ivanova.url


def approve_by_keyboard(petrov) -> None:
    open_my_task(petrov, "Согласовать счет (менеджер)")
    shot(petrov, "06-task")
    for _ in range(40):  # Tab through the page until the decision is reached
        petrov.keyboard.press("Tab")
        if petrov.evaluate("document.activeElement.id") == "f-decision-approve":
            break
    else:
        raise AssertionError("the decision cannot be reached with the keyboard")
    petrov.keyboard.press("Space")
    petrov.keyboard.press("Tab")  # the comment
    petrov.keyboard.press("Tab")  # the submit button
    assert petrov.evaluate("document.activeElement.textContent.trim()") == "Отправить"
    petrov.keyboard.press("Enter")
    petrov.wait_for_url(re.compile(r".*/invoices/[0-9a-f-]+$"))


def send_back_after_a_mistake(sidorova) -> None:
    open_my_task(sidorova, "Согласовать счет (менеджер)")
    sidorova.get_by_label("Отправить на доработку").check()
    sidorova.get_by_role("button", name="Отправить").click()
    error = sidorova.locator("#f-comment-error1")
    assert "Обязательно, если «Решение» — «Отправить на доработку»." in error.inner_text()
    assert sidorova.get_by_label("Отправить на доработку").is_checked()
    assert sidorova.get_by_label("Комментарий").get_attribute("aria-invalid") == "true"
    shot(sidorova, "07-task-error")
    sidorova.get_by_label("Комментарий").fill("Нужна печать")
    submit(sidorova)


def no_form_for_others(sidorova, invoice_url) -> None:
    sidorova.goto(invoice_url)
    sidorova.get_by_role("link", name="Доработать счет").click()
    labelled(sidorova)
    assert "Эта задача назначена: Анна Иванова." in sidorova.inner_text("main")
    assert sidorova.locator("form[action^='/tasks/']").count() == 0
    assert sidorova.get_by_role("button", name="Отправить").count() == 0
    shot(sidorova, "08-task-not-yours")
    task_path = sidorova.url.split("127.0.0.1", 1)[1].split("/", 1)[1]
    forged = sidorova.request.post(f"/{task_path}", form={"form_key": "revise_invoice", "comment": "x"})
    assert forged.status == 400 and "Форма устарела" in forged.text()
    token = sidorova.locator("input[name=csrf_token]").first.input_value()
    refused = sidorova.request.post(f"/{task_path}", form={"csrf_token": token, "form_key": "revise_invoice"})
    assert refused.status == 403


def revise(ivanova, revised) -> None:
    open_my_task(ivanova, "Доработать счет")
    assert "Нужна печать" in ivanova.inner_text("main")
    ivanova.get_by_label("Счет (документ)").set_input_files(str(revised))
    ivanova.get_by_label("Комментарий").fill("Печать поставлена")
    shot(ivanova, "09-revision")
    submit(ivanova)
    documents = ivanova.locator(".documents").inner_text()
    assert "invoice.pdf" in documents and "invoice-v2.pdf" in documents


def director_approves(director) -> None:
    open_my_task(director, "Согласовать счет (генеральный директор)")
    director.get_by_role("button", name="Взять задачу").click()  # a group task: take it first
    assert "Вы взяли эту задачу." in director.inner_text("main")
    director.get_by_label("Согласовать").check()
    submit(director)


def on_a_phone(buh) -> None:
    buh.goto("/tasks")
    assert buh.evaluate(OVERFLOW) <= 0
    shot(buh, "12-phone-tasks")
    buh.get_by_role("link", name="Оплатить счет").click()
    buh.wait_for_url(re.compile(r".*/tasks/[0-9a-f-]+$"))
    assert buh.evaluate(OVERFLOW) <= 0
    shot(buh, "13-phone-task")


def pay(buh) -> None:
    open_my_task(buh, "Оплатить счет")
    buh.get_by_label("Подтвердить оплату").check()
    buh.get_by_label("Номер платежного поручения").fill("ПП-42")
    submit(buh)
    assert "Оплата счета" in buh.inner_text("h1")


def originals(ivanova, buh) -> None:
    open_my_task(ivanova, "Сдать оригиналы документов")
    ivanova.get_by_label("Оригинал счета").check()
    ivanova.get_by_label("Товарная накладная").check()
    submit(ivanova)
    open_my_task(buh, "Принять оригиналы документов")
    buh.get_by_label("Оригинал счета").check()
    buh.get_by_label("Товарная накладная").check()
    submit(buh)
    open_my_task(ivanova, "Сдать оригиналы документов")
    ivanova.get_by_label("Акт выполненных работ").check()
    submit(ivanova)
    open_my_task(buh, "Принять оригиналы документов")
    buh.get_by_label("Акт выполненных работ").check()
    submit(buh)


def closed(ivanova, invoice_url) -> None:
    ivanova.goto(invoice_url)
    assert "Счет закрыт" in ivanova.inner_text("h1")
    current = ivanova.locator("svg.bpmn g.current")
    assert current.count() == 1 and current.get_attribute("data-element") == "EndEvent_closed"
    timeline = ivanova.locator(".timeline").inner_text()
    for said in ("Создал(а) счет", "отправлено на доработку", "Нужна печать", "ПП-42", "Завершено: Счет закрыт"):
        assert said in timeline, said
    shot(ivanova, "10-invoice-closed")
    ivanova.get_by_role("button", name="English").click()
    assert "Invoice closed" in ivanova.inner_text("h1") and "RUB15,000.50" in ivanova.inner_text(".amount")
    shot(ivanova, "11-invoice-closed-en")
    ivanova.get_by_role("button", name="Русский").click()


def test_pages_fit_a_phone_screen(person):
    buh = person("buh", viewport=PHONE)
    for path in ("/tasks", "/invoices?scope=all", "/invoices/new", "/signin"):
        buh.goto(path)
        assert buh.evaluate(OVERFLOW) <= 0, path
        labelled(buh)


def test_a_forged_post_from_a_signed_in_browser_is_refused(person):
    page = person("petrov")
    status = page.evaluate("""async () => (await fetch('/signout', {method: 'POST',
        headers: {'Content-Type': 'application/x-www-form-urlencoded'}, body: 'x=1'})).status""")
    assert status == 400
    page.goto("/tasks")
    assert page.url.endswith("/tasks")  # still signed in: the forged sign-out did nothing


def test_signing_in_with_the_keyboard_and_a_wrong_password(person):
    page = person(viewport=DESKTOP)
    page.goto("/signin")
    page.keyboard.type("ivanova")  # the username field has the focus
    page.keyboard.press("Tab")
    page.keyboard.type("not-her-password")
    page.keyboard.press("Enter")
    assert "Неверное имя пользователя или пароль." in page.inner_text("main")
    sign_in(page, "ivanova")
    assert page.get_by_role("heading", name="Мои задачи").is_visible()
