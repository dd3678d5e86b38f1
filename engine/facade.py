"""The engine's front: every use case in its own transaction, driven from any Python code.

>>> from engine import Engine
>>> engine = Engine.from_settings()
>>> engine.deploy_file("bpmn/invoice_approval.bpmn", actor="analyst")
"""
from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from zoneinfo import ZoneInfo
from typing import TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from engine import attachments, definitions, idempotency, inbox, instances, scheduling, tasks, users, webhooks
from engine import passwords, submissions, web_pages  # the web pages' use cases
from engine.idempotency import IdempotencyKey
from engine.clock import Clock, SystemClock
from engine.db import Database
from engine.definitions import DiagramCache
from engine.delivery import Courier
from engine.access import may_deploy, may_see_instance
from engine.errors import Conflict, NotAllowed
from engine.settings import Settings
from engine.spiff.runtime import Runtime
from engine.spiff.timekeeping import engine_time
from engine.usecase import UseCase
from engine.views import UserView

T = TypeVar("T")

# Recorded as the deployer when diagrams are deployed from the command line.
OPERATOR = "cli"

# Who acts: a username, or a user the caller has just authenticated (saves reloading them).
Actor = str | UserView


def _split_actor(actor: Actor) -> tuple[str, UserView | None]:
    if isinstance(actor, UserView):
        return actor.username, actor
    return actor, None


