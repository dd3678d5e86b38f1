"""``invoiceflow`` command line: database, deployments, users, tokens, demo, serving."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from api.cli_deals import deals
from engine import Engine
from engine.errors import InvoiceFlowError
from engine.migrate import upgrade
from engine.settings import Settings

DEMO_USERS = [
    # username, full name, groups
    ("ivanova", "Анна Иванова", ("employees",)),
    ("petrov", "Павел Петров", ("employees", "managers")),
    ("sidorova", "Светлана Сидорова", ("employees", "managers")),
    ("director", "Дмитрий Орлов", ("employees", "director")),
    ("buh", "Елена Смирнова", ("employees", "accountants")),
    ("analyst", "Алексей Козлов", ("employees", "analysts")),
    ("admin", "Администратор", ("admins",)),
]


def _engine() -> Engine:
    return Engine.from_settings(Settings.from_env())


def bundled_diagrams() -> list[Path]:
    """The diagrams shipped in the package's ``bpmn/`` folder (a data-only namespace package)."""
    import bpmn

    folders = {Path(entry) for entry in bpmn.__path__ if Path(entry).is_dir()}
    return sorted({path for folder in folders for path in folder.glob("*.bpmn")})


@click.group()
def main() -> None:
    """invoiceflow: BPMN invoice approval service."""


main.add_command(deals)


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Migrate the database to the latest schema."""
    settings = Settings.from_env()
    upgrade(settings.effective_database_url)
    click.echo(f"database is up to date: {_safe_url(settings.effective_database_url)}")


@main.command()
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False))
@click.option("--bundled", is_flag=True, help="Deploy every diagram shipped with the package.")
def deploy(files: tuple[str, ...], bundled: bool) -> None:
    """Deploy BPMN diagrams (a new version only when the content changed)."""
    paths = [Path(f) for f in files] + (bundled_diagrams() if bundled else [])
    if not paths:
        raise click.UsageError("Name BPMN files or pass --bundled.")
    engine = _engine()
    for path in paths:
        try:
            view = engine.deploy_file(path, actor=None)  # the operator at the shell
        except InvoiceFlowError as err:
            raise click.ClickException(f"{path}: {err.message}") from err
        verb = "deployed" if view.created else "unchanged"
        click.echo(f"{verb}: {view.key} version {view.version} ({path.name})")


@main.group()
def users() -> None:
    """User accounts."""


@users.command("create")
@click.argument("username")
@click.option("--full-name", default="")
@click.option("--email", default="")
@click.option("--group", "groups", multiple=True, help="Repeat for several groups.")
@click.option("--locale", default="ru", show_default=True)
def users_create(username: str, full_name: str, email: str, groups: tuple[str, ...], locale: str) -> None:
    """Create (or update) a user."""
    view = _call(_engine().create_user, username, full_name=full_name, email=email,
                 groups=groups, locale=locale)
    click.echo(f"user {view.username} in groups: {', '.join(view.groups) or '-'}")


@users.command("set-password")
@click.argument("username")
@click.password_option("--password", help="Omit it to be asked (twice, not echoed).")
def users_set_password(username: str, password: str) -> None:
    """Set the web sign-in password of USERNAME (stored as an argon2id hash)."""
    _call(_engine().set_password, username, password)
    click.echo(f"password set for {username}")


@main.group()
def tokens() -> None:
    """Bearer tokens for the REST API."""


@tokens.command("issue")
@click.argument("username")
@click.option("--label", default="")
def tokens_issue(username: str, label: str) -> None:
    """Print a new bearer token for USERNAME (stored only as a hash: copy it now)."""
    click.echo(_call(_engine().issue_token, username, label))


@tokens.command("revoke")
@click.argument("username")
def tokens_revoke(username: str) -> None:
    """Revoke every token of USERNAME."""
    count = _call(_engine().revoke_tokens, username)
    click.echo(f"revoked {count} token(s) of {username}")


@main.command()
def demo() -> None:
    """Create the demo users, print a fresh token for each and set their web passwords."""
    engine = _engine()
    click.echo("Demo users (username, groups, bearer token):")
    for username, full_name, groups in DEMO_USERS:
        engine.create_user(username, full_name=full_name, email=f"{username}@example.org", groups=groups)
        token = engine.issue_token(username, label="demo")
        click.echo(f"  {username:<9} {','.join(groups):<22} {token}")
    for username, _full_name, _groups in DEMO_USERS:
        engine.set_password(username, demo_password(username))
    click.echo(f"Web pages: sign in as a demo user with the password username-demo "
               f"(e.g. ivanova / {demo_password('ivanova')}).")


def demo_password(username: str) -> str:
    """The demo users' web password: known to everyone, so only for a first look."""
    return f"{username}-demo"


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=3, show_default=True, type=int)
@click.option("--dev", is_flag=True, help="Flask's development server instead of gunicorn.")
def serve(host: str, port: int, workers: int, dev: bool) -> None:
    """Serve the web app (gunicorn with several workers; --dev for Flask's server)."""
    if dev:
        from api import create_app

        create_app().run(host=host, port=port, debug=False)
        return
    argv = [sys.executable, "-m", "gunicorn", "--bind", f"{host}:{port}", "--workers", str(workers),
            "--access-logfile", "-", "api.wsgi:app"]
    os.execv(sys.executable, argv)


@main.command()
@click.option("--batch", default=100, show_default=True, help="Instances/messages per round.")
@click.option("--idle", default=1.0, show_default=True, help="Seconds to sleep when idle.")
def worker(batch: int, idle: float) -> None:
    """Fire due timers and deliver notifications until SIGTERM/SIGINT (then stop cleanly)."""
    import logging
    import signal
    import threading

    from engine.worker import Worker

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    engine = _engine()
    Worker(engine, deliver=_deliverer(engine), batch=batch, idle_seconds=idle).run(stop)


def _deliverer(engine):
    """The outbox delivery function, when the delivery module is available."""
    deliver = getattr(engine, "deliver_due", None)
    return deliver


def _call(function, *args, **kwargs):
    try:
        return function(*args, **kwargs)
    except InvoiceFlowError as err:
        raise click.ClickException(err.message) from err


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
