"""(issue 21) The JSON API under /api/v1, described by OpenAPI 3.1 (flask-smorest; docs/api.md says why), and
HR's pages for its tokens. ``register`` puts it into an app (app.create_app)."""

from __future__ import annotations

from ..cleaning import WholeNumberConverter
from . import assessments, cycles, docs_page, people, people_sync, problems, results, tokens_pages  # noqa: F401
from .auth import init_limiter
from .core import MAX_ID, OpsApi

RESOURCES = (people.blp, cycles.blp, assessments.blp)

SPEC_OPTIONS = {
    "info": {"description": "OpsLadder's JSON API for HR systems and scripts. Authenticate with a personal access "
                            "token that HR creates under “API tokens”: `Authorization: Bearer <token>`. Errors are "
                            "RFC 9457 problem details."},
    "security": [{"bearerAuth": []}],
    "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
}


def register(app) -> None:
    app.config.update(API_TITLE="OpsLadder API", API_VERSION="1", OPENAPI_VERSION="3.1.0",
                      OPENAPI_URL_PREFIX=None,  # docs_page serves the document
                      API_SPEC_OPTIONS=SPEC_OPTIONS)
    api = OpsApi(app)
    api.register_converter(WholeNumberConverter, lambda _c: {"type": "integer", "minimum": 1, "maximum": MAX_ID})
    for blp in RESOURCES:
        api.register_blueprint(blp)
    app.extensions["opsladder.api"] = api
    app.register_blueprint(docs_page.bp)
    app.register_blueprint(tokens_pages.bp)
    init_limiter(app)
    problems.install(app)
