"""Secret files never reach a model (issue 10 #5): not by `@.env`, not inside `@config/`, not as
the active file or a selection, not through `@codebase`, not as a search result or quick-open
entry attached to chat — unless the user attaches that one file and confirms (`allow_secrets`).

The chat model is a scripted OpenAI-compatible server that records every request, so each
test checks what the model actually received.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from pairpad.ai.chat import ChatService
from pairpad.ai.chat_models import ChatSendRequest
from pairpad.app import PairpadApp, create_app
from pairpad.config import Settings
from tests.api.test_index import wait_ready
from tests.conftest import TEST_HOST, TEST_TOKEN
from tests.support.openai_server import ScriptedOpenAI, scripted_openai

ROOT_KEY = "sk_live_ZEBRACORN_ROOT"
CONFIG_KEY = "ZEBRACORN_CONFIG_PASSWORD"
VAULT_KEY = "zebracorn_vault_token"
BUFFER_KEY = "ZEBRACORN_UNSAVED_BUFFER"


@pytest.fixture
def model() -> Iterator[ScriptedOpenAI]:
    with scripted_openai() as server:
        yield server


@pytest.fixture
def secret_settings(workspace: Path, data_dir: Path, model: ScriptedOpenAI) -> Settings:
    (workspace / ".env").write_text(f"STRIPE_KEY={ROOT_KEY}\n")
    (workspace / ".env.example").write_text("STRIPE_KEY=put-yours-here\n")
    (workspace / "config").mkdir()
    (workspace / "config" / ".env").write_text(f"DB_PASSWORD={CONFIG_KEY}\n")
    (workspace / "config" / "app.toml").write_text("name = 'shop'  # the app's settings\n")
    (workspace / "vault").mkdir()  # a secret by the user's own pattern
    (workspace / "vault" / "tokens.py").write_text(
        f"def vault_token():\n    return '{VAULT_KEY}'\n")
    (workspace / "payments.py").write_text("def vault_token_refresh():\n    return None\n")
    (workspace / ".aws").mkdir()
    (workspace / ".aws" / "config").write_text("[default]\nregion = eu-west-1\n")
    (workspace / "notes.txt").symlink_to(workspace / ".env")  # a secret under another name
    return Settings(
        workspace=workspace, data_dir=data_dir, token=TEST_TOKEN, open_browser=False,
        secret_patterns=["vault/"],
        ai={"providers": {"scripted": {"kind": "openai_compat", "base_url": model.base_url,
                                       "context_window": 16384}},
            "roles": {"chat": "scripted:scripted-small"}},
    )


@pytest.fixture
async def app(secret_settings: Settings) -> AsyncIterator[PairpadApp]:
    app = create_app(secret_settings)  # chat events go to rooms nobody joined here
    async with app.fastapi.router.lifespan_context(app.fastapi):
        yield app


@pytest.fixture
async def http(app: PairpadApp) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url=f"http://{TEST_HOST}",
                                 headers={"Authorization": f"Bearer {TEST_TOKEN}"}) as client:
        yield client


async def send(app: PairpadApp, **request: Any) -> dict[str, dict[str, Any]]:
    """Send one chat turn, wait for the answer; the context report by item id."""
    chat: ChatService = app.services.ai.chat
    ack = await chat.send(ChatSendRequest(**request))
    await chat.wait_for(ack["conversation_id"])
    return {item["id"]: item for item in ack["context"]}


def sent_to_model(model: ScriptedOpenAI) -> str:
    bodies = [seen.body for seen in model.seen if seen.path.endswith("/chat/completions")]
    assert bodies, "the model received no chat request"
    return json.dumps([body["messages"] for body in bodies])


def assert_refused_as_secret(item: dict[str, Any]) -> None:
    assert item["included"] is False
    assert "secret file" in item["reason"] and "Attach anyway" in item["reason"]
    assert item["meta"]["secret"] is True


async def test_an_env_mention_is_refused_with_a_reason_and_never_sent(
    app: PairpadApp, model: ScriptedOpenAI,
) -> None:
    items = await send(app, text="What keys are in @.env? Compare with @.env.example")
    assert_refused_as_secret(items["file:.env"])
    assert items["file:.env.example"]["included"]  # a template is not a secret
    sent = sent_to_model(model)
    assert ROOT_KEY not in sent
    assert "put-yours-here" in sent


async def test_another_spelling_or_a_symlink_of_a_secret_is_refused(
    app: PairpadApp, model: ScriptedOpenAI,
) -> None:
    items = await send(app, text="Look at @notes.txt", mentions=["./.env", ".ENV"])
    assert_refused_as_secret(items["file:notes.txt"])
    assert_refused_as_secret(items["file:./.env"])
    assert_refused_as_secret(items["file:.ENV"])
    assert ROOT_KEY not in sent_to_model(model)


async def test_a_folder_mention_names_a_secret_but_never_sends_its_content(
    app: PairpadApp, model: ScriptedOpenAI,
) -> None:
    items = await send(app, text="Explain @config/")
    assert items["folder:config"]["included"]
    assert items["file:config/app.toml"]["included"]
    assert_refused_as_secret(items["file:config/.env"])
    sent = sent_to_model(model)
    assert "config/.env" in sent  # the listing names it
    assert "the app's settings" in sent
    assert CONFIG_KEY not in sent


async def test_an_active_secret_file_and_a_selection_in_it_are_not_attached(
    app: PairpadApp, model: ScriptedOpenAI,
) -> None:
    items = await send(app, text="Why does this fail?",
                       active_file={"path": ".env", "content": f"KEY={BUFFER_KEY}\n"},
                       selection={"path": ".env", "text": f"KEY={BUFFER_KEY}", "start_line": 1,
                                  "end_line": 1})
    assert_refused_as_secret(items["file:.env"])
    assert_refused_as_secret(items["selection:.env"])
    sent = sent_to_model(model)
    assert BUFFER_KEY not in sent and ROOT_KEY not in sent


async def test_codebase_retrieval_never_returns_a_secret_file(
    app: PairpadApp, http: httpx.AsyncClient, model: ScriptedOpenAI,
) -> None:
    status = await wait_ready(http)
    skipped = {problem["path"]: problem["reason"] for problem in status["skipped"]}
    # The user's pattern makes vault/ a secret for the indexer too: never indexed.
    assert skipped["vault/tokens.py"] == "secret" and skipped[".env"] == "secret"
    items = await send(app, text="@codebase where is vault_token defined?")
    paths = {item["path"] for item in items.values() if item["kind"] == "codebase"}
    assert "payments.py" in paths  # retrieval works: the non-secret match is found
    assert not any(path.startswith("vault/") for path in paths)
    assert VAULT_KEY not in sent_to_model(model)


async def test_a_search_result_and_a_quick_open_entry_of_a_secret_never_reach_the_model(
    app: PairpadApp, http: httpx.AsyncClient, model: ScriptedOpenAI,
) -> None:
    # The user still finds their own secret files…
    found = (await http.get("/api/search", params={"q": "ZEBRACORN"})).json()["results"]
    match = next(result for result in found if result["path"] == ".env")
    quick_open = (await http.get("/api/search/files", params={"q": "config env"})).json()
    entry = next(result for result in quick_open["results"] if result["path"] == "config/.env")
    # …and attaching them to chat (as the UI's mention and selection do) sends nothing of them.
    items = await send(app, text="Check these", mentions=[match["path"], entry["path"]],
                       selection={"path": match["path"], "text": match["text"],
                                  "start_line": match["line"], "end_line": match["line"]})
    assert_refused_as_secret(items["file:.env"])
    assert_refused_as_secret(items["file:config/.env"])
    assert_refused_as_secret(items["selection:.env"])
    sent = sent_to_model(model)
    assert ROOT_KEY not in sent and CONFIG_KEY not in sent


async def test_the_tree_flags_secret_files_and_folders(http: httpx.AsyncClient) -> None:
    root = {e["name"]: e for e in (await http.get("/api/files/tree")).json()["entries"]}
    assert root[".env"]["secret"] and root[".aws"]["secret"] and root["vault"]["secret"]
    assert not root[".env.example"]["secret"] and not root["payments.py"]["secret"]
    assert not root[".env"]["ignored"]
    config = (await http.get("/api/files/tree", params={"path": "config"})).json()["entries"]
    flags = {e["name"]: e["secret"] for e in config}
    assert flags == {".env": True, "app.toml": False}
    # A secret stays the user's own file: it opens in the editor.
    opened = await http.get("/api/files/content", params={"path": ".env"})
    assert opened.status_code == 200 and ROOT_KEY in opened.json()["content"]


async def test_a_confirmed_explicit_attach_sends_that_one_file_only(
    app: PairpadApp, http: httpx.AsyncClient, model: ScriptedOpenAI,
) -> None:
    body = {"text": "Check @.env and @config/", "allow_secrets": [".env"]}
    preview = (await http.post("/api/chat/context", json=body)).json()["context"]
    items = {item["id"]: item for item in preview}
    assert items["file:.env"]["included"] and items["file:.env"]["meta"]["secret"] is True
    assert_refused_as_secret(items["file:config/.env"])  # not listed: still refused
    await send(app, **body)
    sent = sent_to_model(model)
    assert ROOT_KEY in sent
    assert CONFIG_KEY not in sent
