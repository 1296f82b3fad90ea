"""Redis is down: the one error every Redis user in team mode raises (rate limits, leases,
health, Socket.IO fan-out), and the 503 text the apps answer with.

It lives at the bottom of the layers so that the rate limits, the health route and the
codebase lease can raise it; `pairpad.team.redis` re-exports it for the team app."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

RETRY_AFTER_S = 5  # the `Retry-After` of the 503: redis-py reconnects on the next command


def redis_url_for_display(url: str) -> str:
    """`url` without its password (`redis://user:secret@host/0` → `redis://user@host/0`)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = (f"{parts.username}@" if parts.username else "") + host
    if parts.port is not None:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def redis_unavailable_detail(url: str, what: str = "no answer") -> str:
    return (f"Redis at {redis_url_for_display(url)} is unreachable: {what}. Team mode needs "
            "it for sessions, rate limits and events; requests resume once it answers.")


class RedisUnavailable(Exception):
    """Redis did not answer (refused, timed out, connection lost). Raise it with the URL
    and the redis-py error's text; the team app answers 503 with `detail`."""

    def __init__(self, url: str, what: str | BaseException = "no answer") -> None:
        reason = what if isinstance(what, str) else (str(what) or type(what).__name__)
        self.url = url
        self.detail = redis_unavailable_detail(url, reason.rstrip(". "))
        super().__init__(self.detail)
