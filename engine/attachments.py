"""Uploaded files: bytes under the data directory by content hash, metadata in SQL."""
from __future__ import annotations

import hashlib
import os
import tempfile
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

import forms
from engine.errors import InvalidInput, NotFound
from engine.models import Attachment, InstanceAttachment, ProcessInstance

# Types are recognised by their first bytes, never by the client's file name.
SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)


class UnsupportedType(InvalidInput):
    """The content is not one of the allowed types."""


class AttachmentNotFound(NotFound):
    """No attachment with that id visible to the caller."""


def sniff_content_type(content: bytes) -> str | None:
    """The allowed content type the bytes start like, or None."""
    for magic, content_type in SIGNATURES:
        if content.startswith(magic):
            return content_type
    return None


def blob_path(data_dir: Path, sha256: str) -> Path:
    """Where the bytes with this hash live (fanned out so no folder grows too large)."""
    return data_dir / "attachments" / sha256[:2] / sha256


def save_attachment(session: Session, data_dir: Path, content: bytes, filename: str,
                    actor: str, now: datetime) -> Attachment:
    """Store the bytes (once per content) and a metadata row for this upload."""
    content_type = sniff_content_type(content)
    if content_type is None:
        raise UnsupportedType("Only PDF, PNG and JPEG files are accepted.", {"file": ["Unsupported file type."]})
    digest = hashlib.sha256(content).hexdigest()
    target = blob_path(data_dir, digest)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename: a crash never leaves a half-written file under the final name.
        with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as handle:
            handle.write(content)
        os.replace(handle.name, target)
    safe_name = Path(filename or "document").name[:255] or "document"
    row = Attachment(sha256=digest, filename=safe_name, content_type=content_type,
                     size=len(content), uploaded_by=actor, uploaded_at=now)
    session.add(row)
    session.flush()
    return row


def link_attachments(session: Session, instance: ProcessInstance, form_key: str | None,
                     data: dict) -> None:
    """Record the attachments a form submission put into an instance (who may read them follows)."""
    if not form_key:
        return
    for name in forms.attachment_fields(form_key):
        attachment_id = data.get(name)
        if attachment_id and session.get(InstanceAttachment, (instance.id, attachment_id)) is None:
            session.add(InstanceAttachment(instance=instance, attachment_id=attachment_id))


def readable_attachment(session: Session, data_dir: Path, attachment_id: str, user,
                        may_see_instance) -> tuple[Attachment, Path]:
    """The attachment and the path of its bytes, for its uploader and for whoever may see an
    instance that uses it; AttachmentNotFound for everyone else (ids cannot be probed)."""
    row = session.get(Attachment, attachment_id) if isinstance(attachment_id, str) else None
    if row is None or not (row.uploaded_by == user.username or any(
            may_see_instance(user, instance) for instance in _instances_using(session, row.id))):
        raise AttachmentNotFound("No such attachment.")
    return row, blob_path(data_dir, row.sha256)


def _instances_using(session: Session, attachment_id: str):
    return session.scalars(
        select(ProcessInstance).join(InstanceAttachment,
                                     InstanceAttachment.instance_id == ProcessInstance.id)
        .where(InstanceAttachment.attachment_id == attachment_id))
