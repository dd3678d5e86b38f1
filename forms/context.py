"""What validation needs to know about the world outside the submitted data."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable


@runtime_checkable
class FormContext(Protocol):
    """Facts a form needs that are not in the submitted data.

    ``initiator`` is the username of whoever started the process; for the
    start form it equals ``actor``.  If it is None, validation assumes the
    actor is the initiator (there is no instance yet).
    """

    actor: str
    initiator: str | None
    today: datetime.date

    def user_is_active(self, username: str) -> bool:
        """Whether ``username`` exists and may take part in processes."""
        ...

    def user_in_group(self, username: str, group: str) -> bool:
        """Whether ``username`` belongs to ``group``."""
        ...

    def attachment_owner(self, attachment_id: str) -> str | None:
        """Username that uploaded the attachment, or None if there is no such attachment."""
        ...


@dataclass
class StaticFormContext:
    """An in-memory FormContext for tests and scripts.

    ``users`` maps a username to ``{"active": bool, "groups": set[str]}``
    (a missing ``active`` counts as active); ``attachments`` maps an
    attachment id to the username that uploaded it.
    """

    actor: str
    initiator: str | None = None
    today: datetime.date = field(default_factory=datetime.date.today)
    users: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    attachments: Mapping[str, str] = field(default_factory=dict)

    def user_is_active(self, username: str) -> bool:
        """True if the user is known and not deactivated."""
        user = self.users.get(username)
        return user is not None and bool(user.get("active", True))

    def user_in_group(self, username: str, group: str) -> bool:
        """True if the user is known and lists ``group``."""
        user = self.users.get(username)
        return user is not None and group in user.get("groups", ())

    def attachment_owner(self, attachment_id: str) -> str | None:
        """Uploader of the attachment, None when it does not exist."""
        return self.attachments.get(attachment_id)


def effective_initiator(context: FormContext) -> str:
    """The process initiator, falling back to the actor when none is known yet."""
    return context.initiator if context.initiator is not None else context.actor
