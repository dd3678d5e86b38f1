"""The worker's use cases: fire the due timers of a batch of instances; fire a start timer.

A batch is one transaction (one commit for several instances) with a SAVEPOINT per instance:
an instance whose firing fails is rolled back to its savepoint, logged and left due (the next
round tries it again), while the others in the batch commit. The instance rows stay locked
(``FOR UPDATE SKIP LOCKED``) from the claim to the commit, so no other worker fires them
meanwhile, and a worker killed before its commit loses the whole batch to the rollback: nothing
is fired twice or lost.
"""
from __future__ import annotations

import logging

from engine.progress import audit, record_failure, record_step
from engine.spiff.runtime import ProcessFailed
from engine.instances import SYSTEM, start_instance
from engine.models import ProcessDefinition, ProcessInstance
from engine.timers import (
    claim_due_instances, close_timers, due_among, due_instance_ids, due_start_timer_ids, lock_timer,
    reschedule_start_timer,
)
from engine.usecase import UseCase

__all__ = ["due_instance_ids", "due_start_timer_ids", "fire_due_instances", "fire_start_timer"]

log = logging.getLogger("invoiceflow.worker")


def fire_start_timer(uc: UseCase, timer_id: int) -> int:
    """Start a new instance for a due timer start event and schedule its next time."""
    timer = lock_timer(uc.session, timer_id)
    if timer is None:
        return 0
    definition = uc.session.get(ProcessDefinition, timer.definition_id)
    start_instance(uc, definition.key, {}, SYSTEM, definition=definition)
    reschedule_start_timer(timer, uc.diagrams.get(definition), uc.now)
    return 1


def fire_due_instances(uc: UseCase, limit: int, candidates: int) -> tuple[int, int]:
    """Claim up to ``limit`` instances with due timers (among the ``candidates`` most overdue),
    fire each one's due timers in its own savepoint and record what followed. Returns (claimed,
    advanced): claimed below ``limit`` means nothing more could be claimed just now."""
    instances = claim_due_instances(uc.session, uc.now, limit, candidates)
    # Another worker may have fired some between our look and our lock: look again, locked.
    due = due_among(uc.session, [instance.id for instance in instances], uc.now)
    advanced = 0
    for instance in instances:
        instance_id = instance.id  # read now: a rolled-back savepoint expires the object
        if instance_id not in due:
            continue
        try:
            with uc.session.begin_nested():  # released (and flushed) here, or rolled back alone
                advanced += _fire(uc, instance)
        except Exception:  # noqa: BLE001 - one bad instance must not cost the batch its work
            log.exception("firing the timers of instance %s failed; it stays due", instance_id)
    return len(instances), advanced


def _fire(uc: UseCase, instance: ProcessInstance) -> int:
    if not instance.running:
        close_timers(uc.session, instance)
        return 0
    diagram = uc.diagrams.get(instance.definition)
    workflow = uc.runtime.restore(diagram, instance.snapshot)
    try:
        step = uc.runtime.fire_timers(workflow)
        audit(uc.session, instance, uc.now, "system", "timers_fired", {"elements": step.entered})
        record_step(uc.session, uc.runtime, diagram, instance, workflow, step, uc.now)
    except ProcessFailed as failure:
        record_failure(uc.session, instance, failure, uc.now)
    return 1
