"""(issue 21) Errors of the JSON API as RFC 9457 problem details (``application/problem+json``): ``type``,
``title``, ``status``, ``detail`` and, when one field is at fault, ``field``; in the language of the request
(the token creator's, else ``Accept-Language``, else English: ``i18n.select_language``).

The app's error pages stay as they are: ``install`` wraps each handler so that a request under ``/api/v1/`` gets a
problem document and every other request the page it got before.
"""

from __future__ import annotations

from flask import current_app, request
from flask_babel import gettext as _, lazy_gettext as _l
from werkzeug.exceptions import HTTPException, NotFound

from ..extensions import db
from ..services import ConflictError, NotAllowed, ServiceError

API_PREFIX = "/api/v1"
PROBLEM_TYPE = "application/problem+json"
#: Where the kinds of problem are described (docs/api.md and the reference page).
TYPE_BASE = "/api/v1/docs#problem-"

TITLES = {
    400: _l("Bad request"), 401: _l("Not signed in"), 403: _l("Not allowed"), 404: _l("Not found"),
    405: _l("Method not allowed"), 406: _l("Not acceptable"), 409: _l("Conflict"), 412: _l("Changed meanwhile"),
    413: _l("Too large"), 415: _l("Unsupported media type"), 422: _l("Invalid data"),
    428: _l("If-Match required"), 429: _l("Too many requests"), 500: _l("Server error"),
}
DETAILS = {
    400: _l("The request could not be understood."),
    401: _l("Send an API token as “Authorization: Bearer <token>”. HR creates tokens under “API tokens”."),
    403: _l("This API token may not do that."),
    404: _l("There is nothing here, or it is not this token's to see."),
    405: _l("This address does not accept that method."),
    406: _l("This address answers in another format."),
    412: _l("The object changed since you read it: read it again (GET) and send its new ETag in If-Match."),
    413: _l("What you sent is larger than this site accepts, so nothing was saved."),
    415: _l("Send the data as JSON (Content-Type: application/json)."),
    422: _l("The data sent is not valid."),
    428: _l("Send the ETag you read (GET) in an If-Match header, so that a stale copy never overwrites a newer one."),
    429: _l("This token sent too many requests: wait a little and try again."),
    500: _l("Something went wrong on the server; nothing was half-saved. Please try again."),
}
SLUGS = {400: "bad-request", 401: "unauthorized", 403: "forbidden", 404: "not-found", 405: "method-not-allowed",
         406: "not-acceptable", 409: "conflict", 412: "precondition-failed", 413: "too-large",
         415: "unsupported-media-type", 422: "invalid", 428: "precondition-required", 429: "too-many-requests",
         500: "server-error"}


class Problem(HTTPException):
    """Raised in the API for a problem with a detail of its own (and the field at fault)."""

    def __init__(self, status: int, detail: str | None = None, field: str | None = None, headers=None,
                 errors: list | None = None):
        super().__init__(description=detail)
        self.code, self.field, self.extra_headers, self.errors = status, field, headers or {}, errors


def problem_response(status: int, detail=None, field: str | None = None, headers=None, errors=None):
    body = {"type": TYPE_BASE + SLUGS.get(status, "error"), "title": str(TITLES.get(status, TITLES[500])),
            "status": status, "detail": str(detail or DETAILS.get(status, DETAILS[500]))}
    if field:
        body["field"] = field
    if errors:
        body["errors"] = errors
    response = current_app.json.response(body)
    response.status_code, response.mimetype = status, PROBLEM_TYPE
    for name, value in (headers or {}).items():
        response.headers[name] = value
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="OpsLadder API"'
    return response


def from_service_error(exc: ServiceError) -> Problem:
    """A refusal of a service, with its own message: 409 for a conflict or a state that forbids it, else 422."""
    status = 409 if isinstance(exc, (ConflictError, NotAllowed)) else 422
    return Problem(status, exc.message, exc.field)


