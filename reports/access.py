"""Who may see and change what in the reports module, whatever door the request came in by.

A viewer is anything with ``username`` and ``groups`` (the API passes the signed-in user)."""
from __future__ import annotations

from reports.config import AUTOMATION_GROUPS, MANAGERS_GROUP, OVERSEEING_GROUPS, WRITING_GROUPS
from reports.errors import NotAllowed


def _groups(viewer) -> set[str]:
    return set(getattr(viewer, "groups", ()) or ())


def deal_scope(viewer) -> str | None:
    """None when the viewer sees every deal; the manager's username when only their own;
    NotAllowed for everyone else."""
    groups = _groups(viewer)
    if groups & OVERSEEING_GROUPS:
        return None
    if MANAGERS_GROUP in groups:
        return viewer.username
    raise NotAllowed("Deals and reports are for the director, analysts, admins and managers.")


def sees_reports(viewer) -> bool:
    """Whether the viewer sees any deals and reports (every deal, or their own as a manager)."""
    groups = _groups(viewer)
    return bool(groups & OVERSEEING_GROUPS) or MANAGERS_GROUP in groups


def scoped_manager(viewer, asked: str | None) -> str | None:
    """The manager filter a query runs with: a manager may only ask about their own deals."""
    own = deal_scope(viewer)
    if own is not None and asked not in (None, own):
        raise NotAllowed("Managers see reports over their own deals only.")
    return own or asked


def require_writer(viewer) -> None:
    """Only admins and integrators push deals."""
    if not _groups(viewer) & WRITING_GROUPS:
        raise NotAllowed("Only admins and integrators change deals.")


def require_admin(viewer) -> None:
    """Automation rules and their errors are for admins."""
    if not _groups(viewer) & AUTOMATION_GROUPS:
        raise NotAllowed("Only admins manage the automation rules.")
