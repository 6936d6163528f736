"""HR: the people sync as a page: upload the HR system's export, see what would change, then apply it whole.

The upload is kept in the instance folder between the preview and the apply, under a random name tied to the HR
person who uploaded it; applying plans again and refuses when the changes differ from the preview (someone
changed the accounts meanwhile), so what HR approved is what happens."""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from ..access import role_required
from ..extensions import db
from ..services import ServiceError
from ..services.people_file import (ACTION_WORDS, COLUMN_HELP, COLUMNS, FIELD_WORDS, REQUIRED_COLUMNS, SyncRejected,
                                    headers, read_people)
from ..services.people_sync import apply_sync, plan_sync
from .blueprint import actor, bp
from .people_forms import SyncApplyForm, SyncUploadForm

#: How long an uploaded export waits for its apply.
KEEP_SECONDS = 24 * 3600


def _folder() -> Path:
    folder = Path(current_app.instance_path) / "people-sync"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _stored(token: str, suffix: str | None = None) -> Path | None:
    """The stored upload of this HR person with this token (``token`` is checked as 32 hex digits by the form)."""
    for candidate in (suffix,) if suffix else ("csv", "xlsx"):
        path = _folder() / f"{actor().id}-{token}.{candidate}"
        if path.is_file():
            return path
    return None


def _keep(data: bytes, filename: str) -> str:
    """Store an upload for its apply; older ones are removed on the way."""
    now = time.time()
    for old in _folder().iterdir():
        if old.stat().st_mtime < now - KEEP_SECONDS:
            old.unlink(missing_ok=True)
    token = secrets.token_hex(16)
    suffix = "xlsx" if filename.lower().endswith(".xlsx") else "csv"
    path = _folder() / f"{actor().id}-{token}.{suffix}"
    path.write_bytes(data)
    os.chmod(path, 0o600)
    return token


def _page(form, *, plan=None, apply_form=None, problems=(), status=200):
    return render_template("hr/people_sync.html", form=form, plan=plan, apply_form=apply_form, problems=problems,
                           columns=COLUMNS, headers=headers(), required=REQUIRED_COLUMNS, column_help=COLUMN_HELP,
                           action_words=ACTION_WORDS, field_words=FIELD_WORDS), status


@bp.route("/people/sync", methods=["GET", "POST"])
@role_required("hr")
def sync_people():
    """Upload an HR system's export and preview what it would change (nothing is changed yet)."""
    form = SyncUploadForm()
    if not form.validate_on_submit():
        return _page(form, status=400 if form.errors else 200)
    upload, deactivate_missing = form.file.data, bool(form.deactivate_missing.data)
    filename, data = upload.filename or "upload.csv", upload.read()
    try:
        plan = plan_sync(read_people(filename, data), deactivate_missing=deactivate_missing, filename=filename)
    except SyncRejected as exc:
        form.form_errors.append(exc.message)
        return _page(form, problems=exc.problems, status=422)
    finally:
        db.session.rollback()  # planning reads only; nothing of it stays in the session
    apply_form = SyncApplyForm(token=_keep(data, filename), fingerprint=plan.fingerprint,
                               deactivate_missing="yes" if deactivate_missing else "")
    return _page(form, plan=plan, apply_form=apply_form)


@bp.route("/people/sync/apply", methods=["POST"])
@role_required("hr")
def apply_people_sync():
    """Apply the previewed export, whole, if it still changes exactly what the preview showed."""
    apply_form, form = SyncApplyForm(), SyncUploadForm(formdata=None)
    if not apply_form.validate_on_submit():
        form.form_errors.append(_("The page had expired; upload the file again."))
        return _page(form, status=400)
    path = _stored(apply_form.token.data)
    if path is None:
        abort(404)
    deactivate_missing = apply_form.deactivate_missing.data == "yes"
    try:
        plan = plan_sync(read_people(path.name, path.read_bytes()), deactivate_missing=deactivate_missing,
                         filename=path.name)
        if plan.fingerprint != apply_form.fingerprint.data:
            db.session.rollback()
            form.form_errors.append(_("The accounts changed since the preview, so nothing was changed. Check the "
                                      "changes below again, then apply."))
            apply_form.fingerprint.data = plan.fingerprint
            return _page(form, plan=plan, apply_form=apply_form, status=409)
        apply_sync(plan, actor=actor())
        db.session.commit()
    except SyncRejected as exc:
        db.session.rollback()
        form.form_errors.append(exc.message)
        return _page(form, problems=exc.problems, status=422)
    except ServiceError as exc:
        db.session.rollback()
        form.form_errors.append(exc.message)
        return _page(form, status=422)
    path.unlink(missing_ok=True)
    flash(_("The people sync is applied: %(create)s created, %(update)s updated, %(deactivate)s deactivated, "
            "%(reactivate)s reactivated.", **plan.counts), "success")
    return redirect(url_for("hr.list_people"))
