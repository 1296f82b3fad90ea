"""`pairpad chat` without a server builds its services through the server's own composition
root (issue 10 #8): the same context sources — `@codebase` included — and secret rules."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from pairpad.cli_chat import run_chat
from tests.support.openai_server import scripted_openai


def test_in_process_chat_gets_codebase_snippets_and_refuses_secrets(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    workspace = tmp_path / "ws"
    (workspace / "pkg").mkdir(parents=True)
    (workspace / "pkg" / "widgets.py").write_text(
        "def frobnicate_widget(widget):\n    \"\"\"Turns the widget inside out.\"\"\"\n"
        "    return widget[::-1]\n")
    (workspace / ".env").write_text("API_TOKEN=never-send-this-0xC0FFEE\n")
    with scripted_openai(models=["m"], reply="It reverses the widget.") as server:
        monkeypatch.chdir(workspace)
        for key in [k for k in os.environ if k.startswith("PAIRPAD_")]:
            monkeypatch.delenv(key)
        monkeypatch.setenv("PAIRPAD_DATA_DIR", str(tmp_path / "data"))
        monkeypatch.setenv("PAIRPAD_AI__PROVIDERS__SCRIPTED__KIND", "openai_compat")
        monkeypatch.setenv("PAIRPAD_AI__PROVIDERS__SCRIPTED__BASE_URL", server.base_url)
        monkeypatch.setenv("PAIRPAD_AI__ROLES__CHAT", "scripted:m")
        monkeypatch.setenv("PAIRPAD_AI__LOCAL__PRELOAD", "false")
        out, err = io.StringIO(), io.StringIO()
        code = run_chat("@codebase where is frobnicate_widget defined? also @.env", None, None,
                        32, False, out, err)
    assert code == 0, err.getvalue()
    assert "It reverses the widget." in out.getvalue()
    (request,) = [s for s in server.seen if s.path.endswith("/chat/completions")]
    prompt = "\n".join(str(m["content"]) for m in request.body["messages"])
    assert "def frobnicate_widget" in prompt and "pkg/widgets.py" in prompt
    assert "never-send-this" not in prompt
