"""Domain errors raised by services; the app maps each to its HTTP status and a JSON `detail`."""

from __future__ import annotations

from typing import Any


class PairpadError(Exception):
    status_code = 400

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class BadRequest(PairpadError):
    status_code = 400


class Forbidden(PairpadError):
    status_code = 403


class NotFound(PairpadError):
    status_code = 404


class Conflict(PairpadError):
    status_code = 409


class TooLarge(PairpadError):
    status_code = 413


class UnsupportedMedia(PairpadError):
    status_code = 415


class Unprocessable(PairpadError):
    status_code = 422


class InternalError(PairpadError):
    status_code = 500


class InsufficientStorage(PairpadError):
    status_code = 507


class Unavailable(PairpadError):
    status_code = 503


class UpstreamTimeout(PairpadError):
    status_code = 504
