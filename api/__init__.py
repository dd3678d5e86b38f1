"""The web layer: Flask app factory, blueprints, CLI. No SQL and no business rules here."""
from __future__ import annotations

from flask import Flask, send_from_directory
from flask_smorest import Api
from swagger_ui_bundle import swagger_ui_path

from engine import Engine
from engine.settings import Settings

API_DESCRIPTION = """Invoice approval workflow (BPMN, SpiffWorkflow). Authenticate every
`/api/v1` call with `Authorization: Bearer <token>` (`invoiceflow tokens issue USERNAME`).
Every error has one shape: `{code, status, message, errors?}`."""


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> Flask:
    """Build the Flask app: wire the engine, the API and the blueprints, nothing else."""
    settings = settings or Settings.from_env()
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=settings.max_upload_bytes,
        API_TITLE="invoiceflow", API_VERSION="v1", OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api", OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs", OPENAPI_SWAGGER_UI_URL="/api/docs/static/",
        API_SPEC_OPTIONS={"info": {"description": API_DESCRIPTION},
                          "security": [{"bearerAuth": []}],
                          "servers": [{"url": "/"}]},
    )
    app.extensions["invoiceflow.settings"] = settings
    app.extensions["invoiceflow.engine"] = engine or Engine.from_settings(settings)
    _wire(app)
    return app


def _wire(app: Flask) -> None:
    from api.attachments import routes as attachments
    from api.automation import routes as automation
    from api.deals import routes as deals
    from api.reports import routes as reports
    from api.definitions import routes as definitions
    from api.instances import routes as instances
    from api.me import routes as me
    from api.notifications import routes as notifications
    from api.tasks import routes as tasks
    from api.webhooks import routes as webhooks
    from api.auth import authenticate_request
    from api.common import check_content_type, refuse_nul_characters
    from api.errors import register_error_handlers
    from api.health import blueprint as health
    from api.requestlog import register_request_log

    from api.common import ErrorSchema

    class InvoiceflowApi(Api):
        ERROR_SCHEMA = ErrorSchema  # one error schema in the document, the contract's

    api = InvoiceflowApi(app)
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "description": "invoiceflow tokens issue USERNAME"})
    for module in (me, definitions, attachments, instances, tasks, notifications, webhooks, deals, reports, automation):
        api.register_blueprint(module.blp)
    app.register_blueprint(health)
    app.add_url_rule("/api/docs/static/<path:filename>", "swagger_ui_static",
                     lambda filename: send_from_directory(swagger_ui_path, filename))
    app.before_request(authenticate_request)
    app.before_request(check_content_type)
    app.before_request(refuse_nul_characters)
    register_error_handlers(app)
    register_request_log(app)
    from api.web import init_web

    init_web(app, app.extensions["invoiceflow.settings"])  # the staff web pages under /
