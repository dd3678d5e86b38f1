"""The worker's use case: fire the due timers of one instance."""
from __future__ import annotations

from engine.progress import audit, record_failure, record_step
from engine.spiff.runtime import ProcessFailed
from engine.instances import SYSTEM, start_instance
from engine.models import ProcessDefinition
from engine.timers import (
    close_timers, due_instance_ids, due_start_timer_ids, has_due_timers, lock_instance, lock_timer,
    reschedule_start_timer,
)
from engine.usecase import UseCase

__all__ = ["due_instance_ids", "due_start_timer_ids", "fire_instance_timers", "fire_start_timer"]


def fire_start_timer(uc: UseCase, timer_id: int) -> int:
    """Start a new instance for a due timer start event and schedule its next time."""
    timer = lock_timer(uc.session, timer_id)
    if timer is None:
        return 0
    definition = uc.session.get(ProcessDefinition, timer.definition_id)
    start_instance(uc, definition.key, {}, SYSTEM, definition=definition)
    reschedule_start_timer(timer, uc.diagrams.get(definition), uc.now)
    return 1


def fire_instance_timers(uc: UseCase, instance_id: str) -> int:
    """Lock the instance (skipping it if another worker holds it), let its due timers fire and
    record what followed; 1 when it was advanced, 0 when skipped."""
    instance = lock_instance(uc.session, instance_id)
    # Another worker may have fired them between our look and our lock: look again, locked.
    if instance is None or not has_due_timers(uc.session, instance_id, uc.now):
        return 0
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