def _validation(exc) -> tuple[str, str | None, list]:
    """webargs' messages ({location: {field: [message]}}) as one detail, the first field and the full list."""
    messages = (getattr(exc, "data", None) or {}).get("messages") or {}
    errors = []
    for location, fields in messages.items():
        if not isinstance(fields, dict):
            continue
        for name, found in fields.items():
            for path, text in _paths(found):
                entry = {"field": str(name) if name != "_schema" else None, "in": location, "detail": text[:300]}
                if path:  # inside a list or an object: where, as a JSON pointer (RFC 6901)
                    entry["pointer"] = "/" + "/".join(str(part).replace("~", "~0").replace("/", "~1")
                                                      for part in (name, *path))[:300]
                errors.append(entry)
    if not errors:
        return str(DETAILS[422]), None, []
    first = errors[0]
    if first["field"] is None:
        return _("The data sent is not valid: %(problem)s", problem=first["detail"]), None, errors
    return _("The field “%(field)s” is not valid: %(problem)s", field=first["field"][:80],
             problem=first["detail"]), first["field"][:80], errors


def _paths(found, path=()):
    """(path below the field, message) of each message in webargs' nesting ({index or key: [message]})."""
    if isinstance(found, dict) and len(path) < 4:
        for key, value in list(found.items())[:1000]:
            yield from _paths(value, (*path, key))
    else:
        yield path, found if isinstance(found, str) else "; ".join(str(m) for m in _flatten(found))


def _flatten(found):
    if isinstance(found, dict):
        for value in found.values():
            yield from _flatten(value)
    elif isinstance(found, (list, tuple)):
        for value in found:
            yield from _flatten(value)
    else:
        yield found


def _answer(exc) -> object:
    """The problem document for an exception raised while answering an API request."""
    if isinstance(exc, Problem):
        return problem_response(exc.code, exc.description, exc.field, exc.extra_headers, exc.errors)
    if isinstance(exc, ServiceError):
        return _answer(from_service_error(exc))
    code = getattr(exc, "code", None) or 500
    if code == 500:
        db.session.rollback()
        return problem_response(500)
    if code in (400, 422) and (getattr(exc, "data", None) or {}).get("messages"):
        if "Invalid JSON body." in str(exc.data["messages"]):
            return problem_response(400, _("The body is not valid JSON."), "json")
        detail, field, errors = _validation(exc)
        return problem_response(422, detail, field, errors=errors)
    headers = {}
    if code == 405 and getattr(exc, "valid_methods", None):
        if _no_such_resource(exc.valid_methods):
            return problem_response(404)
        headers["Allow"] = ", ".join(exc.valid_methods)
    if code == 429 and getattr(exc, "retry_after", None):
        headers["Retry-After"] = str(exc.retry_after)
    own = getattr(exc, "description", None)
    own = own if own and own != type(exc).description and code not in (413, 429) else None
    return problem_response(code, own, headers=headers)


def _no_such_resource(methods) -> bool:
    """Whether the address names nothing whatever the method. Werkzeug answers 405 when one operation's rule (GET)
    matches the path's shape and another's (PATCH), whose id converter refuses the number, does not: an id out of
    range (or 0) names no person, so the answer is 404, as the pages give."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    for method in methods:
        if method in ("OPTIONS", "HEAD"):
            continue
        try:
            adapter.match(request.path, method=method)
        except NotFound:
            continue
        except HTTPException:
            return False
        return False
    return True


def in_api() -> bool:
    return request.path == API_PREFIX or request.path.startswith(API_PREFIX + "/")


def install(app) -> None:
    """Answer every error under /api/v1/ with a problem document; leave the pages' handlers to the pages."""
    spec = app.error_handler_spec.setdefault(None, {})
    for code in sorted(SLUGS):
        previous = next(iter(spec.get(code, {}).values()), None)
        app.register_error_handler(code, _either(previous))
    app.register_error_handler(HTTPException, _either(None))


def _either(previous):
    def handle(exc):
        if in_api():
            return _answer(exc)
        if previous is not None:
            return previous(exc)
        return exc  # an HTTPException: Werkzeug's own answer, as without this handler
    return handle
