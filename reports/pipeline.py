"""The sales pipeline as configuration: ordered stages, the success path and the failure stages."""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

KINDS = ("in_progress", "success", "failure")
CODE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
STAGE_KEYS = {"code", "kind", "name_ru", "name_en"}


@dataclass(frozen=True)
class Stage:
    """One stage of the pipeline."""

    code: str
    kind: str
    name_ru: str
    name_en: str

    @property
    def failure(self) -> bool:
        """Whether a deal in this stage has left the success path (lost)."""
        return self.kind == "failure"

    def name(self, locale: str) -> str:
        """The display name in ``locale`` (``ru`` unless ``en``)."""
        return self.name_en if locale == "en" else self.name_ru


@dataclass(frozen=True)
class Pipeline:
    """The ordered stages; the success path is every non-failure stage in order."""

    stages: tuple[Stage, ...]

    def __post_init__(self):
        codes = [stage.code for stage in self.stages]
        if not self.path:
            raise ValueError("the pipeline needs at least one in_progress or success stage")
        if len(set(codes)) != len(codes):
            raise ValueError(f"stage codes repeat: {codes}")

    @property
    def path(self) -> tuple[Stage, ...]:
        """The success path: in_progress and success stages, in order."""
        return tuple(stage for stage in self.stages if not stage.failure)

    @property
    def failures(self) -> tuple[Stage, ...]:
        """The failure stages (a deal there is lost)."""
        return tuple(stage for stage in self.stages if stage.failure)

    @cached_property
    def codes(self) -> tuple[str, ...]:
        """Every stage code, in order."""
        return tuple(stage.code for stage in self.stages)

    def stage(self, code: str) -> Stage:
        """The stage with this code; KeyError when the pipeline has none."""
        for stage in self.stages:
            if stage.code == code:
                return stage
        raise KeyError(code)

    @cached_property
    def _names(self) -> dict[str, Stage]:
        names = {}
        for stage in reversed(self.stages):  # a code wins over another stage's display name
            names.update({stage.name_ru.casefold(): stage, stage.name_en.casefold(): stage})
        return {**names, **{stage.code: stage for stage in self.stages}}

    def lookup(self, text: str) -> Stage | None:
        """The stage named by its code or by a display name (any case), or None."""
        return self._names.get(text.strip().casefold())

    def later_path(self, code: str) -> tuple[Stage, ...]:
        """The success-path stages from ``code`` on (a deal that reached any of them reached it)."""
        path = self.path
        index = [stage.code for stage in path].index(code)
        return path[index:]


def load_pipeline(path: str | Path) -> Pipeline:
    """Read and check a pipeline TOML file; ValueError names the file and the problem."""
    path = Path(path)
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
        return Pipeline(tuple(_stage(entry) for entry in document.get("stages", [])))
    except (OSError, tomllib.TOMLDecodeError, ValueError, TypeError) as err:
        raise ValueError(f"{path}: {err}") from err


def _stage(entry: dict) -> Stage:
    unknown = set(entry) - STAGE_KEYS
    missing = STAGE_KEYS - set(entry)
    if unknown or missing:
        raise ValueError(f"stage {entry.get('code')!r}: unknown keys {sorted(unknown)}, missing {sorted(missing)}")
    if not isinstance(entry["code"], str) or not CODE.match(entry["code"]):
        raise ValueError(f"stage code {entry['code']!r}: lowercase letters, digits and '_'")
    if entry["kind"] not in KINDS:
        raise ValueError(f"stage {entry['code']!r}: kind must be one of {', '.join(KINDS)}")
    return Stage(entry["code"], entry["kind"], str(entry["name_ru"]), str(entry["name_en"]))
