"""Language servers end to end: a real `pairpad open`, a real Socket.IO client, and the real
basedpyright, ruff and typescript-language-server (installed by `make setup`) on the fixture
project tests/fixtures/lsp_project (a type error in pkg/app.py, an unused import in
pkg/models.py, an unformatted pkg/messy.py, a type error in web/main.ts, web/report.ts using
main.ts's `double` with an unused import, an unformatted web/messy.ts)."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.server import RunningServer, start_server
from tests.support.socket_client import RecordingClient

FIXTURE = Path(__file__).parents[1] / "fixtures" / "lsp_project"
PYTHON = ("pkg/app.py", "pkg/models.py")


class Client(RecordingClient):
    recorded = ("lsp:diagnostics", "lsp:status")
    call_timeout = 90.0

    async def open(self, root: Path, path: str, language: str = "python") -> dict[str, Any]:
        ack = await self.call("lsp:open", {"path": path, "language": language,
                                           "text": (root / path).read_text(), "version": 1})
        assert ack.get("ok") is True, ack
        return ack

    async def request(self, path: str, method: str, **params: Any) -> dict[str, Any]:
        return await self.call("lsp:request", {"path": path, "method": method,
                                               "params": params})

    async def diagnostics(self, path: str, server: str, containing: str,
                          since: int = 0, timeout: float = 90) -> dict[str, Any]:
        """The first diagnostic of `server` on `path` whose message contains `containing`."""
        async with asyncio.timeout(timeout):
            while True:
                for name, data in self.events[since:]:
                    if name == "lsp:diagnostics" and data["path"] == path \
                            and data["server"] == server:
                        for item in data["diagnostics"]:
                            if containing in item["message"]:
                                return dict(item)
                await asyncio.sleep(0.05)

    def states(self, server: str) -> list[str]:
        found: list[str] = []
        for name, data in self.events:
            if name == "lsp:status":
                state = next(s["state"] for s in data["servers"] if s["name"] == server)
                if not found or found[-1] != state:
                    found.append(state)
        return found


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    shutil.copytree(FIXTURE, root)
    return root


@pytest.fixture
def server(workspace: Path, tmp_path: Path) -> Iterator[RunningServer]:
    running = start_server(workspace, tmp_path / "data",
                           env={"PAIRPAD_INDEX__ENABLED": "false"})
    yield running
    running.stop()


@pytest.fixture
async def client(server: RunningServer) -> AsyncIterator[Client]:
    connected = await Client().connect(server)
    yield connected
    await connected.close()


async def apply_edit(server: RunningServer, edit: dict[str, Any]) -> httpx.Response:
    async with httpx.AsyncClient(base_url=server.base_url, headers=server.auth_headers,
                                 timeout=30) as http:
        return await http.post("/api/lsp/apply-edit", json={"edit": edit})


async def test_python_diagnostics_hover_and_definition_across_files(
        client: Client, workspace: Path) -> None:
    for path in PYTHON:
        ack = await client.open(workspace, path)
        assert ack["servers"] == ["basedpyright", "ruff"]
    error = await client.diagnostics("pkg/app.py", "basedpyright", 'is not assignable')
    assert error["severity"] == 1
    assert error["range"]["start"] == {"line": 4, "character": 17}
    unused = await client.diagnostics("pkg/models.py", "ruff", "`os` imported but unused")
    assert unused["code"] == "F401"

    hover = await client.request("pkg/app.py", "textDocument/hover",
                                 position={"line": 4, "character": 19})
    assert hover["server"] == "basedpyright"
    assert "def greet(name: str) -> str" in hover["result"]["contents"]["value"]

    definition = await client.request("pkg/app.py", "textDocument/definition",
                                      position={"line": 4, "character": 19})
    [location] = definition["result"]
    assert location.get("uri", location.get("targetUri")) == "pkg/models.py"
    target = location.get("range", location.get("targetSelectionRange"))
    assert target["start"]["line"] == 3


async def test_rename_changes_every_reference_across_files(
        client: Client, server: RunningServer, workspace: Path) -> None:
    for path in PYTHON:
        await client.open(workspace, path)
    answer = await client.request("pkg/app.py", "textDocument/rename",
                                  position={"line": 4, "character": 19}, newName="welcome")
    edit = answer["result"]
    assert set(edit["changes"]) == {"pkg/app.py", "pkg/models.py"}, edit
    response = await apply_edit(server, edit)
    assert response.status_code == 200, response.text
    assert {file["path"] for file in response.json()["files"]} == set(PYTHON)
    app, models = ((workspace / path).read_text() for path in PYTHON)
    assert "greet" not in app + models
    assert "from pkg.models import welcome" in app
    assert 'count: int = welcome("world")' in app
    assert "def welcome(name: str)" in models and "return welcome(name).upper()" in models


async def test_rename_still_reaches_other_files_after_a_reload_and_after_close_and_reopen(
        client: Client, workspace: Path) -> None:
    """Found trying a real project: after its file was closed and opened again (a reload
    re-opens every tab), basedpyright renamed in that one file only."""
    for path in PYTHON:
        await client.open(workspace, path)
    await client.open(workspace, "pkg/models.py")  # a reload: opened again while open
    rename = {"position": {"line": 3, "character": 5}, "newName": "welcome"}
    answer = await client.request("pkg/models.py", "textDocument/rename", **rename)
    assert set(answer["result"]["changes"]) == {"pkg/app.py", "pkg/models.py"}, answer
    assert (await client.call("lsp:close", {"path": "pkg/models.py"})).get("ok") is True
    await client.open(workspace, "pkg/models.py")  # the tab closed, then opened again
    answer = await client.request("pkg/models.py", "textDocument/rename", **rename)
    assert set(answer["result"]["changes"]) == {"pkg/app.py", "pkg/models.py"}, answer


async def test_formatting_through_ruff_changes_the_file(
        client: Client, server: RunningServer, workspace: Path) -> None:
    await client.open(workspace, "pkg/messy.py")
    answer = await client.request("pkg/messy.py", "textDocument/formatting",
                                  options={"tabSize": 4, "insertSpaces": True})
    assert answer["server"] == "ruff"
    response = await apply_edit(server, {"changes": {"pkg/messy.py": answer["result"]}})
    assert response.status_code == 200, response.text
    assert (workspace / "pkg/messy.py").read_text() == (
        'def messy(a, b):\n    return {"a": a, "b": b}\n')


async def test_a_code_action_of_ruff_removes_the_unused_import(
        client: Client, server: RunningServer, workspace: Path) -> None:
    await client.open(workspace, "pkg/models.py")
    unused = await client.diagnostics("pkg/models.py", "ruff", "`os` imported but unused")
    # As the editor sends it back (from its marker): no `data`, its own key order.
    where = {"start": unused["range"]["start"], "end": unused["range"]["end"]}
    marker = {"range": where, "message": unused["message"], "severity": 2,
              "code": unused["code"], "source": unused["source"]}
    answer = await client.request("pkg/models.py", "textDocument/codeAction", range=where,
                                  context={"diagnostics": [marker], "only": ["quickfix"]})
    assert "ruff" in answer["server"].split(",")
    titles = [action["title"] for action in answer["result"]]
    fixes = [action for action in answer["result"]
             if action.get("pairpadServer") == "ruff" and "Remove unused import" in
             action["title"]]
    assert fixes, answer
    fix = fixes[0]
    assert fix["kind"] == "quickfix", titles
    response = await apply_edit(server, fix["edit"])
    assert response.status_code == 200, response.text
    text = (workspace / "pkg/models.py").read_text()
    assert "import os" not in text and "def greet" in text


async def test_typescript_diagnostics_and_hover(client: Client, workspace: Path) -> None:
    ack = await client.open(workspace, "web/main.ts", "typescript")
    assert ack["servers"] == ["typescript"]
    error = await client.diagnostics("web/main.ts", "typescript",
                                     "Type 'string' is not assignable to type 'number'")
    assert error["range"]["start"]["line"] == 4
    hover = await client.request("web/main.ts", "textDocument/hover",
                                 position={"line": 0, "character": 18})
    assert "function double(value: number): number" in hover["result"]["contents"]["value"]



TYPESCRIPT = ("web/main.ts", "web/report.ts")
UNUSED_TS = "'result' is declared but its value is never read"


async def test_typescript_definition_and_rename_across_files(
        client: Client, server: RunningServer, workspace: Path) -> None:
    for path in TYPESCRIPT:
        await client.open(workspace, path, "typescript")
    # `double` in `return double(double(value))` of report.ts -> its declaration in main.ts
    definition = await client.request("web/report.ts", "textDocument/definition",
                                      position={"line": 3, "character": 10})
    assert definition["server"] == "typescript"
    [location] = definition["result"]
    assert location.get("uri", location.get("targetUri")) == "web/main.ts", location
    target = location.get("range", location.get("targetSelectionRange"))
    assert target["start"] == {"line": 0, "character": 16}

    answer = await client.request("web/main.ts", "textDocument/rename",
                                  position={"line": 0, "character": 18}, newName="twice")
    edit = answer["result"]
    assert set(edit["changes"]) == set(TYPESCRIPT), edit
    response = await apply_edit(server, edit)
    assert response.status_code == 200, response.text
    main, report = ((workspace / path).read_text() for path in TYPESCRIPT)
    assert "double" not in main + report
    assert "export function twice(value: number)" in main
    assert "export const result = twice(count);" in main
    assert 'import { twice, result } from "./main";' in report
    assert "return twice(twice(value));" in report


async def test_typescript_format_document_changes_the_file(
        client: Client, server: RunningServer, workspace: Path) -> None:
    await client.open(workspace, "web/messy.ts", "typescript")
    answer = await client.request("web/messy.ts", "textDocument/formatting",
                                  options={"tabSize": 2, "insertSpaces": True})
    assert answer["server"] == "typescript"
    response = await apply_edit(server, {"changes": {"web/messy.ts": answer["result"]}})
    assert response.status_code == 200, response.text
    assert (workspace / "web/messy.ts").read_text() == (
        "export function add(a: number, b: number): number {\n  return a + b\n}\n")


async def test_a_typescript_quick_fix_removes_the_unused_import(
        client: Client, server: RunningServer, workspace: Path) -> None:
    await client.open(workspace, "web/report.ts", "typescript")
    unused = await client.diagnostics("web/report.ts", "typescript", UNUSED_TS)
    # As the editor sends it back from its marker.
    where = {"start": unused["range"]["start"], "end": unused["range"]["end"]}
    marker = {"range": where, "message": unused["message"], "severity": unused["severity"],
              "code": unused["code"], "source": unused["source"]}
    answer = await client.request("web/report.ts", "textDocument/codeAction", range=where,
                                  context={"diagnostics": [marker], "only": ["quickfix"]})
    assert answer["server"] == "typescript"
    fixes = [action for action in answer["result"]
             if "Remove unused declaration" in action["title"]]
    assert fixes, [action["title"] for action in answer["result"]]
    fix = fixes[0]
    response = await apply_edit(server, fix["edit"])
    assert response.status_code == 200, response.text
    # The editor then runs the action's command (typescript's follow-up, nothing to do here).
    if "command" in fix:
        ran = await client.request("web/report.ts", "workspace/executeCommand",
                                   **fix["command"])
        assert "error" not in ran, ran
    text = (workspace / "web/report.ts").read_text()
    assert text.startswith('import { double } from "./main";\n'), text
    assert "return double(double(value));" in text


async def test_a_typescript_source_action_removes_unused_imports(
        client: Client, server: RunningServer, workspace: Path) -> None:
    """What Monaco's "Source Action..." asks for. (typescript-language-server's "Organize
    Imports" only sorts and combines: it offers nothing for an unused import.)"""
    await client.open(workspace, "web/report.ts", "typescript")
    # Its source actions are computed from the file's diagnostics: empty until they exist.
    await client.diagnostics("web/report.ts", "typescript", UNUSED_TS)
    start = {"line": 0, "character": 0}
    answer = await client.request("web/report.ts", "textDocument/codeAction",
                                  range={"start": start, "end": start},
                                  context={"diagnostics": [], "only": ["source"]})
    assert answer["server"] == "typescript"
    actions = {action["title"]: action for action in answer["result"]}
    remove = actions.get("Remove Unused Imports")
    assert remove is not None, list(actions)
    assert remove["kind"] == "source.removeUnusedImports.ts"
    response = await apply_edit(server, remove["edit"])
    assert response.status_code == 200, response.text
    text = (workspace / "web/report.ts").read_text()
    assert text.startswith('import { double } from "./main";\n'), text


