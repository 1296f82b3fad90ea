"""Make the OpenAPI document say what the server really answers (it generates the UI's types).

FastAPI documents a 422 `HTTPValidationError` (`detail` as a list) that Pairpad never sends:
its handlers answer every error as `{"detail": "…"}` (see `app._install_error_handlers`).
The local-security middleware also answers 401/403 before any route runs. So, once, on the
generated document: one `Error` schema for every 4xx/5xx, the middleware's statuses and the
bearer scheme on every operation, and FastAPI's validation-error schemas removed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict

from pairpad.auth.middleware import PUBLIC_PATHS
from pairpad.ratelimit.groups import group_of

ERROR_REF = {"$ref": "#/components/schemas/Error"}
_ERROR_CONTENT = {"application/json": {"schema": ERROR_REF}}
_HTTP_METHODS = frozenset({"get", "put", "post", "delete", "patch", "options", "head", "trace"})
# Answered by the middleware or the app's catch-all handler for any operation.
_ALWAYS: dict[str, str] = {
    "403": "Host not allowed, foreign Origin, or missing X-XSRF-Token (cookie auth)",
    "500": "Unexpected error; the traceback is in the server log",
}
_AUTH: dict[str, str] = {
    "401": "Not authenticated",
    "429": "Too many wrong tokens from this client: wait (Retry-After) and try again",
}
# Every operation a rate limit counts (ratelimit/groups.py): its 429, and the guard's for
# wrong tokens where there is one.
_RATE_LIMITED = ("Too many requests: a rate limit reached (wait `Retry-After` seconds; the "
                 "RateLimit-* headers tell the budget) or, for a wrong token, the guessing "
                 "slowdown")
_VALIDATION = "Invalid parameters or body; `detail` names each problem"


class ErrorBody(BaseModel):
    """Every error answer. Some carry more fields (a 409 save has `current_etag`, a 422 has
    `errors: [{loc, msg}]`), hence extra keys are allowed."""

    model_config = ConfigDict(extra="allow", title="Error")
    detail: str


def errors(statuses: dict[int, str]) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route: the error statuses it answers (the body is `Error`, added to
    every 4xx/5xx by `describe_errors`)."""
    return {status: {"description": text} for status, text in statuses.items()}


def install_openapi(api: FastAPI) -> None:
    generate = api.openapi

    def openapi() -> dict[str, Any]:
        if api.openapi_schema is None:
            document = generate()  # generate() caches the document it returns
            accounts: AccountsAuth | None = getattr(api.state, "openapi_accounts", None)
            describe_errors(document, accounts)
            order: list[str] | None = getattr(api.state, "openapi_path_order", None)
            if order is not None:
                document["paths"] = _in_order(document.get("paths", {}), order)
        assert api.openapi_schema is not None
        return api.openapi_schema

    api.openapi = openapi  # type: ignore[method-assign]


@dataclass(frozen=True)
class AccountsAuth:
    """Team mode's authentication, for its document: user access tokens instead of the one
    token, and `public` operations, `(METHOD, path)`, that need none (sign-in, sign-up):
    no security requirement on those (an invalid token sent to them is still a 401)."""

    public: frozenset[tuple[str, str]]


_ACCOUNTS_BEARER = ("An access token (`POST /api/auth/login`, renewed with "
                    "`POST /api/auth/refresh`); browsers use the session cookies that sign-in "
                    "with `\"cookie\": true` sets (then writes also need the X-XSRF-Token header).")
_ACCOUNTS_AUTH = {"401": "Not signed in, or the access token sent is invalid or expired"}


def describe_accounts_auth(api: FastAPI, auth: AccountsAuth) -> None:
    api.state.openapi_accounts = auth


def keep_path_order(api: FastAPI, paths: list[str]) -> None:
    """List the document's paths in this order, whatever order the router matches them in
    (the app matches its hottest routes first; the document reads feature by feature)."""
    api.state.openapi_path_order = paths


def _in_order(paths: dict[str, Any], order: list[str]) -> dict[str, Any]:
    rank = {path: index for index, path in enumerate(dict.fromkeys(order))}
    return dict(sorted(paths.items(), key=lambda item: rank.get(item[0], len(rank))))


def describe_errors(document: dict[str, Any], accounts: AccountsAuth | None = None) -> None:
    components = document.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    schemas["Error"] = ErrorBody.model_json_schema()
    components["securitySchemes"] = {
        "bearer": {
            "type": "http",
            "scheme": "bearer",
            "description": _ACCOUNTS_BEARER if accounts else "The token `pairpad open` prints; "
            "browsers use the cookie that visiting `/?token=TOKEN` sets (then writes also need "
            "the X-XSRF-Token header).",
        }
    }
    document["security"] = [{"bearer": []}]
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            if method not in _HTTP_METHODS:
                continue
            public = path in PUBLIC_PATHS or (
                accounts is not None and (method.upper(), path) in accounts.public)
            responses: dict[str, Any] = operation.setdefault("responses", {})
            if "422" in responses:
                responses["422"]["description"] = _VALIDATION
            if public:
                operation["security"] = []
            if "requestBody" in operation:
                responses.setdefault("400", {"description": "The body is not JSON"})
            if accounts is not None:  # the guard refuses a wrong token even on public routes
                extra = {**_ACCOUNTS_AUTH, **_ALWAYS}
            else:
                extra = _ALWAYS if public else {**_AUTH, **_ALWAYS}
            if group_of(method.upper(), path, signed_in=not public) is not None:
                extra = {**extra, "429": _RATE_LIMITED}
            for status, text in extra.items():
                responses.setdefault(status, {"description": text})
            for status, response in responses.items():
                if status[0] in "45":
                    response["content"] = _ERROR_CONTENT
            operation["responses"] = dict(sorted(responses.items()))
