"""(issue 21) What every resource of the JSON API shares: the flask-smorest ``Api`` (OpenAPI 3.1, problem details
as the documented error body), a blueprint factory that puts each resource behind the token check, the rate limit
and the audit, page-and-size pagination with a total, and ETags (``If-Match`` required on updates)."""

from __future__ import annotations

import hashlib
import http
import json
from datetime import datetime, timezone

import marshmallow as ma
from flask import request
from flask_babel import gettext as _
from flask_smorest import Api, Blueprint
from flask_smorest.utils import prepare_response
from marshmallow import validate

from ..extensions import csrf, db
from .auth import audit_call, authenticate, limiter, rate_limit
from .problems import API_PREFIX, PROBLEM_TYPE, Problem

#: Ids are bounded like the pages' (cleaning.WholeNumberConverter): a larger number is simply not found.
MAX_ID = 2**31 - 1
MAX_PAGE_SIZE = 100
#: The errors every operation may answer with (all as problem documents).
COMMON_ERRORS = (400, 401, 403, 413, 415, 429)
#: Text a query argument may hold (security.refuse_bad_query_strings refuses control characters).
PLAIN_TEXT = r"^[^\x00-\x1f\x7f-\x9f]*$"


class ProblemSchema(ma.Schema):
    """RFC 9457 problem details."""

    type = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    status = ma.fields.Integer(required=True)
    detail = ma.fields.String(required=True)
    field = ma.fields.String(metadata={"description": "The field at fault, when there is one."})
    errors = ma.fields.List(ma.fields.Dict(), metadata={"description": "Every invalid field (validation)."})


class OpsApi(Api):
    """flask-smorest's Api with problem details as the error body; the app's own error handlers answer errors
    (problems.install), so flask-smorest registers none."""

    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self):
        pass

    def _register_responses(self):
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
                prepare_response(response, self.spec, PROBLEM_TYPE)
            else:
                prepare_response(response, self.spec, self.DEFAULT_RESPONSE_CONTENT_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Default error response", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_TYPE)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


def iso(value) -> str | None:
    """A date as YYYY-MM-DD, a moment as RFC 3339 (UTC when the database gave it without an offset: SQLite)."""
    if value is None:
        return None
    if isinstance(value, datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.isoformat()


def require_json_body() -> None:
    """A write sends a JSON object (``{}`` when there is nothing to say): else 415; nested too deeply to be read
    (``[[[[…``, which makes the parser give up with a RecursionError): 400. Invalid JSON is webargs' to answer."""
    if request.method not in ("POST", "PATCH", "PUT"):
        return
    body = request.get_data(cache=True)
    if not request.is_json or not body:
        raise Problem(415)
    try:
        json.loads(body)
    except RecursionError:
        raise Problem(400, _("The body is nested too deeply to be read: send the fields as the operation "
                             "describes them."), "json") from None
    except ValueError:
        pass


def make_blueprint(name: str, path: str, description: str) -> Blueprint:
    """A resource's blueprint under /api/v1/<path>: token checked, rate-limited, audited, no CSRF (no cookies)."""
    blp = Blueprint(name, __name__, url_prefix=f"{API_PREFIX}/{path}", description=description)
    blp.before_request(authenticate)
    blp.before_request(require_json_body)
    blp.after_request(audit_call)
    csrf.exempt(blp)
    limiter.limit(rate_limit)(blp)
    return blp


def errors(blp: Blueprint, *codes: int):
    """Document the common errors and ``codes`` of an operation (problem details)."""
    def decorator(view):
        for code in sorted(set(COMMON_ERRORS) | set(codes), reverse=True):
            view = blp.alt_response(code, response=http.HTTPStatus(code).name)(view)
        return view
    return decorator


class StrictBoolean(ma.fields.Boolean):
    """true or false in a JSON body: never 0, 1 or "yes"."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


def BodyId(**kwargs) -> ma.fields.Integer:  # noqa: N802 (a field, named like one)
    """An id in a JSON body: an integer (never "12" or 12.0), within the bounds of an id."""
    return ma.fields.Integer(strict=True, validate=validate.Range(1, MAX_ID), **kwargs)


class PageArgs(ma.Schema):
    page = ma.fields.Integer(load_default=1, validate=validate.Range(1, 1_000_000))
    size = ma.fields.Integer(load_default=20, validate=validate.Range(1, MAX_PAGE_SIZE))


def page_of(query, args: dict, dump) -> dict:
    """One page of a select: {"items": [...], "total": n, "page": p, "size": s}."""
    total = db.session.scalar(query.with_only_columns(db.func.count()).order_by(None))
    rows = db.session.scalars(query.limit(args["size"]).offset((args["page"] - 1) * args["size"])).all()
    return {"items": [dump(row) for row in rows], "total": total, "page": args["page"], "size": args["size"]}


def found_or_404(model, ident: int):
    """The row of ``model`` with id ``ident``, or a 404 problem."""
    row = db.session.get(model, ident)
    if row is None:
        raise Problem(404)
    return row


def etag_of(data: dict) -> str:
    digest = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:32]
    return f'"{digest}"'


def with_etag(data: dict, status: int = 200):
    """A representation with its ETag; 304 when the client's If-None-Match names it."""
    tag = etag_of(data)
    if request.if_none_match and request.if_none_match.contains(tag.strip('"')):
        return "", 304, {"ETag": tag}
    return data, status, {"ETag": tag}


def check_if_match(current: dict) -> None:
    """An update needs the ETag its client read: 428 without one, 412 when the object changed since."""
    sent = request.headers.get("If-Match")
    if not sent:
        raise Problem(428)
    tags = [tag.strip().removeprefix("W/") for tag in sent.split(",")]
    if "*" not in tags and etag_of(current) not in tags:
        raise Problem(412)


IF_MATCH_PARAMETER = {"in": "header", "name": "If-Match", "required": True,
                      "schema": {"type": "string", "minLength": 1},
            "description": "The ETag of the representation read last (GET); 428 without it, 412 when stale."}
#: Document If-Match on one operation (a route's own ``parameters`` would apply to every method of its path).
IF_MATCH = {"parameters": [IF_MATCH_PARAMETER]}
ETAG_HEADER = {"ETag": {"schema": {"type": "string"}, "description": "The representation's version."}}
