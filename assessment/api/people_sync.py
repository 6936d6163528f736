"""(issue 21, part 3) POST /api/v1/people/sync: the people sync of the CLI and HR's page, with the rows as JSON.

The same services: ``people_file.rows_from_records`` turns the JSON objects into the file's rows, ``plan_sync``
plans (the dry run, the default) and ``apply_sync`` applies, the whole list or nothing; every problem of the list
is one entry of the problem document, with the person's index and the field, in the messages of the CLI and page.
"""

from __future__ import annotations

import marshmallow as ma
from flask import g
from flask_babel import gettext as _
from marshmallow import validate

from rubrics import language

from ..extensions import db
from ..services.import_files import MAX_ROWS
from ..services.people_file import MAX_LENGTH, SyncRejected, column_id, rows_from_records
from ..services.people_sync import SyncPlan, apply_sync, plan_sync
from .auth import requires
from .core import PLAIN_TEXT, StrictBoolean, errors
from .people import blp
from .problems import Problem

ACTIONS = {"create": "created", "update": "updated", "deactivate": "deactivated", "reactivate": "reactivated"}


def _text(description: str, *, required: bool = False, max_length: int = 40, enum=None) -> ma.fields.String:
    """A cell as JSON text. Lengths, patterns and words are documented here and checked by the sync itself, so a
    problem reads as it does for a file (every one at once, with its index and field)."""
    metadata = {"description": description, "maxLength": max_length, "pattern": PLAIN_TEXT}
    if required:
        metadata["minLength"] = 1
    if enum:
        metadata["enum"] = [*enum, "", None]
    return ma.fields.String(required=required, allow_none=not required, metadata=metadata)


class SyncPersonSchema(ma.Schema):
    """One person as the HR system knows them: the columns of the sync's file."""

    employee_id = _text("The HR system's id; the sync matches accounts on it.", required=True,
                        max_length=MAX_LENGTH["employee_id"])
    email = _text("E-mail address (unique).", required=True, max_length=MAX_LENGTH["email"])
    name = _text("Full name.", required=True, max_length=MAX_LENGTH["name"])
    role = _text("candidate or manager (new accounts: candidate); hr only for an account that has the HR role "
                 "already (never given or taken by a sync). Missing or empty: kept.",
                 enum=("candidate", "manager", "hr"))
    language = _text("A language code (en, de; also its name); empty or null clears it; missing: kept.",
                     enum=language.LANGUAGES)
    unit = _text("Site or department; empty or null clears it; missing: kept.", max_length=MAX_LENGTH["unit"])
    manager_employee_id = _text("The line manager's employee id (in the list or already in OpsLadder); empty or "
                                "null clears it; missing: kept.", max_length=MAX_LENGTH["manager_employee_id"])
    active = StrictBoolean(allow_none=True, metadata={
        "description": "false deactivates the account (history kept), true reactivates it; missing or null: true."})


class SyncRequestSchema(ma.Schema):
    people = ma.fields.List(ma.fields.Nested(SyncPersonSchema), required=True, metadata={
        "minItems": 1, "maxItems": MAX_ROWS, "description": "Everyone the HR system has (the whole list or nothing)."})
    dry_run = StrictBoolean(load_default=True, metadata={
        "description": "true (the default): answer what would change and change nothing; false: apply."})
    deactivate_missing = StrictBoolean(load_default=False, metadata={
        "description": "Also deactivate accounts with an employee id that the list does not name (never HR)."})
    expect_plan = ma.fields.String(validate=validate.Regexp(r"^[0-9a-f]{32}$"), metadata={
        "pattern": r"^[0-9a-f]{32}$", "description": "The `plan` of a dry run: apply only if the changes are "
                                                     "still exactly those (else 409 and nothing changes)."})


class FieldChangeSchema(ma.Schema):
    field = ma.fields.String(required=True, metadata={"enum": ["employee_id", "email", "name", "role", "language",
                                                               "unit", "manager"]})
    before = ma.fields.String(data_key="from", allow_none=True, required=True)
    after = ma.fields.String(data_key="to", allow_none=True, required=True)


