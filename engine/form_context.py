"""What form validation may ask the database, answered for one submission."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from engine.models import Attachment
from engine.users import find_user


@dataclass
class DatabaseFormContext:
    """``forms.FormContext`` backed by the service's tables."""

    session: Session
    actor: str
    initiator: str | None
    today: date

    def user_is_active(self, username: str) -> bool:
        """Whether ``username`` names an active user."""
        user = find_user(self.session, username)
        return bool(user and user.active)

    def user_in_group(self, username: str, group: str) -> bool:
        """Whether ``username`` is an active member of ``group``."""
        user = find_user(self.session, username)
        return bool(user and user.active and group in user.group_names)

    def attachment_owner(self, attachment_id: str) -> str | None:
        """Who uploaded the attachment, or None when there is no such attachment."""
        if not isinstance(attachment_id, str) or len(attachment_id) > 36:
            return None
        row = self.session.get(Attachment, attachment_id)
        return row.uploaded_by if row else None
