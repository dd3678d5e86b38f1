"""SQLAlchemy 2 typed models of invoiceflow. The schema itself is owned by Alembic migrations."""
from .base import Base
from .definitions import ProcessDefinition
from .attachments import Attachment, InstanceAttachment
from .idempotency import IdempotentRequest
from .notifications import Delivery, Notification, OutboxEvent, Webhook
from .timers import Timer
from .instances import (
    AuditEvent,
    ProcessInstance,
    TaskCandidateGroup,
    UserTask,
)
from .users import STANDARD_GROUPS, ApiToken, Group, User, user_groups

__all__ = [
    "Base", "ProcessDefinition", "ProcessInstance", "UserTask", "TaskCandidateGroup",
    "AuditEvent", "Attachment", "InstanceAttachment", "IdempotentRequest", "Timer", "OutboxEvent", "Delivery",
    "Notification", "Webhook", "User", "Group", "ApiToken", "user_groups", "STANDARD_GROUPS",
]
