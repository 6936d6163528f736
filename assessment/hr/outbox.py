"""HR's view of the outbox: every message with its status, attempts and last error; one message's content;
retry one now.

Its own blueprint ("mail", under /hr/outbox), so its endpoints (``mail.list_messages``, ``mail.retry``) stay as
they were when the page lived in the mail package.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from ..access import get_or_404, role_required
from ..config import mail_sender
from ..extensions import db
from ..forms.common import ConfirmForm
from ..listing import sorted_page
from ..mail.outbox import retry_message
from ..models import KIND_LABELS, OutboxMessage
from .labels import OUTBOX_KINDS, OUTBOX_STATUSES

bp = Blueprint("mail", __name__, url_prefix="/hr/outbox")

SORTS = {"created": OutboxMessage.created_at, "to": OutboxMessage.to_address, "kind": OutboxMessage.kind,
         "status": OutboxMessage.status, "attempts": OutboxMessage.attempts, "sent": OutboxMessage.sent_at}


def outbox_counts() -> dict[str, int]:
    rows = db.session.execute(sa.select(OutboxMessage.status, sa.func.count()).group_by(OutboxMessage.status))
    return {status: count for status, count in rows}


@bp.route("/")
@role_required("hr")
def list_messages():
    """Every message, newest first by default; filter by status and kind."""
    query = sa.select(OutboxMessage).options(joinedload(OutboxMessage.recipient))
    filters = {"status": request.args.get("status", ""), "kind": request.args.get("kind", "")}
    if filters["status"] in OUTBOX_STATUSES:
        query = query.where(OutboxMessage.status == filters["status"])
    else:
        filters["status"] = ""
    if filters["kind"] in KIND_LABELS:
        query = query.where(OutboxMessage.kind == filters["kind"])
    else:
        filters["kind"] = ""
    listing = sorted_page(query, SORTS, "created", tiebreak=OutboxMessage.id.desc(), default_direction="desc")
    return render_template("hr/outbox.html", listing=listing, filters=filters, counts=outbox_counts(),
                           status_labels=OUTBOX_STATUSES, kind_labels=OUTBOX_KINDS, retry_form=ConfirmForm())


@bp.route("/<int:message_id>")
@role_required("hr")
def view_message(message_id: int):
    """One message as written: subject, recipient, sender, the plain text and the HTML part (shown sandboxed)."""
    message = get_or_404(OutboxMessage, message_id)
    name, address = mail_sender(current_app.config)
    return render_template("hr/outbox_message.html", message=message, sender=f"{name} <{address}>",
                           status_labels=OUTBOX_STATUSES, kind_labels=OUTBOX_KINDS, retry_form=ConfirmForm())


@bp.route("/<int:message_id>/retry", methods=["POST"])
@role_required("hr")
def retry(message_id: int):
    """Try to send one message again now (also one that was given up)."""
    message = get_or_404(OutboxMessage, message_id)
    if ConfirmForm().validate_on_submit():
        if message.status == "sent":
            flash(_("The message to %(address)s was already sent.", address=message.to_address), "info")
        else:
            retry_message(message)
            db.session.commit()
            flash(_("The message to %(address)s will be sent again now; reload to see how it went.",
                    address=message.to_address), "success")
    return redirect(request.referrer if (request.referrer or "").startswith(request.host_url)
                    else url_for("mail.list_messages"))
