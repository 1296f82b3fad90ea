"""file:// URIs (what servers speak) <-> workspace-relative paths (what the editor speaks).

Paths on the wire are "/"-separated and relative to the workspace; a path that leaves the
workspace (`..`, absolute, a symlink out) is refused. Results are walked: every `uri` /
`targetUri` becomes `path`-like text, `WorkspaceEdit.documentChanges` are flattened into
`changes` keyed by path, and locations outside the workspace (the standard library's
stubs, say) are dropped — the editor cannot open them.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote, unquote, urlparse

from pairpad.errors import Forbidden

URI_KEYS = ("uri", "targetUri")


class UriMapper:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.root_uri = self.root.as_uri()

    def to_uri(self, path: str) -> str:
        """A workspace path -> its file:// URI; Forbidden when it leaves the workspace."""
        pure = PurePosixPath(path.replace("\\", "/"))
        if pure.is_absolute() or ".." in pure.parts or not pure.parts:
            raise Forbidden(f"{path!r} is not a path inside the workspace")
        target = (self.root / pure).resolve()
        if not target.is_relative_to(self.root):
            raise Forbidden(f"{path} leads outside the workspace")
        return self.root_uri + "/" + quote(pure.as_posix())

    def to_path(self, uri: str) -> str | None:
        """A file:// URI -> its workspace path; None when it is outside the workspace."""
        parsed = urlparse(uri)
        if parsed.scheme != "file":
            return None
        absolute = Path(unquote(parsed.path))
        try:
            rel = absolute.relative_to(self.root)
        except ValueError:
            try:
                rel = absolute.resolve().relative_to(self.root)
            except (ValueError, OSError):
                return None
        text = rel.as_posix()
        return None if text in ("", ".") else text

    # ---- whole messages ------------------------------------------------------------------

    def params_to_server(self, value: Any) -> Any:
        """Paths the editor sent back (a code action's edit or data) -> URIs."""
        if isinstance(value, list):
            return [self.params_to_server(item) for item in value]
        if not isinstance(value, dict):
            return value
        out: dict[str, Any] = {}
        for key, item in value.items():
            if key in URI_KEYS and isinstance(item, str) and "://" not in item:
                out[key] = self.to_uri(item)
            elif key == "changes" and isinstance(item, dict):
                out[key] = {self.to_uri(path) if "://" not in path else path:
                            self.params_to_server(edits) for path, edits in item.items()}
            else:
                out[key] = self.params_to_server(item)
        return out

    def result_to_editor(self, value: Any) -> Any:
        if isinstance(value, list):
            items = [self.result_to_editor(item) for item in value]
            return [item for item in items if item is not _DROPPED]
        if not isinstance(value, dict):
            return value
        if _is_location(value):
            key = "targetUri" if "targetUri" in value else "uri"
            if self.to_path(str(value[key])) is None:
                return _DROPPED
        out: dict[str, Any] = {}
        for key, item in value.items():
            if key in URI_KEYS and isinstance(item, str):
                path = self.to_path(item)
                out[key] = path if path is not None else item
            elif key == "changes" and isinstance(item, dict):
                out[key] = self._changes(item)
            elif key == "documentChanges" and isinstance(item, list):
                changes = out.setdefault("changes", {})
                for path, edits in self._flatten(item).items():
                    changes.setdefault(path, []).extend(edits)
            else:
                converted = self.result_to_editor(item)
                out[key] = None if converted is _DROPPED else converted
        return out

    def _changes(self, changes: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for uri, edits in changes.items():
            path = self.to_path(uri) if "://" in uri else uri
            if path is None:
                raise Forbidden(f"The language server's edit touches {uri}, outside the "
                                "workspace; it was not applied")
            out[path] = edits
        return out

    def _flatten(self, document_changes: list[Any]) -> dict[str, list[Any]]:
        changes: dict[str, list[Any]] = {}
        for change in document_changes:
            if not isinstance(change, dict) or "textDocument" not in change:
                continue  # create/rename/delete file operations: not offered (no capability)
            uri = str(change["textDocument"].get("uri", ""))
            edits = changes.setdefault(next(iter(self._changes({uri: None}))), [])
            edits.extend(change.get("edits", []))
        return changes


class _Dropped:
    pass


_DROPPED: Any = _Dropped()


def _is_location(value: dict[str, Any]) -> bool:
    return ("uri" in value and "range" in value) or ("targetUri" in value
                                                    and "targetRange" in value)
