"""(issue 21) /api/v1/cycles: list, read (with an ETag), create, update (If-Match) and move along
draft -> open -> closed -> released with the guards of HR's cycle pages (services.cycles, services.release)."""

from __future__ import annotations

import marshmallow as ma
import sqlalchemy as sa
from flask import g
from marshmallow import validate

from ..extensions import db
from ..framework import pinned_framework
from ..models import CYCLE_STATES, Assessment, Cycle
from ..services import cycles as cycle_service
from ..services import release as release_service
from .auth import requires
from .core import (ETAG_HEADER, IF_MATCH, BodyId, PageArgs, StrictBoolean, check_if_match, errors, found_or_404,
                   iso, make_blueprint, page_of, with_etag)

blp = make_blueprint("api_cycles", "cycles", "Assessment cycles and their steps.")


class CycleSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    instructions = ma.fields.String(required=True)
    starts_on = ma.fields.String(allow_none=True, required=True, metadata={"format": "date"})
    ends_on = ma.fields.String(allow_none=True, required=True, metadata={"format": "date"})
    state = ma.fields.String(required=True, metadata={"enum": list(CYCLE_STATES)})
    candidates = ma.fields.Integer(required=True)
    opened_at = ma.fields.String(allow_none=True, required=True, metadata={"format": "date-time"})
    closed_at = ma.fields.String(allow_none=True, required=True, metadata={"format": "date-time"})
    released_at = ma.fields.String(allow_none=True, required=True, metadata={"format": "date-time"})


class CyclesPageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(CycleSchema), required=True)
    total = ma.fields.Integer(required=True)
    page = ma.fields.Integer(required=True)
    size = ma.fields.Integer(required=True)


class CyclesArgs(PageArgs):
    state = ma.fields.String(validate=validate.OneOf(CYCLE_STATES))


class CycleCreateSchema(ma.Schema):
    name = ma.fields.String(required=True, validate=validate.Length(max=200))
    instructions = ma.fields.String(load_default="", validate=validate.Length(max=20000))
    starts_on = ma.fields.Date(allow_none=True, load_default=None)
    ends_on = ma.fields.Date(allow_none=True, load_default=None)


class CycleUpdateSchema(ma.Schema):
    name = ma.fields.String(validate=validate.Length(max=200))
    instructions = ma.fields.String(validate=validate.Length(max=20000))
    starts_on = ma.fields.Date(allow_none=True)
    ends_on = ma.fields.Date(allow_none=True)


class StateChangeSchema(ma.Schema):
    state = ma.fields.String(required=True, validate=validate.OneOf(tuple(cycle_service.TRANSITIONS)))
    withhold = ma.fields.List(BodyId(), load_default=list,
                              validate=validate.Length(max=1000),
                              metadata={"description": "Release: the assessments whose results are held back."})
    acknowledged = StrictBoolean(load_default=False, metadata={
        "description": "Release: release candidates whose verdict is not a band (as the page's tick box)."})


def cycle_data(cycle: Cycle) -> dict:
    count = db.session.scalar(sa.select(sa.func.count(Assessment.id)).where(Assessment.cycle_id == cycle.id))
    return {"id": cycle.id, "name": cycle.name, "instructions": cycle.instructions or "",
            "starts_on": iso(cycle.starts_on), "ends_on": iso(cycle.ends_on), "state": cycle.state,
            "candidates": count, "opened_at": iso(cycle.opened_at), "closed_at": iso(cycle.closed_at),
            "released_at": iso(cycle.released_at)}


def cycle_or_404(cycle_id: int) -> Cycle:
    return found_or_404(Cycle, cycle_id)


@blp.route("", methods=["GET"])
@requires("cycles:read")
@blp.arguments(CyclesArgs, location="query")
@blp.response(200, CyclesPageSchema)
@errors(blp, 422)
def list_cycles(args):
    """Cycles, newest first, optionally in one state."""
    query = sa.select(Cycle).order_by(Cycle.created_at.desc(), Cycle.id.desc())
    if "state" in args:
        query = query.where(Cycle.state == args["state"])
    return page_of(query, args, cycle_data)


@blp.route("/<int:cycle_id>", methods=["GET"])
@requires("cycles:read")
@blp.response(200, CycleSchema, headers=ETAG_HEADER)
@errors(blp, 404)
def get_cycle(cycle_id: int):
    """One cycle, with an ETag to send back in If-Match when changing it."""
    return with_etag(cycle_data(cycle_or_404(cycle_id)))


@blp.route("", methods=["POST"])
@requires("cycles:write")
@blp.arguments(CycleCreateSchema)
@blp.response(201, CycleSchema, headers=ETAG_HEADER)
@errors(blp, 409, 422)
def create_cycle(data):
    """A new cycle in draft."""
    cycle = cycle_service.create_cycle(data["name"], actor=g.api_token.created_by, instructions=data["instructions"],
                                       starts_on=data["starts_on"], ends_on=data["ends_on"])
    db.session.commit()
    return with_etag(cycle_data(cycle), 201)


@blp.route("/<int:cycle_id>", methods=["PATCH"])
@requires("cycles:write")
@blp.doc(**IF_MATCH)
@blp.arguments(CycleUpdateSchema)
@blp.response(200, CycleSchema, headers=ETAG_HEADER)
@errors(blp, 404, 409, 412, 422, 428)
def update_cycle(data, cycle_id: int):
    """Change name, instructions or dates of a draft or open cycle; needs If-Match."""
    cycle = cycle_or_404(cycle_id)
    check_if_match(cycle_data(cycle))
    fields = {"name": cycle.name, "instructions": cycle.instructions, "starts_on": cycle.starts_on,
              "ends_on": cycle.ends_on} | data
    cycle_service.update_cycle(cycle, actor=g.api_token.created_by, expected_version=cycle.version_id, **fields)
    db.session.commit()
    return with_etag(cycle_data(cycle))


@blp.route("/<int:cycle_id>/state", methods=["POST"])
@requires("cycles:write")
@blp.arguments(StateChangeSchema)
@blp.response(200, CycleSchema, headers=ETAG_HEADER)
@errors(blp, 404, 409, 422)
def change_state(data, cycle_id: int):
    """Open (pins the rubric), close, or release (optionally withholding candidates) a cycle."""
    cycle = cycle_or_404(cycle_id)
    actor = g.api_token.created_by
    if data["state"] == "released":
        release_service.release_cycle(cycle, actor=actor, withhold=data["withhold"],
                                      acknowledged=data["acknowledged"])
    else:
        cycle_service.change_state(cycle, data["state"], actor=actor, framework=pinned_framework(cycle))
    db.session.commit()
    return with_etag(cycle_data(cycle))
