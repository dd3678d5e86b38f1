"""Typed domain errors. The web layer maps each to one HTTP status in one place."""
from __future__ import annotations


class InvoiceFlowError(Exception):
    """Base of every domain error; ``message`` is safe to show to the caller."""

    def __init__(self, message: str, errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors


class NotFound(InvoiceFlowError):
    """The thing does not exist, or the caller may not see it (ids cannot be probed)."""


class DefinitionNotFound(NotFound):
    """No process definition with that key (and version)."""


class InstanceNotFound(NotFound):
    """No process instance with that id visible to the caller."""


class TaskNotFound(NotFound):
    """No user task with that id visible to the caller."""


class UserNotFound(NotFound):
    """No user with that username."""


class NotAllowed(InvoiceFlowError):
    """The caller is known but may not do this."""


class Conflict(InvoiceFlowError):
    """The state changed under the caller: task already completed or claimed, instance changed
    concurrently, instance not running."""


class InvalidBpmn(InvoiceFlowError):
    """A diagram cannot be deployed; the message names the line or the element at fault."""


class FormInvalid(InvoiceFlowError):
    """Submitted data failed the form's validation; ``errors`` maps fields to messages."""


class InvalidInput(InvoiceFlowError):
    """A request is malformed in a way no form describes (bad id, bad argument)."""


class NotificationNotFound(NotFound):
    """No notification with that id addressed to the caller."""


class WebhookNotFound(NotFound):
    """No webhook with that id (or it was deleted)."""
