"""What every use case works with: one session (one transaction), the runtime, the time."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

import forms
from engine.definitions import DiagramCache
from engine.errors import FormInvalid, NotAllowed
from engine.form_context import DatabaseFormContext
from engine.models import User
from engine.spiff.runtime import Runtime
from engine.users import get_user
from engine.views import UserView


@dataclass
class UseCase:
    session: Session
    runtime: Runtime
    diagrams: DiagramCache
    now: datetime
    zone: ZoneInfo = ZoneInfo("UTC")  # the agency's time zone
    _users: dict[str, User] = field(default_factory=dict)

    def remember(self, user: UserView) -> None:
        """Use a user the caller authenticated moments ago instead of loading them again."""
        self._users[user.username] = user

    def user(self, username: str) -> User | UserView:
        """The acting user (must exist and be active); loaded once per use case."""
        user = self._users.get(username)
        if user is None:
            user = self._users[username] = get_user(self.session, username)
        if not user.active:
            raise NotAllowed(f"User '{username}' is not active.")
        return user

    def validate(self, form_key: str, data, actor: str, initiator: str | None) -> dict:
        """Validate ``data`` with the named form; FormInvalid lists every field at fault."""
        context = DatabaseFormContext(self.session, actor, initiator, self.now.astimezone(self.zone).date())
        try:
            return forms.validate_form(form_key, data, context)
        except forms.FormInvalid as err:
            raise FormInvalid("The data does not pass the form's validation.", err.errors) from err