class Engine:
    """Deploy diagrams, start instances, work tasks. No Flask: usable from a script or a shell."""

    def __init__(self, database: Database, clock: Clock | None = None, data_dir: Path | None = None,
                 time_zone: str = Settings.time_zone):
        self.database = database
        self.data_dir = Path(data_dir or Settings().data_dir)
        self.clock = clock or SystemClock()
        self.zone = ZoneInfo(time_zone)  # the agency's: what "today" means for a form
        self.runtime = Runtime()
        self.diagrams = DiagramCache()

    @classmethod
    def from_settings(cls, settings: Settings | None = None, clock: Clock | None = None) -> "Engine":
        """An engine on the configured database (``INVOICEFLOW_*`` environment by default)."""
        settings = settings or Settings.from_env()
        engine = cls(Database(settings.effective_database_url), clock, settings.data_dir, settings.time_zone)
        engine.configure_delivery(settings)
        return engine

    @contextmanager
    def _use_case(self, write: bool = True):
        scope = self.database.unit_of_work() if write else self.database.read_only()
        now = self.clock.now()
        try:
            with scope as session, engine_time(now):
                yield UseCase(session, self.runtime, self.diagrams, now, self.zone)
        except StaleDataError as err:
            raise Conflict("The process instance was changed concurrently; reload and retry.") from err
        except IntegrityError as err:
            if not _lost_a_race(err):
                raise  # a broken invariant (NOT NULL, CHECK) is a bug, not the caller's conflict
            raise Conflict("The change conflicts with another one made at the same time.") from err

    def _run(self, action: Callable[[UseCase], T], write: bool = True, known=None) -> T:
        with self._use_case(write) as uc:
            if known is not None:
                uc.remember(known)
            return action(uc)

    def _run_once(self, action, actor: str, known, request: IdempotencyKey | None):
        """Run a change at most once per idempotency key; returns a Reply when a key is given."""
        if request is None:
            return self._run(action, known=known)

        def once(uc):
            earlier = idempotency.replay(uc.session, actor, request)
            if earlier is not None:
                return earlier
            reply = request.render(action(uc))
            idempotency.remember(uc.session, actor, request, reply, uc.now)
            return reply

        return self._run(once, known=known)

    def database_reachable(self) -> bool:
        """Whether a trivial query succeeds (health checks)."""
        return self.database.ping()

    # Definitions
    def deploy(self, xml: str | bytes, actor: Actor | None):
        """Deploy BPMN text; a new version only when the content changed.

        ``actor`` must be in ``analysts`` or ``admins``; None is the operator at the command line.
        """
        if actor is None:
            return self._run(lambda uc: definitions.deploy(uc.session, xml, OPERATOR, uc.now))
        actor, known = _split_actor(actor)

        def action(uc):
            if not may_deploy(uc.user(actor)):
                raise NotAllowed("Only analysts and admins deploy diagrams.")
            return definitions.deploy(uc.session, xml, actor, uc.now)

        return self._run(action, known=known)

    def deploy_file(self, path: str | Path, actor: Actor | None):
        """Deploy a BPMN file (see ``deploy``)."""
        return self.deploy(Path(path).read_bytes(), actor)

    def definition_xml(self, key: str, version: int | None = None) -> tuple[object, str]:
        """A definition (the latest, or one version) and its BPMN text as deployed."""
        def action(uc):
            row = (definitions.latest_definition(uc.session, key) if version is None
                   else definitions.definition_version(uc.session, key, version))
            return definitions.definition_view(row), row.bpmn_xml
        return self._run(action, write=False)

    def definitions(self):
        """The latest version of every process."""
        return self._run(lambda uc: definitions.list_latest(uc.session), write=False)

    def definition_versions(self, key: str):
        """Every version of one process."""
        return self._run(lambda uc: definitions.list_versions(uc.session, key), write=False)

    # Instances
    def start(self, key: str, data, actor: Actor, idempotency_key: IdempotencyKey | None = None):
        """Start the latest version of ``key`` (once per idempotency key, when one is given)."""
        actor, known = _split_actor(actor)
        return self._run_once(lambda uc: instances.start_instance(uc, key, data, actor),
                              actor, known, idempotency_key)

    def start_in(self, session, key: str, data, actor: str):
        """Start an instance inside the caller's transaction (``session``): the caller commits
        or rolls back both its own change and the start together. For modules beside the
        engine, such as deal automation."""
        now = self.clock.now()
        with engine_time(now):
            return instances.start_instance(UseCase(session, self.runtime, self.diagrams, now, self.zone),
                                            key, data, actor)

    def session_factory(self):
        """A SQLAlchemy session factory on the engine's database, for modules that keep their own
        tables in it and want one transaction with the engine (see ``start_in``)."""
        return self.database.sessions

    def cancel(self, instance_id: str, actor: Actor, reason: str = ""):
        """Cancel a running instance."""
        actor, known = _split_actor(actor)
        return self._run(lambda uc: instances.cancel_instance(uc, instance_id, actor, reason), known=known)

    def instance(self, instance_id: str, actor: Actor):
        """One instance as the actor may see it."""
        actor, known = _split_actor(actor)
        return self._run(lambda uc: instances.get_instance(uc, instance_id, actor), write=False, known=known)

    def history(self, instance_id: str, actor: Actor):
        """The audit trail of an instance."""
        actor, known = _split_actor(actor)
        return self._run(lambda uc: instances.instance_history(uc, instance_id, actor), write=False, known=known)

    def instances(self, actor: Actor, **filters):
        """Instances the actor may see, with the total."""
        actor, known = _split_actor(actor)
        return self._run(lambda uc: instances.list_instances(uc, actor, **filters), write=False, known=known)

    # Tasks
    def tasks(self, actor: Actor, **filters):
        """Tasks of the actor, with the total."""
        actor, known = _split_actor(actor)
        return self._run(lambda uc: tasks.list_tasks(uc, actor, **filters), write=False, known=known)

    def task(self, task_id: str, actor: Actor):
        """One task."""
        actor, known = _split_actor(actor)
        return self._run(lambda uc: tasks.get_task(uc, task_id, actor), write=False, known=known)

    def task_details(self, task_id: str, actor: Actor):
        """A task, its instance's data and the earlier decisions on it."""
        actor, known = _split_actor(actor)
        return self._run(lambda uc: tasks.task_details(uc, task_id, actor), write=False, known=known)

    def claim(self, task_id: str, actor: Actor):
        """Claim a group task."""
        actor, known = _split_actor(actor)
        return self._run(lambda uc: tasks.claim_task(uc, task_id, actor), known=known)

    def unclaim(self, task_id: str, actor: Actor):
        """Give a claimed task back."""
        actor, known = _split_actor(actor)
        return self._run(lambda uc: tasks.unclaim_task(uc, task_id, actor), known=known)

    def complete(self, task_id: str, data, actor: Actor,
                 idempotency_key: IdempotencyKey | None = None):
        """Complete a task with form data; returns (task, instance), or a Reply with a key."""
        actor, known = _split_actor(actor)
        return self._run_once(lambda uc: tasks.complete_task(uc, task_id, data, actor),
                              actor, known, idempotency_key)

    # Timers (the worker)
    def fire_due_timers(self, limit: int = 100, batch: int = 10) -> int:
        """Fire the due timers of up to ``limit`` instances, in transactions of up to ``batch``
        instances (one savepoint each, see ``scheduling``); returns how many instances were
        advanced. Safe to run in several workers at once."""
        with self._use_case(write=False) as uc:
            starts = scheduling.due_start_timer_ids(uc.session, uc.now, limit)
        fired = 0
        for timer_id in starts:
            try:
                fired += self._run(lambda uc, t=timer_id: scheduling.fire_start_timer(uc, t))
            except Conflict:
                continue  # changed meanwhile; still due next round
        remaining = limit
        while remaining > 0:
            size = min(batch, remaining)
            try:
                claimed, advanced = self._run(
                    lambda uc: scheduling.fire_due_instances(uc, size, candidates=limit))
            except Conflict:
                break  # the batch was rolled back; its timers are still due next round
            fired += advanced
            remaining -= size
            if claimed < size:
                break  # nothing more to claim now: the rest is fired or held by other workers
        return fired

    # Attachments
    def upload(self, content: bytes, filename: str, actor: Actor) -> dict:
        """Store an uploaded file; returns its metadata."""
        actor, known = _split_actor(actor)

        def action(uc):
            uc.user(actor)
            row = attachments.save_attachment(uc.session, self.data_dir, content, filename, actor, uc.now)
            return {"id": row.id, "filename": row.filename, "content_type": row.content_type,
                    "size": row.size, "sha256": row.sha256}
        return self._run(action, known=known)

    def attachment(self, attachment_id: str, actor: Actor):
        """Metadata and file path of an attachment the actor may read."""
        actor, known = _split_actor(actor)

        def action(uc):
            row, path = attachments.readable_attachment(
                uc.session, self.data_dir, attachment_id, uc.user(actor), may_see_instance)
            return {"id": row.id, "filename": row.filename, "content_type": row.content_type,
                    "size": row.size, "sha256": row.sha256}, path
        return self._run(action, write=False, known=known)

    # Users
    def create_user(self, username: str, **fields):
        """Create or update a user."""
        return self._run(lambda uc: users.create_user(uc.session, username, **fields))

    def issue_token(self, username: str, label: str = "") -> str:
        """A new bearer token for the user (printed once, stored as a hash)."""
        return self._run(lambda uc: users.issue_token(uc.session, username, uc.now, label))

    def revoke_tokens(self, username: str) -> int:
        """Revoke every token of the user."""
        return self._run(lambda uc: users.revoke_tokens(uc.session, username, uc.now))

    def authenticate(self, token: str):
        """The active user of a live token, or None."""
        user, stale_token = self._run(lambda uc: users.authenticate(uc.session, token, uc.now),
                                      write=False)
        if stale_token is not None:
            self._run(lambda uc: users.touch_token(uc.session, stale_token, uc.now))
        return user

    # Notifications and webhooks
    _courier: Courier | None = None  # built by configure_delivery (from_settings, or first use)

    def configure_delivery(self, settings: Settings | None = None) -> None:
        """Where e-mails go (``smtp_url``, ``mail_from``) and how often a delivery is tried,
        from ``settings`` (``INVOICEFLOW_*`` by default); ValueError on a malformed SMTP URL."""
        self._courier = Courier.from_settings(self.database, self.clock, settings or Settings.from_env())

    def deliver_due(self, limit: int = 100) -> int:
        """Send up to ``limit`` due e-mails and webhook calls, one transaction each; returns how
        many were tried. The worker's job; several workers share it safely on PostgreSQL."""
        if self._courier is None:
            self.configure_delivery()
        return self._courier.deliver_due(limit)

    def notifications(self, actor: Actor, unread_only: bool = False, page: int = 1, page_size: int = 50):
        """The actor's in-app notifications, newest first, with the total."""
        actor, known = _split_actor(actor)
        return self._run(lambda uc: inbox.list_notifications(uc, actor, unread_only, page, page_size),
                         write=False, known=known)

    def mark_notification_read(self, notification_id: int | str, actor: Actor):
        """Mark one of the actor's notifications read (NotificationNotFound for anyone else's)."""
        actor, known = _split_actor(actor)
        return self._run(lambda uc: inbox.mark_read(uc, notification_id, actor), known=known)

    def channels(self, actor: Actor) -> list[str]:
        """The channels the actor chose (``in_app``, ``email``)."""
        actor, known = _split_actor(actor)
        return self._run(lambda uc: inbox.channels_of(uc, actor), write=False, known=known)

    def set_channels(self, actor: Actor, channels) -> list[str]:
        """Choose the actor's channels (a subset of ``in_app``, ``email``); InvalidInput otherwise."""
        actor, known = _split_actor(actor)
        return self._run(lambda uc: inbox.set_channels(uc, actor, channels), known=known)

    def create_webhook(self, actor: Actor, url: str, event_types, secret: str | None = None,
                       description: str = ""):
        """Register a webhook (admins); the view carries the secret this once."""
        actor, known = _split_actor(actor)
        return self._run(lambda uc: webhooks.create_webhook(uc, actor, url, event_types, secret, description),
                         known=known)

    def webhooks(self, actor: Actor, page: int = 1, page_size: int = 50):
        """The webhooks in force (admins), with the total."""
        actor, known = _split_actor(actor)
        return self._run(lambda uc: webhooks.list_webhooks(uc, actor, page, page_size), write=False, known=known)

    def webhook(self, webhook_id: str, actor: Actor):
        """One webhook in force (admins)."""
        actor, known = _split_actor(actor)
        return self._run(lambda uc: webhooks.get_webhook(uc, webhook_id, actor), write=False, known=known)

    def delete_webhook(self, webhook_id: str, actor: Actor) -> None:
        """Stop a webhook (admins); its pending deliveries are given up."""
        actor, known = _split_actor(actor)
        self._run(lambda uc: webhooks.delete_webhook(uc, webhook_id, actor), known=known)

    def webhook_deliveries(self, webhook_id: str, actor: Actor, page: int = 1, page_size: int = 50):
        """A webhook's deliveries, newest first, with the total (admins)."""
        actor, known = _split_actor(actor)
        return self._run(lambda uc: webhooks.list_deliveries(uc, webhook_id, actor, page, page_size),
                         write=False, known=known)

    # Web pages: sign-in, the pages' read models, form submissions with their files
    def set_password(self, username: str, password: str):
        """Set a user's web sign-in password (argon2id); InvalidInput when too short or long."""
        return self._run(lambda uc: passwords.set_password(uc.session, username, password))

    def sign_in(self, username: str, password: str):
        """``(user, session key)`` when the password is right for an active user, else None."""
        return self._run(lambda uc: passwords.sign_in(uc.session, username, password))

    def session_user(self, username: str, key: str):
        """The signed-in browser's user while their password and account stay as they were."""
        return self._run(lambda uc: passwords.session_user(uc.session, username, key), write=False)

    def set_locale(self, actor: Actor, locale: str):
        """Choose the actor's language (``ru`` or ``en``)."""
        actor, known = _split_actor(actor)
        return self._run(lambda uc: web_pages.set_locale(uc, actor, locale), known=known)

    def group_members(self, groups, actor: Actor):
        """``{group: [active members]}`` (the managers to pick approvers from ...)."""
        actor, known = _split_actor(actor)
        return self._run(lambda uc: web_pages.group_members(uc, groups, actor), write=False, known=known)

    def task_page(self, task_id: str, actor: Actor):
        """A task with its invoice, documents, earlier decisions and whether the actor may act."""
        actor, known = _split_actor(actor)
        return self._run(lambda uc: web_pages.task_page(uc, task_id, actor), write=False, known=known)

    def invoice_page(self, instance_id: str, actor: Actor):
        """An instance with its audit trail, its diagram and its current steps."""
        actor, known = _split_actor(actor)
        return self._run(lambda uc: web_pages.invoice_page(uc, instance_id, actor), write=False, known=known)

    def submit_start(self, key: str, data: dict, files, actor: Actor):
        """Upload ``files`` ({field: (bytes, name)}) and start ``key``: a ``Submission``."""
        return submissions.submit(lambda content, name: self.upload(content, name, actor),
                                  lambda data: self.start(key, data, actor), data, files)

    def submit_task(self, task_id: str, data: dict, files, actor: Actor):
        """Upload ``files`` and complete the task: a ``Submission`` with ``(task, instance)``."""
        return submissions.submit(lambda content, name: self.upload(content, name, actor),
                                  lambda data: self.complete(task_id, data, actor), data, files)


def _lost_a_race(err: IntegrityError) -> bool:
    """Whether a concurrent change beat this one to a key: a unique key taken meanwhile, or a
    referenced row deleted meanwhile (PostgreSQL's SQLSTATE, SQLite's message)."""
    sqlstate = getattr(err.orig, "sqlstate", None)
    if sqlstate is not None:
        return sqlstate in ("23505", "23503")
    message = str(err.orig)
    return message.startswith(("UNIQUE constraint failed", "FOREIGN KEY constraint failed"))
