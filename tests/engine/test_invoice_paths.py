"""Every path of the shipped invoice diagram, driven through the engine facade."""
from __future__ import annotations

import pytest

from engine.errors import Conflict, FormInvalid, NotAllowed, TaskNotFound
from helpers import act, approve, open_task, pay

pytestmark = pytest.mark.usefixtures("invoice_process")


def start(engine, invoice_data, **kwargs):
    return engine.start("invoice_approval", invoice_data(**kwargs), "ivanova")


def test_full_approval_to_closed(engine, invoice_data):
    instance = start(engine, invoice_data)
    assert instance.status == "in_approval"
    assert instance.business_key == "СЧ-2026-001"
    assert [t.assignee for t in instance.open_tasks] == ["petrov"]

    approve(engine, "petrov", instance.id)
    assert open_task(engine, "sidorova", instance.id).assignee == "sidorova"
    approve(engine, "sidorova", instance.id)
    director_task = open_task(engine, "director", instance.id)
    assert director_task.candidate_groups == ["director"]
    state = approve(engine, "director", instance.id)
    assert state.status == "approved"
    state = pay(engine, instance.id)
    assert state.status == "paid"
    act(engine, "ivanova", instance.id, "hand_in_originals",
        handed_over=["invoice_original", "waybill", "acceptance_act"])
    state = act(engine, "buh", instance.id, "receive_originals",
                received=["invoice_original", "waybill", "acceptance_act"])
    assert state.status == "closed"
    assert state.state == "completed"
    assert state.ended_at is not None
    assert state.open_tasks == []


@pytest.mark.parametrize("rejecter", ["petrov", "sidorova", "director"])
def test_reject_forever_at_each_position(engine, invoice_data, rejecter):
    instance = start(engine, invoice_data)
    for approver in ["petrov", "sidorova", "director"]:
        if approver == rejecter:
            state = act(engine, approver, instance.id, "approve_invoice",
                        decision="reject", comment="Счет выставлен не нам")
            break
        approve(engine, approver, instance.id)
    assert state.status == "rejected"
    assert state.state == "completed"
    assert state.open_tasks == []


def test_revise_returns_to_the_same_approver_and_earlier_approvals_stand(engine, invoice_data, upload):
    instance = start(engine, invoice_data)
    approve(engine, "petrov", instance.id)
    state = act(engine, "sidorova", instance.id, "approve_invoice",
                decision="revise", comment="Нужен счет с печатью")
    assert state.status == "in_revision"
    assert [t.assignee for t in state.open_tasks] == ["ivanova"]
    new_document = upload("ivanova")
    state = act(engine, "ivanova", instance.id, "revise_invoice",
                document=new_document, amount="14500.00", comment="Исправлено")
    assert state.status == "in_approval"
    assert [t.assignee for t in state.open_tasks] == ["sidorova"]  # not petrov again
    assert state.data["amount"] == "14500.00"
    documents = engine.instance(instance.id, "ivanova").documents
    assert [d["attachment_id"] for d in documents][-1] == new_document and len(documents) == 2
    approve(engine, "sidorova", instance.id)
    assert open_task(engine, "director", instance.id).form_key == "approve_invoice"


def test_director_sends_for_revision_then_approves(engine, invoice_data, upload):
    instance = start(engine, invoice_data, approvers=["petrov"])
    approve(engine, "petrov", instance.id)
    act(engine, "director", instance.id, "approve_invoice", decision="revise", comment="Сумма?")
    act(engine, "ivanova", instance.id, "revise_invoice", document=upload("ivanova"))
    state = approve(engine, "director", instance.id)
    assert state.status == "approved"


def test_payment_rejected_needs_a_reason_and_ends(engine, invoice_data):
    instance = start(engine, invoice_data, approvers=["petrov"])
    approve(engine, "petrov", instance.id)
    approve(engine, "director", instance.id)
    task = open_task(engine, "buh", instance.id)
    with pytest.raises(FormInvalid) as err:
        engine.complete(task.id, {"decision": "reject"}, "buh")
    assert "reason" in err.value.errors
    _, state = engine.complete(task.id, {"decision": "reject", "reason": "Нет денег"}, "buh")
    assert state.status == "payment_rejected"
    assert state.state == "completed"


def test_originals_handed_in_over_several_rounds(engine, invoice_data):
    instance = start(engine, invoice_data, approvers=["petrov"])
    approve(engine, "petrov", instance.id)
    approve(engine, "director", instance.id)
    pay(engine, instance.id)
    act(engine, "ivanova", instance.id, "hand_in_originals", handed_over=["invoice_original"])
    state = act(engine, "buh", instance.id, "receive_originals", received=["invoice_original"])
    assert state.status == "paid" and state.state == "running"
    act(engine, "ivanova", instance.id, "hand_in_originals", handed_over=["waybill"])
    state = act(engine, "buh2", instance.id, "receive_originals", received=["waybill"])
    assert state.status == "paid"
    act(engine, "ivanova", instance.id, "hand_in_originals", handed_over=["acceptance_act"])
    state = act(engine, "buh", instance.id, "receive_originals", received=["acceptance_act"])
    assert state.status == "closed" and state.state == "completed"


