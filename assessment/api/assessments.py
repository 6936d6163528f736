"""(issue 21) Candidates in a cycle and their raters: /api/v1/cycles/{id}/assessments (list, add with raters),
/api/v1/assessments/{id} (read, withdraw), its raters (assign, remove) and a cycle's completion, through the
services of HR's cycle pages (services.assessments, services.withdrawals, services.release)."""

from __future__ import annotations

import marshmallow as ma
from flask_babel import gettext as _
import sqlalchemy as sa
from flask import g
from marshmallow import validate

from ..extensions import db
from ..framework import pinned_framework
from ..models import Assessment, RaterAssignment, User
from ..services import ServiceError
from ..services import assessments as assessment_service
from ..services import release as release_service
from ..services.withdrawals import withdraw_candidate
from .auth import requires
from .core import (ETAG_HEADER, BodyId, PageArgs, errors, found_or_404, iso, make_blueprint, page_of,
                   with_etag)
from .cycles import blp as cycles_blp, cycle_or_404
from .problems import Problem

blp = make_blueprint("api_assessments", "assessments", "Candidates in a cycle, their raters and withdrawal.")
Id = ma.fields.Integer


class RaterSchema(ma.Schema):
    id = Id(required=True, metadata={"description": "The sheet (rater assignment)."})
    user_id = Id(required=True)
    group = ma.fields.String(required=True)
    status = ma.fields.String(required=True)
    submitted_at = ma.fields.String(allow_none=True, required=True, metadata={"format": "date-time"})


class AssessmentSchema(ma.Schema):
    id = Id(required=True)
    cycle_id = Id(required=True)
    candidate_id = Id(required=True)
    current_role = ma.fields.String(required=True)
    target_role = ma.fields.String(required=True)
    withdrawn = ma.fields.Boolean(required=True)
    raters = ma.fields.List(ma.fields.Nested(RaterSchema), required=True)


class AssessmentsPageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(AssessmentSchema), required=True)
    total = Id(required=True)
    page = Id(required=True)
    size = Id(required=True)


class NewRaterSchema(ma.Schema):
    user_id = BodyId(required=True)
    group = ma.fields.String(required=True, validate=validate.OneOf(assessment_service.ASSIGNABLE_GROUPS))


class RaterInSchema(NewRaterSchema):
    reason = ma.fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000),
                              metadata={"description": "Needed once the cycle is open (as on the pages)."})


class AssessmentCreateSchema(ma.Schema):
    candidate_id = BodyId(required=True)
    current_role = ma.fields.String(required=True, validate=validate.Length(max=50))
    target_role = ma.fields.String(load_default=None, allow_none=True, validate=validate.Length(max=50),
                                   metadata={"description": "Default: the next step up from current_role."})
    raters = ma.fields.List(ma.fields.Nested(NewRaterSchema), load_default=list,
                            validate=validate.Length(max=100))


class ReasonSchema(ma.Schema):
    reason = ma.fields.String(load_default="", validate=validate.Length(max=2000))


class GroupCompletionSchema(ma.Schema):
    group = ma.fields.String(required=True)
    submitted = Id(required=True)
    owed = Id(required=True)


class CompletionSchema(ma.Schema):
    cycle_id = Id(required=True)
    submitted = Id(required=True)
    owed = Id(required=True)
    groups = ma.fields.List(ma.fields.Nested(GroupCompletionSchema), required=True)


def assessment_data(assessment: Assessment) -> dict:
    return {"id": assessment.id, "cycle_id": assessment.cycle_id, "candidate_id": assessment.candidate_id,
            "current_role": assessment.current_role, "target_role": assessment.target_role,
            "withdrawn": assessment.is_withdrawn,
            "raters": [{"id": a.id, "user_id": a.rater_id, "group": a.rater_group, "status": a.status,
                        "submitted_at": iso(a.submitted_at)} for a in assessment.assignments]}


def assessment_or_404(assessment_id: int) -> Assessment:
    return found_or_404(Assessment, assessment_id)


def _person(user_id: int, field: str) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise ServiceError(_("There is no account with the id %(id)s.", id=user_id), field=field)
    return user


@cycles_blp.route("/<int:cycle_id>/assessments", methods=["GET"])
@requires("cycles:read")
@cycles_blp.arguments(PageArgs, location="query")
@cycles_blp.response(200, AssessmentsPageSchema)
@errors(cycles_blp, 404, 422)
def list_assessments(args, cycle_id: int):
    """The cycle's candidates with their raters and each sheet's state."""
    cycle = cycle_or_404(cycle_id)
    query = sa.select(Assessment).where(Assessment.cycle_id == cycle.id).order_by(Assessment.id)
    return page_of(query, args, assessment_data)


