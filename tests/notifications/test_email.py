"""E-mail notifications through a real SMTP server on loopback: language, parts, retries."""
from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from engine.delivery import SmtpConfig
from helpers import act, approve
from outbox_support import MAIL_FROM, deliveries, delivery_settings, free_port


@pytest.fixture
def mail(engine, smtp):
    """The engine delivering e-mail to the test server."""
    engine.configure_delivery(delivery_settings(smtp.url))
    return smtp


def test_task_assigned_mail_in_russian_with_text_and_html(engine, mail, start_invoice):
    instance = start_invoice()
    assert engine.deliver_due(100) == 1

    [(sender, recipients, message)] = mail.received
    assert sender == "noreply@agency.example" and recipients == ["petrov@example.org"]
    assert message["Subject"] == "Счет СЧ-2026-001: новая задача «Согласовать счет (менеджер)»"
    assert message["From"] == MAIL_FROM
    assert "petrov@example.org" in message["To"]
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Здравствуйте, Petrov!" in text and "Вам назначена задача «Согласовать счет (менеджер)»" in text
    assert "15\u00a0000,00 RUB" in text and "Мария Соколова" in text
    assert '<html lang="ru">' in html and "<b>«Согласовать счет (менеджер)»</b>" in html
    [notification], _ = engine.notifications("petrov")
    assert message["X-Invoiceflow-Event-Id"] == notification.event_id
    assert message["Message-ID"] == f"<{notification.event_id}.petrov@agency.example>"
    assert notification.data["instance_id"] == instance.id
    [row] = deliveries(engine, "email")
    assert (row.state, row.attempts, row.sent_at) == ("sent", 1, engine.clock.now())


def test_english_reader_gets_english_mail(engine, mail, start_invoice):
    instance = start_invoice()
    approve(engine, "petrov", instance.id)  # Sidorova (locale en) is next
    engine.deliver_due(100)

    [message] = mail.to("sidorova@example.org")
    assert message["Subject"] == "Invoice СЧ-2026-001: new task “Согласовать счет (менеджер)”"
    assert "Hello Sidorova," in message.get_body(("plain",)).get_content()
    assert "15,000.00 RUB" in message.get_body(("html",)).get_content()


def test_initiator_told_of_revision_and_group_told_of_its_task(engine, mail, start_invoice):
    instance = start_invoice(approvers=["petrov"])
    act(engine, "petrov", instance.id, "approve_invoice", decision="revise", comment="Нужна печать")
    engine.deliver_due(100)
    [revision] = [m for m in mail.to("ivanova@example.org") if "доработке" in m["Subject"]]
    assert revision["Subject"] == "Счет СЧ-2026-001: на доработке"
    assert "На согласовании → На доработке" in revision.get_body(("plain",)).get_content()

    act(engine, "ivanova", instance.id, "revise_invoice", document=engine.upload(b"%PDF-1.4 v2", "v2.pdf", "ivanova")["id"])
    approve(engine, "petrov", instance.id)
    engine.deliver_due(100)
    [group_task] = mail.to("director@example.org")
    assert "ждет вашей группы (director)" in group_task.get_body(("plain",)).get_content()


def test_without_smtp_mail_waits_and_goes_out_once_configured(engine, smtp, start_invoice, caplog):
    engine.configure_delivery(delivery_settings(smtp_url=None))
    start_invoice()
    with caplog.at_level(logging.WARNING, logger="invoiceflow.delivery"):
        assert engine.deliver_due(100) == 0
        assert engine.deliver_due(100) == 0
    assert sum("INVOICEFLOW_SMTP_URL is not set" in r.message for r in caplog.records) == 1
    [row] = deliveries(engine, "email")
    assert (row.state, row.attempts) == ("pending", 0)

    engine.configure_delivery(delivery_settings(smtp.url))
    assert engine.deliver_due(100) == 1
    assert [r for _, r, _ in smtp.received] == [["petrov@example.org"]]


def test_unreachable_server_is_retried_with_backoff(engine, smtp, start_invoice):
    engine.configure_delivery(delivery_settings(f"smtp://127.0.0.1:{free_port()}"))
    start_invoice()
    engine.deliver_due(100)
    [row] = deliveries(engine, "email")
    assert (row.state, row.attempts, row.last_status) == ("pending", 1, None)
    assert "unreachable" in row.last_error
    assert row.next_attempt_at == engine.clock.now() + timedelta(seconds=30)

    engine.configure_delivery(delivery_settings(smtp.url))
    assert engine.deliver_due(100) == 0  # not due yet
    engine.clock.advance(seconds=30)
    assert engine.deliver_due(100) == 1
    [row] = deliveries(engine, "email")
    assert (row.state, row.attempts, row.last_error) == ("sent", 2, None)


def test_login_from_the_url(engine, smtp_with_login, start_invoice):
    port = smtp_with_login.url.rsplit(":", 1)[1]
    engine.configure_delivery(delivery_settings(f"smtp://robot:wrong@127.0.0.1:{port}"))
    start_invoice()
    engine.deliver_due(100)
    [row] = deliveries(engine, "email")
    assert (row.state, row.last_status) == ("pending", 535), row.last_error

    engine.configure_delivery(delivery_settings(f"smtp://robot:p%40ss%20word@127.0.0.1:{port}"))
    engine.clock.advance(seconds=30)
    assert engine.deliver_due(100) == 1
    assert len(smtp_with_login.received) == 1


@pytest.mark.parametrize("url, expected", [
    ("smtp://mail.example.org", SmtpConfig("mail.example.org", 25)),
    ("smtp://u:p%40ss@mail.example.org:587?starttls=true",
     SmtpConfig("mail.example.org", 587, starttls=True, username="u", password="p@ss")),
    ("smtps://u:p@mail.example.org", SmtpConfig("mail.example.org", 465, tls=True, username="u", password="p")),
])
def test_smtp_url(url, expected):
    assert SmtpConfig.from_url(url) == expected


@pytest.mark.parametrize("url", ["http://mail.example.org", "smtp://", "mail.example.org:25", "smtp://h:99999"])
def test_bad_smtp_url_is_refused_without_echoing_it(url):
    with pytest.raises(ValueError) as err:
        SmtpConfig.from_url(url.replace("//", "//user:topsecret@", 1) if "//" in url else url)
    assert "topsecret" not in str(err.value)


def test_overdue_task_reminder_by_mail(engine, mail, start_invoice):
    start_invoice()
    engine.deliver_due(100)
    engine.clock.advance(days=1, minutes=1)  # the manager's approval is due in a day
    engine.fire_due_timers(100)
    engine.deliver_due(100)
    reminder = mail.to("petrov@example.org")[-1]
    assert reminder["Subject"] == "Счет СЧ-2026-001: напоминание о задаче «Согласовать счет (менеджер)»"
    assert "ждет вашего решения, срок истек 16.01.2026 09:00 UTC" in reminder.get_body(("plain",)).get_content()


def test_event_type_without_templates_is_dead_at_once_and_titled_by_its_name(engine, mail, people):
    from engine import notify

    with engine.database.unit_of_work() as session:  # an event type a later issue may add
        notify.emit(session, "invoice.audited", None, {"business_key": "СЧ-1"}, ["petrov"], engine.clock.now())
    engine.deliver_due(100)
    [row] = deliveries(engine, "email")
    assert (row.state, row.attempts) == ("dead", 1) and "no e-mail template" in row.last_error
    [note], _ = engine.notifications("petrov")
    assert note.title == "invoice.audited"
