"""(issue 21) /api/v1/people: list (filtered, paged, with a total), read (with an ETag), create, update (If-Match)
and deactivate, through the same services as HR's people pages."""

from __future__ import annotations

import marshmallow as ma
import sqlalchemy as sa
from flask import g
from flask_babel import gettext as _
from marshmallow import validate

from ..extensions import db
from ..models import User
from ..services import NotAllowed, users
from ..services.person_details import update_details
from .auth import requires
from .core import (ETAG_HEADER, IF_MATCH, PLAIN_TEXT, PageArgs, check_if_match, errors, found_or_404, iso,
                   make_blueprint, page_of, with_etag)

blp = make_blueprint("api_people", "people", "People: accounts with their role, language and unit.")
ROLES_BY_API = ("manager", "candidate")


class PersonSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    email = ma.fields.String(required=True)
    name = ma.fields.String(required=True)
    role = ma.fields.String(required=True, metadata={"enum": ["hr", "manager", "candidate"]})
    language = ma.fields.String(allow_none=True, required=True)
    unit = ma.fields.String(allow_none=True, required=True)
    employee_id = ma.fields.String(allow_none=True, required=True)
    manager_id = ma.fields.Integer(allow_none=True, required=True)
    active = ma.fields.Boolean(required=True)
    deactivated_at = ma.fields.String(allow_none=True, required=True, metadata={"format": "date-time"})


class PeoplePageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(PersonSchema), required=True)
    total = ma.fields.Integer(required=True)
    page = ma.fields.Integer(required=True)
    size = ma.fields.Integer(required=True)


class PeopleArgs(PageArgs):
    role = ma.fields.String(validate=validate.OneOf(("hr", "manager", "candidate")))
    unit = ma.fields.String(validate=[validate.Length(max=120), validate.Regexp(PLAIN_TEXT)],
                            metadata={"pattern": PLAIN_TEXT})
    active = ma.fields.Boolean()
    q = ma.fields.String(validate=[validate.Length(max=200), validate.Regexp(PLAIN_TEXT)],
                         metadata={"description": "Part of the name or e-mail.", "pattern": PLAIN_TEXT})


class PersonCreateSchema(ma.Schema):
    email = ma.fields.String(required=True, validate=validate.Length(max=320))
    name = ma.fields.String(required=True, validate=validate.Length(max=200))
    role = ma.fields.String(required=True, validate=validate.OneOf(ROLES_BY_API))
    language = ma.fields.String(allow_none=True, validate=validate.Length(max=8))
    unit = ma.fields.String(allow_none=True, validate=validate.Length(max=120))


class PersonUpdateSchema(ma.Schema):
    name = ma.fields.String(validate=validate.Length(max=200))
    language = ma.fields.String(allow_none=True, validate=validate.Length(max=8))
    unit = ma.fields.String(allow_none=True, validate=validate.Length(max=120))
    role = ma.fields.String(validate=validate.OneOf(ROLES_BY_API),
                            metadata={"description": "The HR role is granted on the pages (a second HR person)."})


class DeactivateSchema(ma.Schema):
    reason = ma.fields.String(load_default="", validate=validate.Length(max=500))


def person_data(user: User) -> dict:
    return {"id": user.id, "email": user.email, "name": user.name, "role": user.role, "language": user.language,
            "unit": user.unit, "employee_id": user.employee_id, "manager_id": user.manager_id,
            "active": bool(user.is_active),
            "deactivated_at": iso(user.deactivated_at)}


def person_or_404(user_id: int) -> User:
    return found_or_404(User, user_id)


def refuse_hr(user: User) -> None:
    """An HR person's role and account are changed on the pages only, as the people sync leaves them: a token
    leaked from an HR system's script must not be able to remove the other HR people (409)."""
    if user.role == "hr":
        raise NotAllowed(_("%(email)s has the HR role: an HR person's role is changed and their account "
                           "deactivated on their person page, never through the API.", email=user.email))


@blp.route("", methods=["GET"])
@requires("people:read")
@blp.arguments(PeopleArgs, location="query")
@blp.response(200, PeoplePageSchema)
@errors(blp, 422)
def list_people(args):
    """People, by name, filtered by role, unit, active and a part of the name or e-mail."""
    query = sa.select(User).order_by(User.name, User.id)
    if "role" in args:
        query = query.where(User.role == args["role"])
    if "unit" in args:
        query = query.where(User.unit == args["unit"])
    if "active" in args:
        query = query.where(User.is_active.is_(args["active"]))
    if args.get("q"):
        query = query.where(sa.or_(User.name.icontains(args["q"], autoescape=True),
                                   User.email.icontains(args["q"], autoescape=True)))
    return page_of(query, args, person_data)


@blp.route("/<int:user_id>", methods=["GET"])
@requires("people:read")
@blp.response(200, PersonSchema, headers=ETAG_HEADER)
@errors(blp, 404)
def get_person(user_id: int):
    """One person, with an ETag to send back in If-Match when changing them."""
    return with_etag(person_data(person_or_404(user_id)))


@blp.route("", methods=["POST"])
@requires("people:write")
@blp.arguments(PersonCreateSchema)
@blp.response(201, PersonSchema, headers=ETAG_HEADER)
@errors(blp, 409, 422)
def create_person(data):
    """A new manager or candidate account (the HR role needs a second HR person, on the pages)."""
    user = users.create_user(data["email"], data["name"], data["role"], None, actor=g.api_token.created_by,
                             language=data.get("language") or None)
    if data.get("unit"):
        update_details(user, actor=g.api_token.created_by, unit=data["unit"])
    db.session.commit()
    return with_etag(person_data(user), 201)


@blp.route("/<int:user_id>", methods=["PATCH"])
@requires("people:write")
@blp.doc(**IF_MATCH)
@blp.arguments(PersonUpdateSchema)
@blp.response(200, PersonSchema, headers=ETAG_HEADER)
@errors(blp, 404, 409, 412, 422, 428)
def update_person(data, user_id: int):
    """Change name, language, unit or role (manager or candidate) as the pages allow; needs If-Match."""
    user = person_or_404(user_id)
    check_if_match(person_data(user))
    actor = g.api_token.created_by
    if "role" in data and data["role"] != user.role:
        refuse_hr(user)
    update_details(user, actor=actor, **{key: data[key] for key in ("name", "language", "unit") if key in data})
    if "role" in data and data["role"] != user.role:
        users.change_role(user, data["role"], actor=actor)
    db.session.commit()
    return with_etag(person_data(user))


@blp.route("/<int:user_id>/deactivate", methods=["POST"])
@requires("people:write")
@blp.arguments(DeactivateSchema)
@blp.response(200, PersonSchema, headers=ETAG_HEADER)
@errors(blp, 404, 409, 422)
def deactivate_person(data, user_id: int):
    """Deactivate an account: no sign-in, no mail; history stays (never one's own or the last HR account)."""
    user = person_or_404(user_id)
    refuse_hr(user)
    users.deactivate_user(user, actor=g.api_token.created_by, reason=data["reason"].strip())
    db.session.commit()
    return with_etag(person_data(user))
