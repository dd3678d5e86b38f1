"""The staff web pages, served by the same app under ``/``: server-rendered (Jinja2), working
without JavaScript, in Russian and English, signed session cookies and a CSRF token on every
form. The REST API under /api/v1 is untouched: bearer tokens, no cookies, no CSRF."""
from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask_babel import Babel

import translations
from engine.settings import Settings

SESSION_LIFETIME = timedelta(hours=12)


def init_web(app: Flask, settings: Settings) -> None:
    """Wire the pages into ``app``: session cookie, Babel, template helpers, the blueprints."""
    from api.web import i18n, session, timeline
    from api.web.blueprint import blueprint, form_templates
    from api.web.views import invoices, reports, signin, tasks  # noqa: F401  (they add the routes)

    app.config.update(
        SESSION_COOKIE_NAME="invoiceflow_session", SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_SECURE=settings.secure_cookies,
        PERMANENT_SESSION_LIFETIME=SESSION_LIFETIME,
        BABEL_DEFAULT_LOCALE=translations.DEFAULT_LOCALE, BABEL_DEFAULT_TIMEZONE=settings.time_zone,
        BABEL_TRANSLATION_DIRECTORIES=str(translations.DIRECTORY),
    )
    Babel(app, locale_selector=i18n.select_locale)
    i18n.install(app)
    app.add_template_global(session.csrf_token)
    app.add_template_global(reports.may_see_reports)
    app.add_template_filter(timeline.outcome_label)
    app.register_blueprint(blueprint)
    app.register_blueprint(form_templates)
