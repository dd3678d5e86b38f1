"""Start an invoice, my invoices, one invoice (timeline and diagram), its documents."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _

import forms
from api.web.blueprint import blueprint
from api.web.diagram import render_svg
from api.web.formdata import kept_uploads, read_form
from api.web.pages import form_view, groups_to_pick
from api.web.session import current_engine, signed_in, web_user
from api.web.timeline import timeline

PROCESS = "invoice_approval"
START_FORM = "start_invoice"
LIST_SIZE = 200


@blueprint.route("/invoices/new", methods=["GET"])
@signed_in
def new_invoice():
    """The start form: invoice fields, the document, the approvers in order."""
    members = current_engine().group_members(groups_to_pick(START_FORM), web_user())
    return render_template("web/invoice_new.html", form=form_view(START_FORM, web_user(), members))


@blueprint.route("/invoices/new", methods=["POST"])
@signed_in
def start_invoice():
    """Upload the document and start the invoice; errors beside their fields, values kept."""
    posted = read_form(forms.load_form(START_FORM), request.form, request.files)
    outcome = current_engine().submit_start(PROCESS, posted.data, posted.files, web_user())
    if outcome.accepted:
        flash(_("Invoice %(number)s is on its way to approval.", number=outcome.result.business_key), "success")
        return redirect(url_for("web.invoice", instance_id=outcome.result.id))
    members = current_engine().group_members(groups_to_pick(START_FORM), web_user())
    view = form_view(START_FORM, web_user(), members, posted.values, outcome.errors,
                     kept_uploads(posted, outcome.uploads))
    return render_template("web/invoice_new.html", form=view), 422


@blueprint.get("/invoices")
@signed_in
def invoices():
    """The invoices I started (``?scope=all``: every one I may see), newest first."""
    scope = "all" if request.args.get("scope") == "all" else "mine"
    views, total = current_engine().instances(web_user(), key=PROCESS, mine=scope == "mine",
                                              page_size=LIST_SIZE)
    return render_template("web/invoices.html", invoices=views, total=total, scope=scope)


@blueprint.get("/invoices/<instance_id>")
@signed_in
def invoice(instance_id):
    """Where the invoice stands: its fields, documents, open tasks, timeline and diagram."""
    page = current_engine().invoice_page(instance_id, web_user())
    steps = [_(task.name) for task in page.instance.open_tasks]
    title = _("Process diagram; current step: %(steps)s", steps=", ".join(steps) or "—")
    svg = render_svg(page.bpmn_xml, page.current_elements, _, title)
    return render_template("web/invoice.html", page=page, lines=timeline(page.history, page.people),
                           diagram=svg, now=current_engine().clock.now())


@blueprint.get("/documents/<attachment_id>")
@signed_in
def document(attachment_id):
    """A document's bytes, for whoever may see an invoice that uses it (and its uploader)."""
    meta, path = current_engine().attachment(attachment_id, web_user())
    response = send_file(path, mimetype=meta["content_type"], as_attachment=True,
                         download_name=meta["filename"], etag=meta["sha256"])
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
