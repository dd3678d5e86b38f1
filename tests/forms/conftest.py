"""Fixtures for forms tests: a small in-memory world of users and attachments."""

import datetime

import pytest

from forms import StaticFormContext

TODAY = datetime.date(2024, 5, 15)

USERS = {
    "alice": {"active": True, "groups": {"staff"}},          # the initiator
    "bob": {"active": True, "groups": {"managers"}},
    "carol": {"active": True, "groups": {"managers", "accounting"}},
    "dave": {"active": False, "groups": {"managers"}},       # deactivated manager
    "erin": {"active": True, "groups": {"staff"}},           # active, not a manager
    "boss": {"active": True, "groups": {"managers"}},
    **{f"m{i}": {"active": True, "groups": {"managers"}} for i in range(1, 12)},
}

ATTACHMENTS = {"att-alice": "alice", "att-bob": "bob", "att-erin": "erin"}


@pytest.fixture
def make_context():
    """Build a StaticFormContext for any actor/initiator over the shared world."""

    def make(actor="alice", initiator="alice", today=TODAY):
        return StaticFormContext(actor=actor, initiator=initiator, today=today,
                                 users=USERS, attachments=ATTACHMENTS)

    return make


@pytest.fixture
def context(make_context):
    """alice starting a process (actor == initiator)."""
    return make_context()
