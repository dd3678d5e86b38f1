"""Shaping instances and tasks for the response (labels in the caller's language)."""
from __future__ import annotations

from dataclasses import asdict

from api.auth import current_user
from api.instances.schemas import InstanceSchema
from api.tasks.schemas import TaskSchema
from api.labels import locale_of, status_label
from engine.idempotency import Reply


def instance_data(view) -> dict:
    """An instance with its status label in the caller's language, ready for a schema."""
    data = asdict(view)
    data["status_label"] = status_label(view.status, locale_of(current_user()))
    return data


def instance_body(view) -> dict:
    """An instance dumped as the contract shows it (for replies built outside a view)."""
    return InstanceSchema().dump(instance_data(view))


def created_instance(view) -> Reply:
    """201 with the new instance and where it lives."""
    return Reply(201, instance_body(view), f"/api/v1/process-instances/{view.id}")


def completed_task(result) -> Reply:
    """200 with the completed task and its instance after the step."""
    task, instance = result
    return Reply(200, {"task": TaskSchema().dump(asdict(task)), "instance": instance_body(instance)})
