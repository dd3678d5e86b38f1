"""Deploying diagrams as versions, and the cache of their parsed specs."""
from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

import forms
from engine.errors import DefinitionNotFound, InvalidBpmn
from engine.models import ProcessDefinition
from engine.spiff.checks import check_diagram
from engine.spiff.diagram import Diagram, parse_diagram
from engine.timers import schedule_start_timer
from engine.views import DefinitionView


def definition_view(row: ProcessDefinition, created: bool = False) -> DefinitionView:
    """The read model of a definition row."""
    return DefinitionView(row.key, row.version, row.name, row.sha256, row.deployed_by,
                          row.deployed_at, created)


def deploy(session: Session, xml: str | bytes, actor: str, now) -> DefinitionView:
    """Validate a diagram and store it as the next version of its process key.

    Identical content to the latest version returns that version instead of a new one.
    """
    try:
        text = xml.decode("utf-8") if isinstance(xml, bytes) else xml
    except UnicodeDecodeError as err:  # a binary file, or XML in another encoding
        raise InvalidBpmn(f"The file is not UTF-8 encoded BPMN XML (byte {err.start}: {err.reason}).") from err
    diagram = parse_diagram(text)
    check_diagram(diagram, forms.form_exists)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    latest = latest_definition(session, diagram.process_id, required=False)
    if latest is not None and latest.sha256 == digest:
        return definition_view(latest)
    row = ProcessDefinition(
        key=diagram.process_id, version=(latest.version + 1) if latest else 1, name=diagram.name,
        bpmn_xml=text, sha256=digest, deployed_by=actor, deployed_at=now,
    )
    session.add(row)
    schedule_start_timer(session, row, diagram, now)
    session.flush()
    return definition_view(row, created=True)


def latest_definition(session: Session, key: str, required: bool = True) -> ProcessDefinition | None:
    """The newest version of ``key``; DefinitionNotFound when there is none and it is required."""
    row = session.scalars(
        select(ProcessDefinition).where(ProcessDefinition.key == key)
        .order_by(ProcessDefinition.version.desc()).limit(1)
    ).first()
    if row is None and required:
        raise DefinitionNotFound(f"No process definition '{key}'.")
    return row


def definition_version(session: Session, key: str, version: int) -> ProcessDefinition:
    """One version of ``key``, or DefinitionNotFound."""
    row = session.scalars(
        select(ProcessDefinition).where(ProcessDefinition.key == key,
                                        ProcessDefinition.version == version)
    ).first()
    if row is None:
        raise DefinitionNotFound(f"No version {version} of process definition '{key}'.")
    return row


def list_latest(session: Session) -> list[DefinitionView]:
    """The latest version of every process key."""
    newest = (select(ProcessDefinition.key, func.max(ProcessDefinition.version).label("v"))
              .group_by(ProcessDefinition.key).subquery())
    rows = session.scalars(
        select(ProcessDefinition).join(
            newest, (ProcessDefinition.key == newest.c.key) & (ProcessDefinition.version == newest.c.v)
        ).order_by(ProcessDefinition.key)
    ).all()
    return [definition_view(row) for row in rows]


def list_versions(session: Session, key: str) -> list[DefinitionView]:
    """Every version of ``key``, oldest first."""
    rows = session.scalars(
        select(ProcessDefinition).where(ProcessDefinition.key == key)
        .order_by(ProcessDefinition.version)
    ).all()
    if not rows:
        raise DefinitionNotFound(f"No process definition '{key}'.")
    return [definition_view(row) for row in rows]


class DiagramCache:
    """Parsed specs per definition version (immutable once deployed, so never invalidated)."""

    def __init__(self, size: int = 64):
        self._size = size
        self._items: OrderedDict[int, Diagram] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, definition: ProcessDefinition) -> Diagram:
        """The parsed diagram of a stored definition, parsing it at most once."""
        with self._lock:
            diagram = self._items.get(definition.id)
            if diagram is not None:
                self._items.move_to_end(definition.id)
                return diagram
        diagram = parse_diagram(definition.bpmn_xml)
        with self._lock:
            self._items[definition.id] = diagram
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return diagram
