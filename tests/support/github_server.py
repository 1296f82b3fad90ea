"""A scripted GitHub (Enterprise Server layout) on loopback, in a thread, for what cannot run
here: the OAuth web flow with PKCE (authorize → code, access_token checking the client
secret and the S256 verifier) and the REST API's /user and /user/emails."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

CLIENT_ID = "gh-client"
CLIENT_SECRET = "gh-secret"


@dataclass
class GitHubScript:
    user: dict[str, Any] = field(default_factory=lambda: {"id": 4242, "login": "octo"})
    emails: list[dict[str, Any]] = field(default_factory=list)
    codes: dict[str, str] = field(default_factory=dict)  # code -> code_challenge
    tokens: set[str] = field(default_factory=set)
    refused: list[str] = field(default_factory=list)  # why token requests were refused


class _Handler(BaseHTTPRequestHandler):
    script: GitHubScript

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _json(self, status: int, body: object) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        query = {key: values[0] for key, values in parse_qs(url.query).items()}
        if url.path == "/login/oauth/authorize":  # the person approves at once
            code = secrets.token_hex(8)
            self.script.codes[code] = query.get("code_challenge", "")
            target = query["redirect_uri"] + "?" + urlencode({"code": code,
                                                               "state": query["state"]})
            self.send_response(302)
            self.send_header("Location", target)
            self.end_headers()
            return
        token = self.headers.get("Authorization", "").removeprefix("Bearer ")
        if token not in self.script.tokens:
            self._json(401, {"message": "Bad credentials"})
        elif url.path == "/api/v3/user":
            self._json(200, self.script.user)
        elif url.path == "/api/v3/user/emails":
            self._json(200, self.script.emails)
        else:
            self._json(404, {"message": "Not Found"})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        challenge = self.script.codes.pop(form.get("code", ""), None)
        verifier = form.get("code_verifier", "")
        computed = base64.urlsafe_b64encode(
            hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if (form.get("client_id"), form.get("client_secret")) != (CLIENT_ID, CLIENT_SECRET):
            self.script.refused.append("client")
            self._json(200, {"error": "incorrect_client_credentials"})
        elif challenge is None or challenge != computed:
            self.script.refused.append("code or verifier")
            self._json(200, {"error": "bad_verification_code"})
        else:
            token = secrets.token_hex(16)
            self.script.tokens.add(token)
            self._json(200, {"access_token": token, "token_type": "bearer",
                             "scope": "read:user,user:email"})


@contextmanager
def running_github() -> Iterator[tuple[str, GitHubScript]]:
    """(base URL, script) of a GitHub Enterprise-like server on a free loopback port."""
    script = GitHubScript()
    handler = type("Handler", (_Handler,), {"script": script})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", script
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
