"""(issue 21) The API's description for people and programs: /api/v1/openapi.json (the OpenAPI 3.1 document,
as ``application/vnd.oai.openapi+json``) and /api/v1/docs, a reference page drawn on the server from the same
document: no script, no CDN (the Content-Security-Policy allows neither), so it works offline."""

from __future__ import annotations

import json

from flask import Blueprint, current_app, render_template

from ..access import public
from .problems import DETAILS, SLUGS, TITLES

bp = Blueprint("api_docs", __name__, url_prefix="/api/v1")
OPENAPI_TYPE = "application/vnd.oai.openapi+json"
METHODS = ("get", "post", "patch", "put", "delete")


def spec_dict() -> dict:
    return current_app.extensions["opsladder.api"].spec.to_dict()


@bp.route("/openapi.json")
@public
def openapi_json():
    """The OpenAPI 3.1 document, generated from the code."""
    return current_app.response_class(json.dumps(spec_dict(), indent=1), mimetype=OPENAPI_TYPE)


def _fields(schema: dict, spec: dict) -> list[tuple[str, str, bool]]:
    """(name, type, required) of a request body's schema."""
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    required = set(schema.get("required", ()))
    out = []
    for name, prop in schema.get("properties", {}).items():
        kind = prop.get("type", "object")
        kind = " | ".join(kind) if isinstance(kind, list) else kind
        out.append((name, kind, name in required))
    return out


def operations(spec: dict) -> list[dict]:
    """Every operation of the document, in the order of its paths, with what the page shows."""
    out = []
    for path, item in spec.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            body = op.get("requestBody", {}).get("content", {})
            body_schema = next(iter(body.values()), {}).get("schema", {}) if body else {}
            out.append({"method": method.upper(), "path": path, "id": f"{method}-{path}",
                        "scope": op.get("x-scope"), "tag": (op.get("tags") or [""])[0],
                        "parameters": [(p["name"], p["in"], bool(p.get("required")))
                                       for p in op.get("parameters", []) + item.get("parameters", [])],
                        "body": _fields(body_schema, spec) if body_schema else [],
                        "responses": sorted(op.get("responses", {}))})
    return out


@bp.route("/docs")
@public
def reference():
    """The reference page: every operation with its scope, parameters, body fields and answers."""
    spec = spec_dict()
    problems = [(SLUGS[code], code, TITLES[code], DETAILS.get(code, "")) for code in sorted(SLUGS) if code in TITLES]
    return render_template("api/reference.html", operations=operations(spec), version=spec["openapi"],
                           problems=problems)
