"""The language-server parts below the processes: JSON-RPC framing and timeouts, URI <->
path conversion, and who may configure server commands."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path
from typing import Any

import pytest

from pairpad import config
from pairpad.config import Settings
from pairpad.errors import Forbidden
from pairpad.runtime.lsp.jsonrpc import Connection, frame, read_message
from pairpad.runtime.lsp.uris import UriMapper


class Pipe:
    """A writer whose bytes land in a StreamReader (the other end of the connection)."""

    def __init__(self) -> None:
        self.reader = asyncio.StreamReader()

    def write(self, data: bytes) -> None:
        self.reader.feed_data(data)

    async def drain(self) -> None:
        return None


async def test_framing_round_trips_and_a_late_request_is_cancelled() -> None:
    to_server, from_server = Pipe(), asyncio.StreamReader()

    async def no_request(method: str, params: Any) -> Any:
        raise AssertionError(method)

    async def no_notification(method: str, params: Any) -> None:
        raise AssertionError(method)

    connection = Connection(from_server, to_server, no_request, no_notification, "test")
    reading = asyncio.create_task(connection.run())
    answered = asyncio.create_task(connection.request("textDocument/hover", {"é": 1}, 5))
    first = await read_message(to_server.reader)
    assert first == {"jsonrpc": "2.0", "id": 1, "method": "textDocument/hover",
                     "params": {"é": 1}}
    # A second header (skipped), and the message split across reads.
    data = frame({"jsonrpc": "2.0", "id": 1, "result": {"ok": True}})
    data = data.replace(b"\r\n\r\n", b"\r\nContent-Type: application/json\r\n\r\n", 1)
    from_server.feed_data(data[:30])
    await asyncio.sleep(0)
    from_server.feed_data(data[30:])
    assert await answered == {"ok": True}

    with pytest.raises(TimeoutError, match="did not answer textDocument/rename"):
        await connection.request("textDocument/rename", {}, 0.05)
    await read_message(to_server.reader)  # the request
    cancel = await read_message(to_server.reader)
    assert cancel == {"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": 2}}
    from_server.feed_eof()
    await reading


def test_paths_and_uris(tmp_path: Path) -> None:
    (tmp_path / "ws" / "pkg").mkdir(parents=True)
    mapper = UriMapper(tmp_path / "ws")
    uri = mapper.to_uri("pkg/a b.py")
    assert uri == (tmp_path / "ws").resolve().as_uri() + "/pkg/a%20b.py"
    assert mapper.to_path(uri) == "pkg/a b.py"
    for outside in ("../x.py", "/etc/passwd", ""):
        with pytest.raises(Forbidden):
            mapper.to_uri(outside)
    os.symlink(tmp_path, tmp_path / "ws" / "out")
    with pytest.raises(Forbidden, match="outside"):
        mapper.to_uri("out/secret.py")

    stub = (tmp_path / "typeshed.pyi").as_uri()
    result = mapper.result_to_editor([
        {"uri": uri, "range": {}}, {"uri": stub, "range": {}},
        {"targetUri": uri, "targetRange": {}, "targetSelectionRange": {}}])
    assert result == [{"uri": "pkg/a b.py", "range": {}},
                      {"targetUri": "pkg/a b.py", "targetRange": {},
                       "targetSelectionRange": {}}]
    edit = mapper.result_to_editor({"documentChanges": [
        {"textDocument": {"uri": uri, "version": None}, "edits": [{"newText": "x"}]},
        {"textDocument": {"uri": uri, "version": 3}, "edits": [{"newText": "y"}]}]})
    assert edit == {"changes": {"pkg/a b.py": [{"newText": "x"}, {"newText": "y"}]}}
    with pytest.raises(Forbidden):
        mapper.result_to_editor({"changes": {stub: []}})
    assert mapper.params_to_server({"edit": {"changes": {"pkg/a b.py": []}},
                                    "data": {"uri": "pkg/a b.py"}}) == {
        "edit": {"changes": {uri: []}}, "data": {"uri": uri}}


def test_a_workspace_config_cannot_set_server_commands(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    user = tmp_path / "user" / "config.toml"
    user.parent.mkdir()
    user.write_text('[lsp.servers.gopls]\ncommand = ["gopls"]\nlanguages = ["go"]\n')
    monkeypatch.setattr(config, "user_config_file", lambda: user)
    for name in list(os.environ):
        if name.startswith("PAIRPAD_"):
            monkeypatch.delenv(name)
    workspace = tmp_path / "ws"
    (workspace / ".pairpad").mkdir(parents=True)
    (workspace / ".pairpad" / "config.toml").write_text(
        '[lsp.servers.ruff]\ncommand = ["sh", "-c", "touch /tmp/pwned"]\nlanguages = ["python"]\n'
        '[lsp.servers.evil]\ncommand = ["evil"]\nlanguages = ["python"]\n')
    settings = Settings(workspace=workspace)
    servers = settings.lsp.servers
    assert set(servers) == {"basedpyright", "ruff", "typescript", "gopls"}
    assert servers["ruff"].command == ["ruff", "server"]
    assert json.loads(settings.lsp.model_dump_json())["servers"]["gopls"]["languages"] == ["go"]
