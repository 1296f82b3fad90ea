"""The Host header, parsed strictly (DNS-rebinding guard, DESIGN.md §6).

A lenient split let `[::1]evil.com`, `localhost:8712.evil` and `127.0.0.1:8712@evil.com` pass
as loopback names; here anything that is not exactly `host[:port]` is refused.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
# A DNS name or a dotted IPv4 address (RFC 3986 reg-name restricted to what DNS allows).
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_NAME = re.compile(rf"{_LABEL}(?:\.{_LABEL})*\.?")
_PORT = re.compile(r":[0-9]{1,5}")


def host_name(host_header: str) -> str | None:
    """`[::1]:8000` → `::1`, `Localhost:80` → `localhost`; None when the header is malformed."""
    host = host_header.lower()
    if host.startswith("["):
        end = host.find("]")
        name, rest = host[1:end], host[end + 1 :]
        if end < 0 or not _is_ipv6(name):
            return None
    else:
        name, colon, port = host.partition(":")
        rest = colon + port
        if not _NAME.fullmatch(name):
            return None
    if rest and not _PORT.fullmatch(rest):
        return None
    return name


def _is_ipv6(text: str) -> bool:
    try:
        ipaddress.IPv6Address(text)
    except ValueError:
        return False
    return "%" not in text  # no zone ids in a Host header


def allowed_host_names(bind_host: str, extra: Iterable[str]) -> frozenset[str]:
    names = set(LOOPBACK_NAMES) | {name.lower() for name in extra}
    if bind_host not in {"0.0.0.0", "::", ""}:
        names.add(bind_host.strip("[]").lower())
    return frozenset(names)