def _child_pid(parent: int, word: str) -> int:
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == parent and any(word.encode() in part for part in cmdline[:2]):
            return int(entry)
    raise AssertionError(f"no child process of {parent} runs {word}")


async def test_a_killed_server_is_restarted_and_gets_its_documents_again(
        client: Client, server: RunningServer, workspace: Path) -> None:
    await client.open(workspace, "pkg/models.py")
    await client.diagnostics("pkg/models.py", "ruff", "`os` imported but unused")
    ruff = _child_pid(server.process.pid, "ruff")
    before = len(client.events)
    os.kill(ruff, signal.SIGKILL)
    # Re-opened after the restart: ruff publishes the file's diagnostics again.
    await client.diagnostics("pkg/models.py", "ruff", "`os` imported but unused", since=before)
    states = client.states("ruff")
    assert states[-3:] == ["crashed", "starting", "ready"], states
    crashed = next(s for name, data in client.events[before:] if name == "lsp:status"
                   for s in data["servers"] if s["name"] == "ruff" and s["state"] == "crashed")
    assert "SIGKILL" in crashed["detail"]
    assert _child_pid(server.process.pid, "ruff") != ruff
    async with httpx.AsyncClient(base_url=server.base_url, headers=server.auth_headers) as http:
        status = (await http.get("/api/lsp/status")).json()
    assert {"name": "ruff", "languages": ["python"], "state": "ready", "detail": None} \
        in status["servers"]
    # And it answers again.
    answer = await client.request("pkg/models.py", "textDocument/formatting",
                                  options={"tabSize": 4, "insertSpaces": True})
    assert answer["server"] == "ruff"