@cycles_blp.route("/<int:cycle_id>/assessments", methods=["POST"])
@requires("cycles:write")
@cycles_blp.arguments(AssessmentCreateSchema)
@cycles_blp.response(201, AssessmentSchema, headers=ETAG_HEADER)
@errors(cycles_blp, 404, 409, 422)
def add_assessment(data, cycle_id: int):
    """Add a candidate to a draft or open cycle, with their raters, in one step (all or nothing)."""
    cycle = cycle_or_404(cycle_id)
    framework = pinned_framework(cycle)
    actor = g.api_token.created_by
    target = data["target_role"]
    if target is None:
        known = data["current_role"] in {role.id for role in framework.roles}
        nxt = framework.next_role(data["current_role"]) if known else None
        target = nxt.id if nxt is not None else data["current_role"]  # the service names what is wrong
    assessment = assessment_service.add_assessment(cycle, _person(data["candidate_id"], "candidate_id"),
                                                   data["current_role"], target, framework=framework, actor=actor)
    for index, rater in enumerate(data["raters"]):
        assessment_service.assign_rater(assessment, _person(rater["user_id"], f"raters.{index}.user_id"),
                                        rater["group"], actor=actor, initial=True)
    db.session.commit()
    return with_etag(assessment_data(assessment), 201)


@cycles_blp.route("/<int:cycle_id>/completion", methods=["GET"])
@requires("cycles:read")
@cycles_blp.response(200, CompletionSchema)
@errors(cycles_blp, 404)
def completion(cycle_id: int):
    """Sheets submitted and still owed, per rater group (as the cycle's completion on the pages)."""
    cycle = cycle_or_404(cycle_id)
    groups = release_service.group_completion(cycle)
    return {"cycle_id": cycle.id, "submitted": sum(g.submitted for g in groups), "owed": sum(g.owed for g in groups),
            "groups": [{"group": g.group, "submitted": g.submitted, "owed": g.owed} for g in groups]}


@blp.route("/<int:assessment_id>", methods=["GET"])
@requires("cycles:read")
@blp.response(200, AssessmentSchema, headers=ETAG_HEADER)
@errors(blp, 404)
def get_assessment(assessment_id: int):
    """One candidate in a cycle, with their raters."""
    return with_etag(assessment_data(assessment_or_404(assessment_id)))


@blp.route("/<int:assessment_id>/withdraw", methods=["POST"])
@requires("cycles:write")
@blp.arguments(ReasonSchema)
@blp.response(200, AssessmentSchema, headers=ETAG_HEADER)
@errors(blp, 404, 409, 422)
def withdraw(data, assessment_id: int):
    """Withdraw a candidate with a reason: their sheets stay, nobody owes them any more."""
    assessment = assessment_or_404(assessment_id)
    withdraw_candidate(assessment, data["reason"], actor=g.api_token.created_by)
    db.session.commit()
    return with_etag(assessment_data(assessment))


@blp.route("/<int:assessment_id>/raters", methods=["POST"])
@requires("cycles:write")
@blp.arguments(RaterInSchema)
@blp.response(201, AssessmentSchema, headers=ETAG_HEADER)
@errors(blp, 404, 409, 422)
def assign_rater(data, assessment_id: int):
    """Assign a manager, peer or direct report (with a reason once the cycle is open)."""
    assessment = assessment_or_404(assessment_id)
    assessment_service.assign_rater(assessment, _person(data["user_id"], "user_id"), data["group"],
                                    actor=g.api_token.created_by, reason=data["reason"])
    db.session.commit()
    return with_etag(assessment_data(assessment), 201)


@blp.route("/<int:assessment_id>/raters/<int:assignment_id>/remove", methods=["POST"])
@requires("cycles:write")
@blp.arguments(ReasonSchema)
@blp.response(200, AssessmentSchema, headers=ETAG_HEADER)
@errors(blp, 404, 409, 422)
def remove_rater(data, assessment_id: int, assignment_id: int):
    """Take a rater off before they start (with a reason once the cycle is open)."""
    assessment = assessment_or_404(assessment_id)
    assignment = db.session.get(RaterAssignment, assignment_id)
    if assignment is None or assignment.assessment_id != assessment.id:
        raise Problem(404)
    assessment_service.remove_assignment(assignment, actor=g.api_token.created_by, reason=data["reason"] or None)
    db.session.commit()
    db.session.refresh(assessment)
    return with_etag(assessment_data(assessment))
