"""The web pages' blueprints (served under ``/``), set up once at import: the pages' own, with
their templates, static files, hooks and error pages; and one that only lends the forms
package's templates (the macros that render a form definition as HTML)."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint

import forms
from api.web import errors, session

blueprint = Blueprint("web", __name__, template_folder="templates", static_folder="static",
                      static_url_path="/assets")
blueprint.before_request(session.refuse_nul_characters)
blueprint.before_request(session.check_csrf)
blueprint.before_request(session.load_web_user)
blueprint.after_request(errors.security_headers)
errors.register(blueprint)

form_templates = Blueprint("form_templates", __name__,
                           template_folder=str(Path(forms.__file__).parent / "templates"))
