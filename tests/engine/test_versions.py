"""Running instances stay on their version; an analyst's inserted step reaches new instances."""
from __future__ import annotations

from support import FIXTURES, INVOICE_BPMN
from helpers import act, approve, open_task


def test_inserted_legal_review_reaches_new_instances_only(engine, people, invoice_data):
    engine.deploy_file(INVOICE_BPMN, "analyst")
    old = engine.start("invoice_approval", invoice_data(approvers=["petrov"]), "ivanova")
    v2 = engine.deploy_file(FIXTURES / "invoice_approval_legal_review.bpmn", "analyst")
    assert v2.version == 2
    new = engine.start("invoice_approval", invoice_data(approvers=["petrov"]), "ivanova")
    assert (old.definition_version, new.definition_version) == (1, 2)

    for instance in (old, new):
        approve(engine, "petrov", instance.id)
        approve(engine, "director", instance.id)

    # The old instance goes straight to payment; the new one passes the lawyers first.
    assert open_task(engine, "buh", old.id).form_key == "confirm_payment"
    legal = open_task(engine, "lawyer", new.id)
    assert legal.candidate_groups == ["lawyers"] and legal.form_key == "approve_invoice"
    state = act(engine, "lawyer", new.id, "approve_invoice", decision="approve")
    assert state.status == "approved"
    assert open_task(engine, "buh", new.id).form_key == "confirm_payment"
