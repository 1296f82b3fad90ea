"""The language servers of one workspace: started lazily per language, requests routed by
capability, open documents kept (a restarted server gets them re-opened), diagnostics and
state published on the bus.

Paths are workspace-relative on the editor's side and file:// URIs on the servers'
(uris.py). Edits a server asks to apply (workspace/applyEdit) go through `apply_edit`
(the file service's one mutation path, wired by services.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import structlog

from pairpad.errors import NotFound, PairpadError, Unavailable, Unprocessable, UpstreamTimeout
from pairpad.events.bus import Publish
from pairpad.events.models import (
    FsChanged,
    LspDiagnostic,
    LspDiagnostics,
    LspEdit,
    LspServerStatus,
    LspStatus,
)
from pairpad.runtime.lsp.capabilities import METHODS
from pairpad.runtime.lsp.jsonrpc import ConnectionClosed, ResponseError
from pairpad.runtime.lsp.settings import LspSettings
from pairpad.runtime.lsp.supervisor import Supervisor, default_search
from pairpad.runtime.lsp.uris import UriMapper

log = structlog.get_logger("pairpad.lsp")

# {path: [TextEdit]}, label -> nothing (raises PairpadError when not applied)
EditApplier = Callable[[dict[str, list[dict[str, Any]]], str | None], Awaitable[None]]

EXTENSIONS = {".py": "python", ".pyi": "python", ".ts": "typescript", ".mts": "typescript",
              ".cts": "typescript", ".tsx": "typescriptreact", ".js": "javascript",
              ".mjs": "javascript", ".cjs": "javascript", ".jsx": "javascriptreact"}
# Formatting and fixes by the linter/formatter before the type checker (ruff's are the ones a
# user of ruff expects); otherwise the configured order.
PREFERRED_FIRST = {"textDocument/formatting": "ruff", "textDocument/rangeFormatting": "ruff"}
SERVER_TAG = "pairpadServer"  # on each merged code action: which server made it
MAX_WATCHED_EVENTS = 2000  # a checkout of thousands of files: servers rescan anyway


class NoServer(PairpadError):
    status_code = 501


# Requests whose answer spans the workspace: asked only once the server has checked the file.
WHOLE_PROGRAM = frozenset({"textDocument/references", "textDocument/rename",
                           "textDocument/implementation"})
CHECKED_WAIT_S = 15.0


@dataclass
class Document:
    language: str
    text: str
    version: int


class LspManager:
    def __init__(self, settings: LspSettings, root: Path, log_dir: Path, events: Publish,
                 apply_edit: EditApplier, search: list[Path] | None = None) -> None:
        self.settings = settings
        self.uris = UriMapper(root)
        self._events = events
        self._apply = apply_edit
        self.documents: dict[str, Document] = {}
        # The servers' own diagnostics by (path, server): a code action request gets them
        # back whole (ruff's quick fixes live in `data`, which the editor never sees).
        self._diagnostics: dict[tuple[str, str], list[dict[str, Any]]] = {}
        # (server, uri) the editor closed but a pyright server keeps open, with the disk's text:
        # basedpyright 1.40 takes a file opened again after a close for a library file, and a
        # rename from it changed that one file only (found trying a real project).
        self._held: dict[tuple[str, str], str] = {}
        delays = tuple(settings.restart_delays)
        self.servers: dict[str, Supervisor] = {
            name: Supervisor(name, server, root, log_dir, delays, settings.start_timeout,
                             self._notified, self._apply_edit_request, self._reopen,
                             self._publish_status, search or default_search())
            for name, server in settings.servers.items() if server.enabled and settings.enabled
        }

    async def start(self) -> None:
        """Nothing to do: servers start when a document of their language opens."""

    async def stop(self) -> None:
        await asyncio.gather(*(server.stop() for server in self.servers.values()))

    def status(self) -> list[LspServerStatus]:
        return [server.status() for server in self.servers.values()]

    def serving(self, language: str) -> list[Supervisor]:
        return [server for server in self.servers.values()
                if language in server.settings.languages]

    # ---- documents --------------------------------------------------------------------------

    async def open(self, path: str, language: str, text: str, version: int) -> list[str]:
        uri = self.uris.to_uri(path)
        self.documents[path] = Document(language, text, version)
        servers = self.serving(language)
        for server in servers:
            server.ensure_started()
            if server.ready.is_set() and server.client is not None:
                self._held.pop((server.name, uri), None)  # the editor has it again
                if uri in server.client.opened:
                    # Opened again (a reload, another window): the new text as a change,
                    # never a close and reopen (see `close`).
                    await self._send_change(server, uri, version, text)
                else:
                    await self._send_open(server, path, uri)
        return [server.name for server in servers]

    async def change(self, path: str, version: int, text: str) -> None:
        document = self._document(path)
        document.text, document.version = text, version
        uri = self.uris.to_uri(path)
        for server in self._ready(document.language):
            assert server.client is not None
            if uri not in server.client.opened:
                await self._send_open(server, path, uri)
                continue
            await self._send_change(server, uri, version, text)

    def _disk_text(self, path: str) -> str | None:
        try:
            return (self.uris.root / path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError, ValueError):
            return None

    async def _refresh_held(self, path: str) -> None:
        """A file the editor closed but a server holds open: it gets the disk's text (or is
        closed there when it is gone)."""
        held = [(name, uri) for (name, uri), held_path in self._held.items() if held_path == path]
        if not held:
            return
        disk = await asyncio.to_thread(self._disk_text, path)
        for name, uri in held:
            server = self.servers[name]
            if server.client is None or uri not in server.client.opened:
                self._held.pop((name, uri), None)
            elif disk is None:
                self._held.pop((name, uri), None)
                server.client.opened.pop(uri, None)
                await self._notify(server, "textDocument/didClose", {"textDocument": {"uri": uri}})
            else:
                await self._send_change(server, uri, 0, disk)

    async def _send_change(self, server: Supervisor, uri: str, version: int,
                           text: str) -> None:
        """Full text, with a version above the last one the server saw (a reopened editor
        counts from 1 again; servers drop a change older than what they have)."""
        client = server.client
        assert client is not None
        sent = max(version, client.opened.get(uri, 0) + 1)
        client.opened[uri] = sent
        await self._notify(server, "textDocument/didChange", {
            "textDocument": {"uri": uri, "version": sent}, "contentChanges": [{"text": text}]})

    async def save(self, path: str) -> None:
        document = self._document(path)
        uri = self.uris.to_uri(path)
        for server in self._ready(document.language):
            await self._notify(server, "textDocument/didSave",
                               {"textDocument": {"uri": uri}, "text": document.text})

    async def close(self, path: str) -> None:
        document = self.documents.pop(path, None)
        if document is None:
            return
        uri = self.uris.to_uri(path)
        disk = await asyncio.to_thread(self._disk_text, path)
        for server in self._ready(document.language):
            assert server.client is not None
            if uri not in server.client.opened:
                continue
            if _forgets_user_files_on_close(server) and disk is not None:
                self._held[(server.name, uri)] = path
                if disk != document.text:
                    await self._send_change(server, uri, 0, disk)
                continue
            server.client.opened.pop(uri, None)
            await self._notify(server, "textDocument/didClose", {"textDocument": {"uri": uri}})

    # ---- requests -----------------------------------------------------------------------------

    async def request(self, path: str, method: str, params: Any) -> tuple[Any, str]:
        """The result (URIs as paths) and the server's name; 501 when no server can, 503
        when the one that could is not running, 504 on timeout, 422 the server's error."""
        if method not in METHODS:
            raise Unprocessable(f"{method} is not a method the editor may call "
                                f"(one of {', '.join(sorted(METHODS))})")
        language = self._language(path)
        params = self.uris.params_to_server(copy.deepcopy(params) if params else {})
        tag = params.pop(SERVER_TAG, None) if isinstance(params, dict) else None
        if method.startswith("textDocument/"):
            params.setdefault("textDocument", {})["uri"] = self.uris.to_uri(path)
        servers = await self._capable(language, method, params, tag)
        if method == "textDocument/codeAction":
            self._restore_diagnostics(path, params)
        if method == "textDocument/codeAction" and len(servers) > 1:
            return await self._merged_code_actions(servers, params)
        server = servers[0]
        if method in WHOLE_PROGRAM:
            await self._checked(path, server)
        result = await self._ask(server, method, params)
        return self.uris.result_to_editor(result), server.name

    async def _checked(self, path: str, server: Supervisor) -> None:
        """Until the server published its first diagnostics of the file (at most
        CHECKED_WAIT_S): asked before, basedpyright searched the open files only and a
        Shift+F12 right after opening a file missed every other file's uses."""
        deadline = asyncio.get_running_loop().time() + CHECKED_WAIT_S
        while (path, server.name) not in self._diagnostics and path in self.documents:
            if asyncio.get_running_loop().time() >= deadline:
                return
            await asyncio.sleep(0.05)

    async def _capable(self, language: str, method: str, params: Any,
                       tag: Any) -> list[Supervisor]:
        servers = self.serving(language)
        if tag is not None:
            servers = [server for server in servers if server.name == tag]
        for server in servers:
            server.ensure_started()
        await asyncio.gather(*(server.wait_ready(self.settings.start_timeout)
                               for server in servers))
        capable = [server for server in servers if server.client is not None
                   and server.ready.is_set() and server.client.supports(method, params)]
        preferred = PREFERRED_FIRST.get(method)
        capable.sort(key=lambda server: server.name != preferred)
        if capable:
            return capable
        down = [server for server in servers if not server.ready.is_set()]
        if down:
            server = down[0]
            raise Unavailable(f"The language server {server.name} is {server.state}"
                              + (f": {server.detail}" if server.detail else ""))
        raise NoServer(f"No language server for {language} can {method.split('/')[-1]}")

    async def _ask(self, server: Supervisor, method: str, params: Any) -> Any:
        assert server.client is not None
        try:
            return await server.client.request(method, params, self.settings.request_timeout)
        except TimeoutError as error:
            raise UpstreamTimeout(str(error)) from None
        except ConnectionClosed as error:
            raise Unavailable(f"The language server {server.name} stopped: {error}") from None
        except ResponseError as error:
            raise Unprocessable(f"{server.name}: {error.message}") from None

    async def _merged_code_actions(self, servers: list[Supervisor],
                                   params: Any) -> tuple[Any, str]:
        """Every server's code actions (ruff's fixes and the type checker's), each tagged
        with its server so a resolve or command goes back to the one that made it."""
        answers = await asyncio.gather(*(self._ask(server, "textDocument/codeAction", params)
                                         for server in servers), return_exceptions=True)
        merged: list[Any] = []
        names: list[str] = []
        for server, answer in zip(servers, answers, strict=True):
            if isinstance(answer, BaseException):
                log.warning("code actions failed", server=server.name, error=str(answer))
                continue
            names.append(server.name)
            for action in answer or []:
                if isinstance(action, dict):
                    action[SERVER_TAG] = server.name
                merged.append(action)
        return self.uris.result_to_editor(merged), ",".join(names)

    # ---- from the servers -------------------------------------------------------------------

    async def _notified(self, server: str, method: str, params: Any) -> None:
        if method != "textDocument/publishDiagnostics" or not isinstance(params, dict):
            return
        path = self.uris.to_path(str(params.get("uri", "")))
        if path is None:
            return
        raw = [item for item in params.get("diagnostics", []) if isinstance(item, dict)]
        self._diagnostics[(path, server)] = raw
        diagnostics = [LspDiagnostic(
            range=item.get("range", {}), severity=item.get("severity"),
            message=str(item.get("message", "")), source=item.get("source") or server,
            code=item.get("code") if isinstance(item.get("code"), (str, int)) else None)
            for item in raw]
        await self._events.publish(LspDiagnostics(path=path, server=server,
                                                  diagnostics=diagnostics))

    def _restore_diagnostics(self, path: str, params: dict[str, Any]) -> None:
        context = params.get("context")
        if not isinstance(context, dict) or not isinstance(context.get("diagnostics"), list):
            return
        known = {_diagnostic_key(item): item for (where, _), items in self._diagnostics.items()
                 if where == path for item in items}
        context["diagnostics"] = [known.get(_diagnostic_key(item), item)
                                  if isinstance(item, dict) else item
                                  for item in context["diagnostics"]]

    async def _apply_edit_request(self, server: str, params: Any) -> dict[str, Any]:
        edit = params.get("edit") if isinstance(params, dict) else None
        label = params.get("label") if isinstance(params, dict) else None
        try:
            changes = self.uris.result_to_editor(edit or {}).get("changes", {})
            await self._apply(changes, label)
        except PairpadError as error:
            return {"applied": False, "failureReason": error.detail}
        await self._events.publish(LspEdit(edit={"changes": changes}, label=label))
        return {"applied": True}

    async def _reopen(self, server: Supervisor) -> None:
        """A (re)started server gets every open document of its languages."""
        for key in [k for k in self._held if k[0] == server.name]:
            del self._held[key]
        for path, document in list(self.documents.items()):
            if document.language in server.settings.languages:
                await self._send_open(server, path, self.uris.to_uri(path))

    async def on_fs_changed(self, event: FsChanged) -> None:
        """Files changed on disk (a rename applied, a save, another program): the servers
        hear of those not open in the editor (open ones are synced by lsp:change), so their
        view of the other modules stays current."""
        kinds = {"added": 1, "modified": 2, "deleted": 3}
        changes = []
        for change in event.changes[:MAX_WATCHED_EVENTS]:
            if change.path in self.documents:
                continue
            await self._refresh_held(change.path)
            with contextlib.suppress(PairpadError):
                changes.append({"uri": self.uris.to_uri(change.path),
                                "type": kinds[change.type]})
        if not changes:
            return
        for server in self.servers.values():
            if server.ready.is_set() and server.client is not None:
                await self._notify(server, "workspace/didChangeWatchedFiles",
                                   {"changes": changes})

    async def _publish_status(self) -> None:
        await self._events.publish(LspStatus(servers=self.status()))

    # ---- helpers ------------------------------------------------------------------------------

    async def _send_open(self, server: Supervisor, path: str, uri: str) -> None:
        client = server.client
        document = self.documents.get(path)
        if client is None or document is None or uri in client.opened:
            return
        client.opened[uri] = document.version
        await self._notify(server, "textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": document.language, "version": document.version,
            "text": document.text}})


    async def _notify(self, server: Supervisor, method: str, params: Any) -> None:
        if server.client is None:
            return
        with contextlib.suppress(ConnectionClosed):  # crashed: restarted, documents re-opened
            await server.client.notify(method, params)

    def _ready(self, language: str) -> list[Supervisor]:
        return [server for server in self.serving(language)
                if server.ready.is_set() and server.client is not None]

    def _document(self, path: str) -> Document:
        document = self.documents.get(path)
        if document is None:
            raise NotFound(f"{path} is not open for the language servers: send lsp:open first")
        return document

    def _language(self, path: str) -> str:
        document = self.documents.get(path)
        if document is not None:
            return document.language
        return EXTENSIONS.get(PurePosixPath(path).suffix.lower(), "plaintext")


def _diagnostic_key(item: dict[str, Any]) -> str:
    """What identifies a diagnostic the editor sends back: where, what and whose."""
    return json.dumps([item.get("range"), item.get("message"), item.get("code")],
                      sort_keys=True)


def _forgets_user_files_on_close(server: Supervisor) -> bool:
    program = Path(server.settings.command[0]).name if server.settings.command else ""
    return "pyright" in program
