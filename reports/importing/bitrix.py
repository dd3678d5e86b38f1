"""Bitrix24 exports: the JSON of ``crm.deal.list`` and of ``crm.stagehistory.list`` (values are
strings; stage ids may carry a funnel prefix such as ``C1:NEW``), read through a mapping file."""
from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from reports.importing.sources import DEALS, HISTORY, FileProblem, RawRow, Source
from reports.pipeline import Pipeline


@dataclass(frozen=True)
class BitrixMapping:
    """Bitrix24 stage ids, source ids and user ids -> ours (see reports/bitrix_mapping.toml)."""

    stages: dict[str, str]
    sources: dict[str, str] = field(default_factory=dict)
    managers: dict[str, str] | None = None

    def stage(self, stage_id: str) -> str:
        """Our stage code for a Bitrix24 stage id (``C1:NEW`` falls back to ``NEW``)."""
        found = self.stages.get(stage_id) or self.stages.get(stage_id.split(":", 1)[-1])
        if found is None:
            raise ValueError(f"stage {stage_id!r} is not in the mapping's [stages]")
        return found

    def manager(self, user_id: str) -> str:
        """Our username for a Bitrix24 user id."""
        if self.managers is None:
            return user_id
        if user_id not in self.managers:
            raise ValueError(f"ASSIGNED_BY_ID {user_id!r} is not in the mapping's [managers]")
        return self.managers[user_id]


def load_mapping(path: Path, pipeline: Pipeline) -> BitrixMapping:
    """Read and check a mapping file; FileProblem names what is wrong."""
    try:
        document = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise FileProblem(f"mapping {path}: {err}") from None
    stages = {str(k): str(v) for k, v in document.get("stages", {}).items()}
    unknown = sorted(set(stages.values()) - set(pipeline.codes))
    if unknown or not stages:
        raise FileProblem(f"mapping {path}: [stages] must map to stages of the pipeline (unknown: {unknown})")
    managers = document.get("managers")
    return BitrixMapping(stages, {str(k): str(v) for k, v in document.get("sources", {}).items()},
                         None if managers is None else {str(k): str(v) for k, v in managers.items()})


def open_bitrix(path: Path, mapping: BitrixMapping) -> Source:
    """A ``Source`` of a Bitrix24 JSON export (a deal list or a stage history)."""
    try:
        document = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise FileProblem(f"not a Bitrix24 JSON export: {err}") from None
    items = _items(document)
    first = next((item for item in items if isinstance(item, dict)), {})
    if {"OWNER_ID", "STAGE_ID", "CREATED_TIME"} <= set(first):
        kind, convert = HISTORY, _entry
    elif {"ID", "STAGE_ID", "DATE_CREATE"} <= set(first):
        kind, convert = DEALS, _deal
    else:
        raise FileProblem("neither crm.deal.list (ID, STAGE_ID, DATE_CREATE ...) nor crm.stagehistory.list "
                          "(OWNER_ID, STAGE_ID, CREATED_TIME) records")
    size = path.stat().st_size
    return Source(path, kind, size, lambda: _rows(items, convert, mapping, size), label="record")


def _items(document) -> list:
    """The records of an export: ``{"result": [...]}``, ``{"result": {"items": [...]}}``, a list of
    such pages, or a bare list of records."""
    pages = document if isinstance(document, list) and document and isinstance(document[0], dict) \
        and "result" in document[0] else [document]
    items = []
    for page in pages:
        result = page.get("result", page) if isinstance(page, dict) else page
        if isinstance(result, dict):
            result = result.get("items", [])
        if not isinstance(result, list):
            raise FileProblem("no list of records in the export")
        items.extend(result)
    return items


def _rows(items: list, convert, mapping: BitrixMapping, size: int):
    for number, item in enumerate(items, start=1):
        position = size * number // len(items)
        try:
            if not isinstance(item, dict):
                raise ValueError("not an object")
            yield RawRow(number, convert(item, mapping), position)
        except ValueError as err:
            yield RawRow(number, None, position, f"ID {item.get('ID') if isinstance(item, dict) else '?'}: {err}")


def _text(item: dict, name: str) -> str:
    value = item.get(name)
    return "" if value is None else str(value)


def _deal(item: dict, mapping: BitrixMapping) -> dict:
    source = _text(item, "SOURCE_ID")
    closed = _text(item, "CLOSEDATE") if _text(item, "CLOSED") == "Y" else ""
    return {"external_id": _text(item, "ID"), "title": _text(item, "TITLE"),
            "stage": mapping.stage(_text(item, "STAGE_ID")), "source": mapping.sources.get(source, source),
            "manager": mapping.manager(_text(item, "ASSIGNED_BY_ID")), "created_at": _text(item, "DATE_CREATE"),
            "amount": _text(item, "OPPORTUNITY"), "currency": _text(item, "CURRENCY_ID"), "closed_at": closed}


def _entry(item: dict, mapping: BitrixMapping) -> dict:
    return {"external_id": _text(item, "OWNER_ID"), "stage": mapping.stage(_text(item, "STAGE_ID")),
            "entered_at": _text(item, "CREATED_TIME")}
