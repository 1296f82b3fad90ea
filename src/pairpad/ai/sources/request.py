"""The `request` source: the active file, the selection and pasted errors — what the client
sent with the message."""

from __future__ import annotations

from pairpad.ai.chat_models import ChatSendRequest
from pairpad.ai.sources.base import ContextItem, FileReader, missing_item
from pairpad.ai.sources.gate import (
    DefaultSecrets,
    SecretCheck,
    SecretGate,
    secret_meta,
    secret_refused,
)
from pairpad.errors import PairpadError


class RequestSource:
    """Active file, selection and pasted errors: what the client sent with the message."""

    name = "request"

    def __init__(self, files: FileReader, secrets: SecretCheck | None = None) -> None:
        self._files = files
        self._secrets = secrets or DefaultSecrets()

    async def gather(self, query: str, request: ChatSendRequest) -> list[ContextItem]:
        items: list[ContextItem] = []
        gate = SecretGate(self._secrets, request)
        active = request.active_file
        sel = request.selection
        if sel is not None and sel.text.strip() and (sel.path or (active and active.path)):
            sel_path = sel.path or (active.path if active else "")
            if gate.refuses(sel_path):
                items.append(secret_refused(f"selection:{sel.path or ''}", "selection",
                                            sel_path, "Selection"))
                sel = None
        if sel is not None and sel.text.strip():
            span = f" lines {sel.start_line}-{sel.end_line}" if sel.start_line else ""
            lines = ({"start_line": sel.start_line, "end_line": sel.end_line or sel.start_line}
                     if sel.start_line else {})
            items.append(ContextItem(f"selection:{sel.path or ''}", "selection", sel.text, 100,
                                     path=sel.path, title=f"Selection{span}",
                                     meta={"why": "your selection", **lines}))
        for index, error in enumerate(request.errors):
            items.append(ContextItem(f"error:{index}", "error", error, 90,
                                     title=f"Pasted error {index + 1}"))
        if active is not None and gate.refuses(active.path):
            items.append(secret_refused(f"file:{active.path}", "file", active.path,
                                        "Active file"))
            return items
        if active is not None:
            content, language = active.content, active.language
            if content is None:
                try:
                    read = await self._files.read(active.path)
                    content, language = read.content, read.language
                except PairpadError as error:
                    items.append(missing_item(f"file:{active.path}", "file", active.path, error))
                    return items
            items.append(ContextItem(f"file:{active.path}", "file", content, 70,
                                     path=active.path, language=language, title="Active file",
                                     meta={"why": "the open file",
                                           **secret_meta(gate, active.path),
                                           **_focus(active.cursor_line, request)}))
        return items


def _focus(cursor_line: int | None, request: ChatSendRequest) -> dict[str, int]:
    """The line a cut of the active file centres on: the selection in it, else the cursor."""
    sel = request.selection
    active = request.active_file
    if sel is not None and sel.start_line and active is not None and sel.path in (
            None, active.path):
        end = sel.end_line or sel.start_line
        return {"focus_line": (sel.start_line + end) // 2}
    return {"focus_line": cursor_line} if cursor_line else {}