async def test_no_server_for_the_language_is_a_readable_501(
        client: Client, workspace: Path) -> None:
    (workspace / "notes.md").write_text("# Notes\n")
    ack = await client.open(workspace, "notes.md", "markdown")
    assert ack["servers"] == []
    answer = await client.request("notes.md", "textDocument/hover",
                                  position={"line": 0, "character": 2})
    assert answer == {"error": "No language server for markdown can hover", "status": 501}
    outside = await client.request("../elsewhere.py", "textDocument/hover",
                                   position={"line": 0, "character": 0})
    assert outside["status"] == 403, outside


async def test_apply_edit_refuses_a_stale_version_and_writes_nothing(
        server: RunningServer, workspace: Path) -> None:
    before = {path: (workspace / path).read_text() for path in PYTHON}
    edit = {"changes": {path: [{"range": {"start": {"line": 0, "character": 0},
                                          "end": {"line": 0, "character": 0}},
                                "newText": "# edited\n"}] for path in PYTHON}}
    async with httpx.AsyncClient(base_url=server.base_url, headers=server.auth_headers) as http:
        stale = await http.post("/api/lsp/apply-edit", json={
            "edit": edit, "versions": {"pkg/models.py": '"0-stale"'}})
        outside = await http.post("/api/lsp/apply-edit", json={"edit": {"changes": {
            "../x.py": edit["changes"]["pkg/app.py"]}}})
    assert stale.status_code == 409, stale.text
    assert outside.status_code == 403, outside.text
    assert {path: (workspace / path).read_text() for path in PYTHON} == before


