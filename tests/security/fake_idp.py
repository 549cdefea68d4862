"""A small OpenID Connect provider for the single sign-on tests, served over real HTTP on
127.0.0.1 from a thread in the test process. Only this edge is fake: the service's own code
(mozilla-django-oidc and organisations/oidc.py) talks to it exactly as to a real provider.

It signs its ID tokens with its own RSA key (joserfc, a different JOSE library from the one the
service verifies with) and publishes the public half as its JWKS. What the next person to sign
in is like, and what is wrong with the tokens they get, is set by `sign_in_as` before the browser
visits the authorization endpoint.
"""

import base64
import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import OctKey, RSAKey

KEY_ID = "fake-idp-signing-key"


@dataclass
class SignIn:
    """A person signing in at the provider, and how their tokens come out."""

    email: str
    sub: str = "person-1"
    email_verified: bool | None = True
    # Changes to the ID token's claims; None removes the claim.
    id_token_claims: dict = field(default_factory=dict)
    # "provider" (the published key), "forger" (another RSA key under the published key id),
    # "client-secret" (HS256 with the client secret) or "none" (unsigned).
    signed_with: str = "provider"
    userinfo_sub: str | None = None  # None: the same as the ID token's


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class FakeIdentityProvider:
    client_id = "handlingskraft-test"
    client_secret = "client-secret-" + "x" * 40

    def __init__(self):
        self.key = RSAKey.generate_key(2048, parameters={"kid": KEY_ID, "alg": "RS256"})
        self.forger_key = RSAKey.generate_key(2048, parameters={"kid": KEY_ID, "alg": "RS256"})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.base_url = f"http://127.0.0.1:{self.server.server_port}"
        self.issuer = f"{self.base_url}/realms/testby"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.reset()

    # Addresses -------------------------------------------------------------------------------

    @property
    def authorization_endpoint(self) -> str:
        return f"{self.base_url}/authorize"

    @property
    def token_endpoint(self) -> str:
        return f"{self.base_url}/token"

    @property
    def userinfo_endpoint(self) -> str:
        return f"{self.base_url}/userinfo"

    @property
    def jwks_endpoint(self) -> str:
        return f"{self.base_url}/jwks"

    # Test controls ---------------------------------------------------------------------------

    def reset(self) -> None:
        self.next_sign_in: SignIn | None = None
        self.codes: dict[str, dict] = {}
        self.access_tokens: dict[str, dict] = {}
        self.token_requests: list[dict] = []

    def sign_in_as(self, email: str, **details) -> None:
        self.next_sign_in = SignIn(email=email, **details)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # The provider ----------------------------------------------------------------------------

    def authorize(self, query: dict) -> tuple[int, dict, bytes]:
        """The person signs in here; the browser is sent back to the service with a code."""
        assert query["client_id"] == self.client_id
        assert query["response_type"] == "code"
        assert "openid" in query["scope"].split()
        sign_in, self.next_sign_in = self.next_sign_in, None
        assert sign_in is not None, "call sign_in_as() before the browser reaches the provider"
        code = secrets.token_urlsafe(16)
        self.codes[code] = {"query": query, "sign_in": sign_in}
        back = f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}"
        return 302, {"Location": back}, b""

    def token(self, form: dict, authorization: str | None) -> tuple[int, dict, bytes]:
        self.token_requests.append(form)
        client_id, client_secret = form.get("client_id"), form.get("client_secret")
        if authorization and authorization.startswith("Basic "):
            client_id, _, client_secret = (
                base64.b64decode(authorization[6:]).decode().partition(":")
            )
        if (client_id, client_secret) != (self.client_id, self.client_secret):
            return self._json(401, {"error": "invalid_client"})
        grant = self.codes.pop(form.get("code", ""), None)  # a code is used once
        if form.get("grant_type") != "authorization_code" or grant is None:
            return self._json(400, {"error": "invalid_grant"})
        query, sign_in = grant["query"], grant["sign_in"]
        if form.get("redirect_uri") != query["redirect_uri"]:
            return self._json(400, {"error": "invalid_grant"})
        if "code_challenge" in query:
            verifier = form.get("code_verifier", "")
            challenge = _b64(hashlib.sha256(verifier.encode()).digest())
            if challenge != query["code_challenge"]:
                return self._json(400, {"error": "invalid_grant"})
        access_token = secrets.token_urlsafe(16)
        self.access_tokens[access_token] = {
            "sub": sign_in.userinfo_sub or sign_in.sub,
            "email": sign_in.email,
            **(
                {} if sign_in.email_verified is None else {"email_verified": sign_in.email_verified}
            ),
        }
        id_token = self.id_token(sign_in, nonce=query.get("nonce"))
        body = {"access_token": access_token, "token_type": "Bearer", "expires_in": 300}
        return self._json(200, {**body, "id_token": id_token})

    def id_token(self, sign_in: SignIn, *, nonce: str | None) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "sub": sign_in.sub,
            "aud": self.client_id,
            "exp": now + 300,
            "iat": now,
            "nonce": nonce,
            "email": sign_in.email,
        }
        claims.update(sign_in.id_token_claims)
        claims = {name: value for name, value in claims.items() if value is not None}
        if sign_in.signed_with == "none":
            header = _b64(json.dumps({"alg": "none", "kid": KEY_ID}).encode())
            return f"{header}.{_b64(json.dumps(claims).encode())}."
        if sign_in.signed_with == "client-secret":
            key = OctKey.import_key(self.client_secret)
            return jwt.encode({"alg": "HS256", "kid": KEY_ID}, claims, key)
        key = {"provider": self.key, "forger": self.forger_key}[sign_in.signed_with]
        return jwt.encode({"alg": "RS256", "kid": KEY_ID}, claims, key)

    def userinfo(self, authorization: str | None) -> tuple[int, dict, bytes]:
        token = (authorization or "").removeprefix("Bearer ")
        if token not in self.access_tokens:
            return self._json(401, {"error": "invalid_token"})
        return self._json(200, self.access_tokens[token])

    def jwks(self) -> tuple[int, dict, bytes]:
        return self._json(200, {"keys": [self.key.as_dict(private=False)]})

    @staticmethod
    def _json(status: int, body: dict) -> tuple[int, dict, bytes]:
        return status, {"Content-Type": "application/json"}, json.dumps(body).encode()

    def _handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                url = urlsplit(self.path)
                query = {name: values[0] for name, values in parse_qs(url.query).items()}
                if url.path == "/authorize":
                    self._send(*provider.authorize(query))
                elif url.path == "/userinfo":
                    self._send(*provider.userinfo(self.headers.get("Authorization")))
                elif url.path == "/jwks":
                    self._send(*provider.jwks())
                else:
                    self._send(404, {}, b"")

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                form = {
                    name: values[0]
                    for name, values in parse_qs(self.rfile.read(length).decode()).items()
                }
                if urlsplit(self.path).path == "/token":
                    self._send(*provider.token(form, self.headers.get("Authorization")))
                else:
                    self._send(404, {}, b"")

            def _send(self, status: int, headers: dict, body: bytes):
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format, *args):  # quiet
                pass

        return Handler
