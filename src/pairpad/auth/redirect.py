"""Where the token login sends the browser: a path on this origin, never another site.

Browsers parse a Location by the WHATWG URL rules: tabs and newlines are dropped and, for
http(s), `\\` counts as `/`, so `/\\evil.com/` or `/\\t/evil.com/` is the scheme-relative
`//evil.com/`. Only a path that starts with one `/` followed by something else is kept.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

# Characters kept as they are in the path; everything else is percent-encoded.
_PATH_SAFE = "/-._~!$&'()*+,;=:@"


def login_redirect(path: str, query: list[tuple[str, str]]) -> str:
    if any(char == "\\" or ord(char) < 0x20 or ord(char) == 0x7F for char in path):
        path = "/"
    location = "/" + quote(path.lstrip("/"), safe=_PATH_SAFE)
    if location[1:2] in ("/", "\\"):  # cannot happen after the above; the rule is the contract
        location = "/"
    return location + (f"?{urlencode(query)}" if query else "")
