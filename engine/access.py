"""Who may see and who may act: checked in the engine, whatever door the request came in by."""
from __future__ import annotations

from engine.models import ProcessInstance, User, UserTask

# Groups that see every invoice (the contract: accountants, the director and admins).
OVERSEEING_GROUPS = frozenset({"accountants", "director", "admins"})
DEPLOYING_GROUPS = frozenset({"analysts", "admins"})
WEBHOOK_GROUPS = frozenset({"admins"})


# In ``ProcessInstance.participants`` a group is written "@name" (usernames never hold an "@").
GROUP_MARK = "@"


def may_see_instance(user: User, instance: ProcessInstance) -> bool:
    """Participants (people named on a task, and members of a task's candidate groups) and the
    overseeing groups see an instance; nobody else knows it exists."""
    if user.group_names & OVERSEEING_GROUPS:
        return True
    participants = set(instance.participants or [])
    if user.username == instance.initiator or user.username in participants:
        return True
    return any(GROUP_MARK + group in participants for group in user.group_names)


def may_act_on(user: User, task: UserTask) -> bool:
    """The assignee, or a member of a candidate group, may act on a task."""
    if task.assignee:
        return task.assignee == user.username
    return bool(user.group_names & set(task.candidate_groups or []))


def may_deploy(user: User) -> bool:
    """Only analysts and admins deploy diagrams."""
    return bool(user.group_names & DEPLOYING_GROUPS)


def may_cancel(user: User, instance: ProcessInstance) -> bool:
    """The initiator and admins may cancel an instance."""
    return user.username == instance.initiator or "admins" in user.group_names


def may_manage_webhooks(user: User) -> bool:
    """Only admins register, list and delete webhooks and see their deliveries (a webhook
    receives every invoice's data)."""
    return bool(user.group_names & WEBHOOK_GROUPS)
