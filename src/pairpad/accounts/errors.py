"""The accounts' own refusals (the app maps every PairpadError to `{"detail": …}`)."""

from __future__ import annotations

from pairpad.errors import PairpadError

WRONG_CREDENTIALS = "Wrong email or password."


class Unauthorized(PairpadError):
    """401: the credentials, token or code presented do not sign anyone in."""

    status_code = 401


class TooManyAttempts(PairpadError):
    """429: sign-in attempts are paused; the route adds Retry-After."""

    status_code = 429

    def __init__(self, retry_after_s: int) -> None:
        super().__init__(f"Too many failed sign-in attempts: try again in {retry_after_s} s.")
        self.retry_after_s = retry_after_s
