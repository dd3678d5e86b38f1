"""The outbox's guarantees: nothing from a rolled-back change, everything from a committed one,
at least once across a crash, and never one delivery sent by two workers at once."""
from __future__ import annotations

import json
import threading
from collections import Counter

import pytest

import engine.delivery.courier as courier_module
from engine.errors import FormInvalid
from engine.models import Webhook
from helpers import open_task
from outbox_support import SECRET, deliveries, delivery_settings, outbox_counts


def subscribe(engine, url: str) -> None:
    engine.create_webhook("admin", url, ["*"], SECRET)


def test_a_rolled_back_change_sends_nothing(engine, smtp, receiver, start_invoice):
    engine.configure_delivery(delivery_settings(smtp.url))
    target = receiver()
    subscribe(engine, target.url)
    instance = start_invoice()
    engine.deliver_due(100)
    before = outbox_counts(engine)

    task = open_task(engine, "petrov", instance.id)
    with pytest.raises(FormInvalid):  # "reject" needs a comment: the step is rolled back
        engine.complete(task.id, {"decision": "reject"}, "petrov")
    with pytest.raises(FormInvalid):
        engine.start("invoice_approval", {"invoice_number": ""}, "ivanova")

    assert outbox_counts(engine) == before
    assert engine.deliver_due(100) == 0
    assert (len(smtp.received), len(target.hits)) == (1, 1)


def test_a_committed_change_is_told_on_every_channel(engine, smtp, receiver, start_invoice):
    engine.configure_delivery(delivery_settings(smtp.url))
    target = receiver()
    subscribe(engine, target.url)
    start_invoice()
    assert outbox_counts(engine) == (1, 2, 1)  # one event: an e-mail, a webhook call, an in-app row
    assert engine.deliver_due(100) == 2
    event_id = json.loads(target.hits[0]["body"])["event_id"]
    assert smtp.received[0][2]["X-Invoiceflow-Event-Id"] == event_id
    assert engine.notifications("petrov")[0][0].event_id == event_id


class Killed(BaseException):
    """Stands for kill -9 between sending a message and committing that it was sent."""


def test_a_worker_killed_after_sending_sends_again(engine, receiver, start_invoice, monkeypatch):
    engine.configure_delivery(delivery_settings())
    target = receiver()
    subscribe(engine, target.url)
    start_invoice()

    def killed(*args, **kwargs):
        raise Killed()

    with monkeypatch.context() as patched:
        patched.setattr(courier_module, "record_attempt", killed)
        with pytest.raises(Killed):
            engine.deliver_due(100)
    [row] = deliveries(engine, "webhook")
    assert (row.state, row.attempts) == ("pending", 0)  # nothing of the killed attempt was kept

    assert engine.deliver_due(100) == 1
    first, second = target.hits
    assert first["body"] == second["body"]  # the same event id: the receiver drops the copy
    assert first["headers"]["X-Invoiceflow-Event-Id"] == second["headers"]["X-Invoiceflow-Event-Id"]
    [row] = deliveries(engine, "webhook")
    assert (row.state, row.attempts) == ("sent", 1)


def test_two_workers_never_send_one_delivery_twice(engine, database, receiver, invoice_process, invoice_data):
    if database.engine.dialect.name == "sqlite":
        pytest.skip("SQLite: one worker by design (a single writer; see engine.delivery.courier)")
    engine.configure_delivery(delivery_settings())
    target = receiver(delay=0.01)
    for path in ("a", "b", "c"):
        subscribe(engine, f"{target.url}/{path}")
    for number in range(12):
        engine.start("invoice_approval", invoice_data(invoice_number=f"СЧ-{number}"), "ivanova")
    assert len(deliveries(engine, "webhook")) == 36

    start = threading.Barrier(2)
    done = []

    def work():
        start.wait()
        done.append(engine.deliver_due(100))

    workers = [threading.Thread(target=work) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)

    sent = Counter((hit["path"], hit["headers"]["X-Invoiceflow-Event-Id"]) for hit in target.hits)
    assert len(sent) == 36 and set(sent.values()) == {1}
    assert sum(done) == 36 and min(done) > 0, done  # both workers took a share
    assert {row.state for row in deliveries(engine, "webhook")} == {"sent"}


def test_announcements_of_a_rolled_back_savepoint_are_not_written(engine, people):
    from engine import notify

    now = engine.clock.now()
    with engine.database.unit_of_work() as session:
        notify.emit(session, notify.STATUS_CHANGED, None, {"kept": True}, ["petrov"], now)
        savepoint = session.begin_nested()  # flushes what was announced before it
        notify.emit(session, notify.STATUS_CHANGED, None, {"kept": False}, ["petrov"], now)
        savepoint.rollback()
        notify.emit(session, notify.STATUS_CHANGED, None, {"kept": True}, ["sidorova"], now)
    notes = {name: [note.data for note in engine.notifications(name)[0]] for name in ("petrov", "sidorova")}
    assert notes == {"petrov": [{"kept": True}], "sidorova": [{"kept": True}]}


def test_one_query_finds_every_recipient_of_a_step(engine, start_invoice):
    """A completion that tells a new assignee and the initiator reads the users once."""
    from sqlalchemy import event

    instance = start_invoice()
    task = open_task(engine, "petrov", instance.id)
    petrov = engine.authenticate(engine.issue_token("petrov"))  # as the web layer hands him in
    user_queries = []

    @event.listens_for(engine.database.engine, "before_cursor_execute")
    def _seen(_conn, _cursor, statement, *_args):
        if statement.lstrip().startswith("SELECT") and "FROM users" in statement:
            user_queries.append(statement)

    engine.complete(task.id, {"decision": "revise", "comment": "Нужна печать"}, petrov)
    event.remove(engine.database.engine, "before_cursor_execute", _seen)
    told = {note.event_type for note in engine.notifications("ivanova")[0]}
    assert told == {"task.assigned", "instance.status_changed"}
    assert len(user_queries) == 1
