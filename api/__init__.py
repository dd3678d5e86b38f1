"""The web layer: Flask app factory, blueprints, CLI. No SQL and no business rules here."""
from __future__ import annotations

from flask import Flask

from engine import Engine
from engine.settings import Settings


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> Flask:
    """Build the Flask app: wire the engine and the blueprints, nothing else."""
    settings = settings or Settings.from_env()
    app = Flask(__name__)
    app.config["SECRET_KEY"] = settings.secret_key
    app.extensions["invoiceflow.settings"] = settings
    app.extensions["invoiceflow.engine"] = engine or Engine.from_settings(settings)

    from api.health import blueprint as health

    app.register_blueprint(health)
    return app
