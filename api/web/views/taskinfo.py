"""Why a person may not act on a task, in their language (the engine decides; this explains)."""
from __future__ import annotations

from flask_babel import gettext as _

from api.web.i18n import group


def refusal_text(page, user) -> str:
    """The reason the task page shows instead of a form."""
    task, instance = page.task, page.instance
    name = lambda username: page.people.get(username, username)  # noqa: E731
    if task.state != "open":
        return _("This task is already done.")
    if instance.state != "running":
        return _("The invoice is no longer in progress.")
    if task.assignee and task.assignee != user.username:
        return _("This task is assigned to %(name)s.", name=name(task.assignee))
    if task.claimed_by and task.claimed_by != user.username:
        return _("%(name)s has taken this task.", name=name(task.claimed_by))
    if not set(task.candidate_groups) & set(user.groups) and not task.assignee:
        groups = ", ".join(group(g) for g in task.candidate_groups)
        return _("This task is for %(groups)s.", groups=groups)
    if instance.initiator == user.username:
        return _("You started this invoice, so you may not decide on it.")
    return _("You may not act on this task.")