class PersonChangeSchema(ma.Schema):
    action = ma.fields.String(required=True, metadata={"enum": list(ACTIONS)})
    index = ma.fields.Integer(allow_none=True, required=True, metadata={
        "description": "The person's index in `people`; null for an account the list does not name."})
    employee_id = ma.fields.String(allow_none=True, required=True)
    email = ma.fields.String(required=True)
    name = ma.fields.String(required=True)
    user_id = ma.fields.Integer(allow_none=True, required=True, metadata={"description": "null: a new account."})
    fields = ma.fields.List(ma.fields.Nested(FieldChangeSchema), required=True)


class CountsSchema(ma.Schema):
    created = ma.fields.Integer(required=True)
    updated = ma.fields.Integer(required=True)
    deactivated = ma.fields.Integer(required=True)
    reactivated = ma.fields.Integer(required=True)
    unchanged = ma.fields.Integer(required=True)


class SyncPlanSchema(ma.Schema):
    applied = ma.fields.Boolean(required=True, metadata={"description": "false: a dry run, nothing changed."})
    deactivate_missing = ma.fields.Boolean(required=True)
    counts = ma.fields.Nested(CountsSchema, required=True)
    changes = ma.fields.List(ma.fields.Nested(PersonChangeSchema), required=True)
    kept_hr = ma.fields.List(ma.fields.String(), required=True, metadata={
        "description": "HR accounts the list does not name, kept active (a sync never deactivates HR)."})
    untracked = ma.fields.Integer(required=True, metadata={
        "description": "Active accounts without an employee id the list does not name, left as they are."})
    plan = ma.fields.String(required=True, metadata={"description": "The changes' fingerprint (for expect_plan)."})


def plan_data(plan: SyncPlan, *, applied: bool) -> dict:
    return {"applied": applied, "deactivate_missing": plan.deactivate_missing,
            "counts": {**{ACTIONS[a]: n for a, n in plan.counts.items()}, "unchanged": plan.unchanged},
            "changes": [{"action": c.action, "index": c.row - 1 if c.row else None, "employee_id": c.employee_id,
                         "email": c.email, "name": c.name, "user_id": c.user_id,
                         "fields": [{"field": f.field, "before": f.before, "after": f.after} for f in c.changes]}
                        for c in plan.changes],
            "kept_hr": list(plan.kept_hr), "untracked": plan.untracked, "plan": plan.fingerprint}


def problem_entries(problems) -> list[dict]:
    """Each problem of the list: its message, the person's index and the field, and a JSON pointer to both."""
    entries = []
    for p in problems:
        field, index = column_id(p.column), p.row - 1 if p.row else None
        pointer = "/people" + (f"/{index}" if index is not None else "") + (f"/{field}" if field else "")
        entries.append({"index": index, "field": field, "pointer": pointer, "detail": p.message})
    return entries


@blp.route("/sync", methods=["POST"])
@requires("people:write")
@blp.arguments(SyncRequestSchema)
@blp.response(200, SyncPlanSchema)
@errors(blp, 409, 422)
def sync_people(data):
    """The people sync: create, update, deactivate and reactivate accounts from the HR system's list, matched on
    the employee id; a dry run by default; all or nothing. A 422 problem lists every problem in `errors`, each
    with the person's `index` and the `field`."""
    token = g.api_token
    try:
        plan = plan_sync(rows_from_records(data["people"]), deactivate_missing=data["deactivate_missing"],
                         filename=f"API token “{token.name}”")
        if data.get("expect_plan", plan.fingerprint) != plan.fingerprint:
            raise Problem(409, _("The accounts changed since the dry run, so nothing was changed: run it again."))
        if not data["dry_run"]:
            apply_sync(plan, actor=token.created_by)
            db.session.commit()
    except SyncRejected as exc:
        raise Problem(422, exc.message, errors=problem_entries(exc.problems)) from None
    finally:
        db.session.rollback()  # a dry run reads only; an applied plan is committed above
    return plan_data(plan, applied=not data["dry_run"])
