"""Every setting of the reports module, declared once, with its default and its environment
variable (``INVOICEFLOW_REPORTS_...``)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

ENV_PREFIX = "INVOICEFLOW_REPORTS_"
PACKAGE_DIR = Path(__file__).resolve().parent

# Groups that see every deal and every report; managers see their own deals only.
OVERSEEING_GROUPS = frozenset({"director", "analysts", "admins"})
MANAGERS_GROUP = "managers"
# Groups that may push deals (a CRM integration's account, or an admin).
WRITING_GROUPS = frozenset({"admins", "integrators"})
AUTOMATION_GROUPS = frozenset({"admins"})


def _env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(ENV_PREFIX + name) or default


@dataclass(frozen=True)
class ReportsSettings:
    """Configuration of the reports module.

    ``timezone``: the agency's time zone; report periods are whole days in it.
    ``target_stage``: the stage a conversion counts by default.
    ``pipeline_path``: the TOML file of the sales pipeline (the shipped one by default).
    ``automation_rules_path``: the stage automation rules used until an admin saves others.
    """

    timezone: str = "Europe/Moscow"
    target_stage: str = "prepayment_received"
    pipeline_path: Path = PACKAGE_DIR / "pipeline.toml"
    automation_rules_path: Path = PACKAGE_DIR / "automation_rules.toml"

    def __post_init__(self):
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as err:
            raise ValueError(f"{ENV_PREFIX}TIMEZONE: unknown time zone {self.timezone!r}") from err

    @property
    def zone(self) -> ZoneInfo:
        """The agency's time zone."""
        return ZoneInfo(self.timezone)

    @classmethod
    def from_env(cls, **overrides) -> "ReportsSettings":
        """Read ``INVOICEFLOW_REPORTS_*`` variables; keyword arguments win over the environment."""
        values = {
            "timezone": _env("TIMEZONE", cls.timezone),
            "target_stage": _env("TARGET_STAGE", cls.target_stage),
            "pipeline_path": Path(_env("PIPELINE", str(cls.pipeline_path))),
            "automation_rules_path": Path(_env("AUTOMATION_RULES", str(cls.automation_rules_path))),
        }
        values.update(overrides)
        return cls(**values)
