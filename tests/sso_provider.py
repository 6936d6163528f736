"""A real OpenID Connect provider for the single sign-on tests: ``oidc-provider-mock`` (Authlib's provider, with
discovery, JWKS, the authorization code flow with PKCE, and its own RSA key) served over HTTP on localhost.

The mock always issues correct ID tokens. To test a wrong audience, an expired token or a foreign nonce, a test
sets ``Provider.tamper``: the provider's token endpoint then rewrites those claims of the ID token it answers and
signs it again with its own key (so the signature stays valid and only the claim is wrong). Everything still
travels over real HTTP, through the real redirects.
"""

from __future__ import annotations

import json
import os
import threading
from contextlib import contextmanager
from urllib.parse import urlsplit

import flask
import httpx
import oidc_provider_mock
from joserfc import jwt
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server


class Provider:
    def __init__(self, url: str, app):
        self.url = url
        self.app = app
        #: Claims the token endpoint overwrites in the next ID tokens (a test sets and clears it).
        self.tamper: dict = {}

    def user(self, sub: str, **claims) -> str:
        """Make (or replace) the provider's user ``sub`` with these claims; returns ``sub``."""
        httpx.put(f"{self.url}/users/{sub}", json=claims).raise_for_status()
        return sub

    def approve(self, authorize_url: str, sub: str | None, *, deny: bool = False) -> str:
        """Open the provider's sign-in page at ``authorize_url`` and sign in as ``sub`` (or deny); the address the
        provider sends the browser back to."""
        assert authorize_url.startswith(self.url + "/oauth2/authorize?")
        page = httpx.get(authorize_url)
        assert page.status_code == 200, page.text
        data = {"action": "deny"} if deny else {"sub": sub}
        answer = httpx.post(authorize_url, data=data)
        assert answer.status_code == 302, answer.text
        return answer.headers["location"]


def _tamper_token_response(provider: Provider):
    def rewrite(response):
        if flask.request.path != "/oauth2/token" or response.status_code != 200 or not provider.tamper:
            return response
        body = json.loads(response.get_data())
        key = RSAKey.import_key(flask.g.oidc_provider_mock_storage.jwk.as_dict(is_private=True))
        token = jwt.decode(body["id_token"], key)
        claims = {**token.claims, **provider.tamper}
        body["id_token"] = jwt.encode(dict(token.header), claims, key)
        response.set_data(json.dumps(body))
        return response

    return rewrite


@contextmanager
def running_provider():
    """Start the provider on a free port of localhost; yields a Provider."""
    previous = os.environ.get("AUTHLIB_INSECURE_TRANSPORT")
    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"  # the provider on plain http (this machine only)
    app = oidc_provider_mock.app(require_nonce=True)
    server = make_server("localhost", 0, app, threaded=True)
    provider = Provider(f"http://localhost:{server.server_port}", app)
    app.after_request(_tamper_token_response(provider))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        thread.join(2)
        if previous is None:
            os.environ.pop("AUTHLIB_INSECURE_TRANSPORT", None)
        else:
            os.environ["AUTHLIB_INSECURE_TRANSPORT"] = previous


def local_path(url: str) -> str:
    """The path and query of an address on the app (the test client's side of a redirect)."""
    parts = urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")
