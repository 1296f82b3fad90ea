"""The paths an edit text names: recognised on a line, cleaned, refused when they leave the root."""

from __future__ import annotations

import re

# Names without a dot or slash that are still plainly file names.
_BARE_NAMES = frozenset(
    {"Makefile", "Dockerfile", "Containerfile", "Justfile", "Procfile", "Gemfile", "Rakefile"}
)
# `### x`, `# x`, `// x`, `-- x` (a comment line naming the file), `File: x`
_DECORATION = re.compile(r"^(?:(?:#+|//|--)\s*)?(?:(?:file|path|filename)\s*:\s*)?", re.IGNORECASE)
_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")


def path_on_line(line: str) -> str | None:
    """The path a line holds on its own (`src/a.py`, `` `src/a.py` ``, `**src/a.py**:`), if any."""
    text = _DECORATION.sub("", line.strip())
    text = text.strip("`*_").rstrip(":").strip("`*_")
    if not text or len(text) > 400 or any(c.isspace() for c in text):
        return None
    if text.startswith(("<<<", "===", ">>>", "```", "~~~", "@@", "---", "+++")):
        return None
    if "/" in text or "." in text.strip(".") or text in _BARE_NAMES:
        return text
    return None


def clean(path: str) -> str:
    path = path.strip().replace("\\", "/")
    while path.startswith("./"):
        path = path[2:]
    return path


def problem(path: str) -> str | None:
    """Why the engine refuses `path` (workspace-relative, "/"-separated), or None."""
    if not path:
        return "The edit names no file. Write the file's workspace-relative path."
    if path.startswith("/") or _DRIVE.match(path):
        return (
            f"{path!r} is an absolute path. Write the path relative to the workspace root "
            "(for example src/app.py)."
        )
    if ".." in path.split("/"):
        return (
            f"{path!r} contains '..'. Write the path relative to the workspace root, without "
            "'..' parts."
        )
    if "\x00" in path:
        return "The path contains a NUL character. Write a plain workspace-relative path."
    return None
