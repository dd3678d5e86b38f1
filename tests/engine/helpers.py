"""Small drivers for engine tests: find the task a person should act on, and act."""
from __future__ import annotations


def open_task(engine, actor: str, instance_id: str):
    """The one open task of the instance that ``actor`` may act on (assigned or via a group)."""
    tasks, _ = engine.tasks(actor, scope="all", state="open")
    mine = [task for task in tasks if task.instance_id == instance_id]
    assert len(mine) == 1, f"{actor} should have exactly one task, has {[t.name for t in mine]}"
    return mine[0]


def act(engine, actor: str, instance_id: str, form_key: str, **data):
    """Complete the actor's open task (checking it is the expected form) with ``data``."""
    task = open_task(engine, actor, instance_id)
    assert task.form_key == form_key, f"{actor} has {task.form_key}, expected {form_key}"
    _, instance = engine.complete(task.id, data, actor)
    return instance


def approve(engine, actor, instance_id):
    return act(engine, actor, instance_id, "approve_invoice", decision="approve")


def pay(engine, instance_id, actor="buh"):
    return act(engine, actor, instance_id, "confirm_payment", decision="confirm",
               payment_date="2026-01-15", payment_reference="ПП-42")
