"""The reports module's front: deals, stage automation and the reports, each use case in its
own transaction, on a session factory shared with the engine (same database).

>>> reports = Reports(engine.session_factory(), starter=engine)   # the API wires it like this
>>> reports.conversion(viewer, date(2026, 1, 1), date(2026, 1, 31), by="channel")
"""
from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from datetime import date, datetime, timezone

from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from reports import access, deals
from reports.automation import admin as automation
from reports.config import ReportsSettings
from reports.errors import Conflict, InvalidInput
from reports.importing.importer import Importer
from reports.periods import Period, month_of
from reports.pipeline import load_pipeline
from reports.queries.common import ReportQuery
from reports.queries.conversion import conversion
from reports.queries.funnel import funnel
from reports.records import DealRecord
from reports.stagebits import StageBits
from reports.views import deal_view, run_view

# The engine's SQLite connections begin read-only transactions deferred when asked this way.
READ_ONLY = {"invoiceflow_read_only": True}


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Reports:
    """Deals in, reports out. No Flask, no engine import: usable from a script or the CLI."""

    def __init__(self, sessions, settings: ReportsSettings | None = None, starter=None,
                 clock: Callable[[], datetime] | None = None):
        self.sessions = sessions
        self.settings = settings or ReportsSettings.from_env()
        self.pipeline = load_pipeline(self.settings.pipeline_path)
        if self.settings.target_stage not in [stage.code for stage in self.pipeline.path]:
            raise ValueError(f"target stage {self.settings.target_stage!r} is not on the pipeline's success path")
        self.starter = starter
        self.clock = clock or _utcnow
        self._bits: StageBits | None = None

    @property
    def bits(self) -> StageBits:
        """The stage bits (assigned on first use, in their own transaction)."""
        if self._bits is None:
            self._bits = StageBits.ensure(self.sessions, self.pipeline.codes)
        return self._bits

    @contextmanager
    def unit_of_work(self, write: bool = True):
        """A ``deals.Context`` whose changes commit together, or not at all."""
        context = deals.Context(None, self.pipeline, self.bits, self.clock(), self.starter,
                                self.settings.automation_rules_path)
        with self.sessions() as session:
            context.session = session
            if not write:
                session.connection(execution_options=READ_ONLY)
            try:
                yield context
                if write:
                    session.commit()
                else:
                    session.rollback()
            except IntegrityError as err:
                session.rollback()
                raise Conflict("The change collided with another one made at the same time; retry.") from err
            except BaseException:
                session.rollback()
                raise

    def _write(self, action, retries: int = 1):
        """Run a change; once more when it collided with a concurrent identical one."""
        for attempt in range(retries + 1):
            try:
                with self.unit_of_work() as ctx:
                    return action(ctx)
            except Conflict:
                if attempt == retries:
                    raise

    def period(self, date_from: date | None, date_to: date | None) -> Period:
        """A period of whole days in the agency's time zone."""
        return Period(date_from, date_to, self.settings.zone)

    def current_month(self) -> tuple[date, date]:
        """The first and last day of this month in the agency's time zone (the pages' default period)."""
        return month_of(self.clock(), self.settings.zone)

    @staticmethod
    def scope(viewer) -> str | None:
        """Whose deals the viewer's reports are over: None for every deal, a manager's username for
        their own; NotAllowed for anyone else."""
        return access.deal_scope(viewer)

    # Deals
    def put_deal(self, record: DealRecord, viewer):
        """Create or update a deal (admins, integrators); returns (deal, created, runs)."""
        access.require_writer(viewer)

        def action(ctx):
            deal, created, runs = deals.put_deal(ctx, record)
            return deal_view(deal), created, [run_view(run, deal.external_id) for run in runs]
        return self._write(action)

    def record_stage(self, external_id: str, stage: str, at: datetime | None, viewer):
        """Record a stage entry (now when ``at`` is None); a ``StageChange``."""
        access.require_writer(viewer)
        return self._write(lambda ctx: deals.record_stage(ctx, external_id, stage, at or ctx.now))

    def deal(self, external_id: str, viewer):
        """One deal with its stage history."""
        manager = access.deal_scope(viewer)
        with self.unit_of_work(write=False) as ctx:
            return deals.get_deal(ctx, external_id, manager)

    def deals(self, viewer, stage=None, source=None, manager=None, date_from=None, date_to=None,
              page: int = 1, page_size: int = 50):
        """Deals the viewer may see, created in the period, filtered, newest first, with the total."""
        period = self.period(date_from, date_to)
        filters = {"stage": stage, "source": source, "manager": access.scoped_manager(viewer, manager),
                   "created_from": period.start, "created_to": period.end}
        with self.unit_of_work(write=False) as ctx:
            return deals.list_deals(ctx, filters, page, page_size)

    # Imports (the operator at the command line: no viewer)
    def import_files(self, paths, mapping_path=None, progress=None):
        """Import deals and stage histories from CSV or Bitrix24 JSON files; a report per file."""
        return Importer(self, mapping_path).run(paths, progress)

    def analyze(self) -> None:
        """Refresh the planner's statistics after a bulk change (SQLite needs them to walk the
        reports' indexes in group order instead of sorting)."""
        with self.sessions() as session:
            session.execute(text("ANALYZE"))
            session.commit()

    # Reports
    def conversion(self, viewer, date_from=None, date_to=None, by="none", source=None, manager=None,
                   target=None):
        """Conversion to ``target`` (the configured stage by default) overall or by channel/manager."""
        query = self._query(viewer, date_from, date_to, source, manager)
        target = target or self.settings.target_stage
        if target not in [stage.code for stage in self.pipeline.path]:
            raise InvalidInput("Unknown target stage.", {"target": ["Not a stage of the success path."]})
        with self.unit_of_work(write=False) as ctx:
            return conversion(ctx.session, self.pipeline, self.bits, query, target, by)

    def funnel(self, viewer, date_from=None, date_to=None, source=None, manager=None):
        """The sales funnel of the deals created in the period."""
        query = self._query(viewer, date_from, date_to, source, manager)
        with self.unit_of_work(write=False) as ctx:
            return funnel(ctx.session, self.pipeline, self.bits, query)

    def _query(self, viewer, date_from, date_to, source, manager) -> ReportQuery:
        manager = access.scoped_manager(viewer, manager)
        return ReportQuery(self.period(date_from, date_to), source, manager)

    # Automation
    def automation_rules(self, viewer):
        """The rules in force (admins)."""
        access.require_admin(viewer)
        with self.unit_of_work(write=False) as ctx:
            return automation.rules(ctx)

    def replace_automation_rules(self, items, viewer):
        """Check and save a new list of rules (admins)."""
        access.require_admin(viewer)
        return self._write(lambda ctx: automation.replace(ctx, items, viewer.username), retries=0)

    def automation_runs(self, viewer, failed: bool = False, page: int = 1, page_size: int = 50):
        """Automation runs, newest first (admins); ``failed``: those that started nothing."""
        access.require_admin(viewer)
        with self.unit_of_work(write=False) as ctx:
            return automation.runs(ctx, failed, page, page_size)

    def retry_automation_run(self, run_id: int | str, viewer):
        """Try a failed run again with the rule and deal as they are now (admins)."""
        access.require_admin(viewer)
        return self._write(lambda ctx: automation.retry(ctx, run_id), retries=0)
