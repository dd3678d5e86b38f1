"""Sign in, sign out, choose the language."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

import translations
from api.web.blueprint import blueprint
from api.web.session import current_engine, end_session, safe_next, start_session, web_user


@blueprint.get("/")
def home():
    """The task list for a signed-in person, the sign-in page for anyone else."""
    return redirect(url_for("web.tasks" if web_user() else "web.signin"))


@blueprint.route("/signin", methods=["GET", "POST"])
def signin():
    """Username and password; a wrong pair says so without telling which part was wrong."""
    target = safe_next(request.values.get("next"), url_for("web.tasks"))
    if request.method == "GET":
        return render_template("web/signin.html", next=target, username="")
    username = request.form.get("username", "").strip()
    signed = current_engine().sign_in(username, request.form.get("password", ""))
    if signed is None:
        return render_template("web/signin.html", next=target, username=username,
                               failed=_("Wrong username or password.")), 401
    start_session(*signed)
    return redirect(target)


@blueprint.post("/signout")
def signout():
    """Forget the session."""
    end_session()
    flash(_("You have signed out."), "info")
    return redirect(url_for("web.signin"))


@blueprint.post("/language")
def choose_language():
    """Russian or English: kept on the account when signed in, in the session otherwise."""
    locale = request.form.get("locale", "")
    if locale not in translations.LOCALES:
        return redirect(safe_next(request.form.get("next"), url_for("web.home")))
    user = web_user()
    if user is not None:
        current_engine().set_locale(user, locale)
    else:
        session["locale"] = locale
    return redirect(safe_next(request.form.get("next"), url_for("web.home")))
