"""The worker's use case: fire the due timers of one instance."""
from __future__ import annotations

from engine.progress import audit, record_failure, record_step
from engine.spiff.runtime import ProcessFailed
from engine.timers import close_timers, due_instance_ids, lock_instance
from engine.usecase import UseCase

__all__ = ["due_instance_ids", "fire_instance_timers"]


def fire_instance_timers(uc: UseCase, instance_id: str) -> int:
    """Lock the instance (skipping it if another worker holds it), let its due timers fire and
    record what followed; 1 when it was advanced, 0 when skipped."""
    instance = lock_instance(uc.session, instance_id)
    if instance is None:
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
