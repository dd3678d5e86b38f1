"""My tasks and my groups' tasks; one task with its invoice and its form; claim and release."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

import forms
from api.web.blueprint import blueprint
from api.web.formdata import kept_uploads, read_form
from api.web.i18n import language
from api.web.pages import form_view
from api.web.session import current_engine, signed_in, web_user
from api.web.views.taskinfo import refusal_text

LIST_SIZE = 500  # a person's open tasks: all on one page
SORTS = {
    "due": lambda task: (task.due_at is None, task.due_at or task.created_at),
    "created": lambda task: task.created_at,
    "invoice": lambda task: (task.business_key or "").casefold(),
    "task": lambda task: _(task.name).casefold(),
}


@blueprint.get("/tasks")
@signed_in
def tasks():
    """Open tasks, mine first, then my groups'; sorted by a column (``?sort=due&order=desc``)."""
    sort = request.args.get("sort") if request.args.get("sort") in SORTS else "due"
    descending = request.args.get("order") == "desc"
    user = web_user()
    views, _total = current_engine().tasks(user, scope="all", page_size=LIST_SIZE)
    ordered = sorted(views, key=SORTS[sort], reverse=descending)
    mine = [task for task in ordered if user.username in (task.assignee, task.claimed_by)]
    group = [task for task in ordered if task not in mine]
    return render_template("web/tasks.html", mine=mine, group=group, sort=sort, descending=descending,
                           now=current_engine().clock.now())


@blueprint.get("/tasks/<task_id>")
@signed_in
def task(task_id):
    """The task, its invoice, every document version, the earlier decisions, and the form
    for whoever may act on it now (nobody else gets a form)."""
    page = current_engine().task_page(task_id, web_user())
    return _render_task(page, form_view(page.task.form_key, web_user()) if _form_shown(page) else None)


@blueprint.post("/tasks/<task_id>")
@signed_in
def complete(task_id):
    """Complete the task with the posted form; errors beside their fields, values kept."""
    key = request.form.get("form_key", "")
    if not forms.form_exists(key):
        abort(400)
    posted = read_form(forms.load_form(key), request.form, request.files)
    outcome = current_engine().submit_task(task_id, posted.data, posted.files, web_user())
    if outcome.accepted:
        flash(_("Done: «%(task)s».", task=_(outcome.result[0].name)), "success")
        return redirect(url_for("web.invoice", instance_id=outcome.result[1].id))
    page = current_engine().task_page(task_id, web_user())
    same = key == page.task.form_key  # else a stale or forged page: show the task's real form
    form = form_view(page.task.form_key, web_user(), values=posted.values if same else {},
                     errors=outcome.errors if same else {}, kept=kept_uploads(posted, outcome.uploads))
    return _render_task(page, form if _form_shown(page) else None), 422


@blueprint.post("/tasks/<task_id>/claim")
@signed_in
def claim(task_id):
    """Take a group task, so nobody else in the group works on it meanwhile."""
    current_engine().claim(task_id, web_user())
    flash(_("The task is yours now."), "success")
    return redirect(url_for("web.task", task_id=task_id))


@blueprint.post("/tasks/<task_id>/unclaim")
@signed_in
def unclaim(task_id):
    """Give a claimed task back to the group."""
    current_engine().unclaim(task_id, web_user())
    flash(_("The task is back with the group."), "info")
    return redirect(url_for("web.task", task_id=task_id))


def _form_shown(page) -> bool:
    return page.may_act and bool(page.task.form_key) and forms.form_exists(page.task.form_key)


def _render_task(page, form):
    definition = forms.load_form(page.task.form_key) if page.task.form_key else None
    context = [(c.name, c.label(language())) for c in definition.context_fields] if definition else []
    return render_template("web/task.html", page=page, form=form, context_fields=context,
                           refusal=None if page.may_act else refusal_text(page, web_user()),
                           now=current_engine().clock.now())