@pytest.mark.parametrize("closed_in_editor", [False, True])
async def test_a_change_on_disk_to_a_module_not_open_reaches_the_type_checker(
        client: Client, server: RunningServer, workspace: Path, closed_in_editor: bool) -> None:
    await client.open(workspace, "pkg/app.py")
    if closed_in_editor:  # basedpyright keeps it open with the disk's text: it must follow
        await client.open(workspace, "pkg/models.py")
        assert (await client.call("lsp:close", {"path": "pkg/models.py"})).get("ok") is True
    await client.diagnostics("pkg/app.py", "basedpyright", "is not assignable")
    before = len(client.events)
    async with httpx.AsyncClient(base_url=server.base_url, headers=server.auth_headers) as http:
        current = (await http.get("/api/files/content",
                                  params={"path": "pkg/models.py"})).json()
        saved = await http.put("/api/files/content", params={"path": "pkg/models.py"}, json={
            "content": current["content"].replace("greet", "hello"), "etag": current["etag"]})
        assert saved.status_code == 200, saved.text
    # app.py (open, unchanged) is checked again against the new models.py.
    await client.diagnostics("pkg/app.py", "basedpyright", '"greet" is unknown import symbol',
                             since=before)


async def test_opening_a_file_again_gives_the_server_the_new_text(
        client: Client, workspace: Path) -> None:
    """A reload (or a second window) opens the file again from version 1: the server must
    check that text, not keep the first one."""
    await client.open(workspace, "pkg/app.py")
    await client.diagnostics("pkg/app.py", "basedpyright", "is not assignable")
    before = len(client.events)
    fixed = (workspace / "pkg/app.py").read_text().replace("count: int", "count: str") \
        .replace("-> int", "-> str")
    ack = await client.call("lsp:open", {"path": "pkg/app.py", "language": "python",
                                         "text": fixed, "version": 1})
    assert ack["ok"] is True
    async with asyncio.timeout(60):
        while True:
            latest = [data for name, data in client.events[before:]
                      if name == "lsp:diagnostics" and data["path"] == "pkg/app.py"
                      and data["server"] == "basedpyright"]
            if latest and not any("assignable" in item["message"]
                                  for item in latest[-1]["diagnostics"]):
                break
            await asyncio.sleep(0.05)