def test_start_form_failures_are_reported_per_field(engine, invoice_data):
    data = invoice_data(amount="-5", approvers=["ivanova"], invoice_number="")
    with pytest.raises(FormInvalid) as err:
        engine.start("invoice_approval", data, "ivanova")
    assert {"amount", "approvers", "invoice_number"} <= set(err.value.errors)
    instances, total = engine.instances("ivanova")
    assert total == 0  # nothing half-written


def test_today_is_the_agencys_day_not_utcs(engine, clock, invoice_data):
    """At 01:30 in Moscow on 16 January it is still the 15th in UTC: an invoice dated the 16th
    is dated today, not in the future; the 17th is in the future."""
    clock.advance(hours=13, minutes=30)  # 2026-01-15T22:30Z
    engine.start("invoice_approval", invoice_data(invoice_date="2026-01-16"), "ivanova")
    with pytest.raises(FormInvalid) as err:
        engine.start("invoice_approval", invoice_data(invoice_date="2026-01-17", invoice_number="СЧ-2"), "ivanova")
    assert set(err.value.errors) == {"invoice_date"}


def test_approve_form_requires_comment_for_revise(engine, invoice_data):
    instance = start(engine, invoice_data)
    task = open_task(engine, "petrov", instance.id)
    with pytest.raises(FormInvalid) as err:
        engine.complete(task.id, {"decision": "revise"}, "petrov")
    assert "comment" in err.value.errors
    with pytest.raises(FormInvalid) as err:
        engine.complete(task.id, {"decision": "maybe"}, "petrov")
    assert "decision" in err.value.errors
    assert open_task(engine, "petrov", instance.id).id == task.id  # still open


def test_only_the_named_people_may_act(engine, invoice_data):
    instance = start(engine, invoice_data)
    task = open_task(engine, "petrov", instance.id)
    with pytest.raises(TaskNotFound):  # not a participant yet: the task is invisible
        engine.complete(task.id, {"decision": "approve"}, "kuznetsov")
    with pytest.raises(NotAllowed):  # the director sees every invoice but this is not his task
        engine.complete(task.id, {"decision": "approve"}, "director")
    approve(engine, "petrov", instance.id)
    with pytest.raises(Conflict):
        engine.complete(task.id, {"decision": "approve"}, "petrov")


def test_claimed_group_task_cannot_be_completed_by_another_member(engine, invoice_data):
    instance = start(engine, invoice_data, approvers=["petrov"])
    approve(engine, "petrov", instance.id)
    approve(engine, "director", instance.id)
    task = open_task(engine, "buh", instance.id)
    engine.claim(task.id, "buh")
    with pytest.raises(Conflict):
        engine.complete(task.id, {"decision": "confirm"}, "buh2")
    with pytest.raises(Conflict):
        engine.claim(task.id, "buh2")
    engine.unclaim(task.id, "buh")
    engine.claim(task.id, "buh2")
    _, state = engine.complete(task.id, {"decision": "confirm"}, "buh2")
    assert state.status == "paid"


def test_cancel_by_initiator(engine, invoice_data):
    instance = start(engine, invoice_data)
    with pytest.raises(NotAllowed):
        engine.cancel(instance.id, "petrov", "не надо")
    state = engine.cancel(instance.id, "ivanova", "Клиент отказался")
    assert state.status == "cancelled" and state.state == "cancelled"
    tasks, total = engine.tasks("petrov")
    assert total == 0
    with pytest.raises(Conflict):
        engine.cancel(instance.id, "ivanova", "again")


def test_history_records_every_step(engine, invoice_data):
    instance = start(engine, invoice_data, approvers=["petrov"])
    act(engine, "petrov", instance.id, "approve_invoice", decision="revise", comment="Печать")
    history = engine.history(instance.id, "ivanova")
    events = [(entry.event, entry.actor) for entry in history]
    assert events[0] == ("instance_started", "ivanova")
    assert ("task_completed", "petrov") in events
    completed = next(e for e in history if e.event == "task_completed")
    assert completed.data["data"]["comment"] == "Печать"
    assert completed.task_name


def test_initiator_may_not_approve_their_own_invoice_even_as_director(engine, invoice_data, upload):
    data = invoice_data(initiator="director", approvers=["petrov"])
    instance = engine.start("invoice_approval", data, "director")
    approve(engine, "petrov", instance.id)
    task = open_task(engine, "director", instance.id)  # the director group's task ...
    with pytest.raises(NotAllowed):  # ... but its initiator may not decide it
        engine.complete(task.id, {"decision": "approve"}, "director")
    with pytest.raises(NotAllowed):
        engine.claim(task.id, "director")


def test_documents_are_readable_by_participants_only(engine, invoice_data):
    from engine.attachments import AttachmentNotFound

    data = invoice_data()
    instance = engine.start("invoice_approval", data, "ivanova")
    meta, path = engine.attachment(data["document"], "petrov")  # the approver in turn
    assert meta["content_type"] == "application/pdf" and path.read_bytes().startswith(b"%PDF")
    assert engine.attachment(data["document"], "buh")[0]["id"] == data["document"]  # overseer
    with pytest.raises(AttachmentNotFound):
        engine.attachment(data["document"], "kuznetsov")
    assert instance.id
