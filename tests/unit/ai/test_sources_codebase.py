"""The @codebase chat context source: snippets with their why and token cost."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pairpad.ai.chat_models import ChatSendRequest
from pairpad.ai.sources.codebase import CodebaseContextSource, is_project_question
from pairpad.codebase.index_settings import IndexSettings
from pairpad.codebase.service import ContextService

FIXTURE_REPO = Path(__file__).parents[2] / "fixtures" / "context_repo"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    target = tmp_path / "repo"
    shutil.copytree(FIXTURE_REPO, target)
    return target


async def test_codebase_mention_gathers_snippets_and_a_repo_map(repo: Path,
                                                                 tmp_path: Path) -> None:
    context = ContextService(repo, tmp_path / "data", IndexSettings())
    context.indexer.build()
    try:
        source = CodebaseContextSource(context)
        query = "@codebase how do keys expire after their time to live?"
        items = await source.gather(query, ChatSendRequest(text=query))
        snippets = [i for i in items if i.kind == "codebase"]
        assert snippets[0].path == "kvstore/expiry.py"
        assert snippets[0].id.startswith("codebase:kvstore/expiry.py:")
        assert snippets[0].tokens == snippets[0].meta["estimated_tokens"] > 0
        assert "text match #1" in snippets[0].meta["why"] and "—" in (snippets[0].title or "")
        assert [i.priority for i in snippets] == sorted((i.priority for i in snippets),
                                                        reverse=True)
        assert any(i.kind == "repomap" for i in items)
        # The inspector's report says why and where, without the snippet's text.
        report = snippets[0].report()
        meta = report["meta"]
        assert meta["why"] == snippets[0].meta["why"] and "text match #1" in meta["why"]
        assert 1 <= meta["start_line"] <= meta["end_line"]
        assert report["id"] == f"codebase:kvstore/expiry.py:{meta['start_line']}-{meta['end_line']}"
        assert {s["name"] for s in meta["signals"]} >= {"bm25"} and meta["score"] > 0
        assert snippets[0].content not in str(report)

        assert await source.gather("thanks, looks good", ChatSendRequest(text="x")) == []
        auto = await source.gather("where is evict_expired called",
                                   ChatSendRequest(text="x"))
        assert auto and auto[0].path in {"kvstore/expiry.py", "kvstore/store.py"}
        assert all(i.kind == "codebase" for i in auto)
    finally:
        await context.stop()


def test_project_question_heuristic() -> None:
    assert is_project_question("How is the snapshot written?")
    assert is_project_question("fix parse_key please")
    assert not is_project_question("thanks, that works")


async def test_secret_files_never_reach_retrieval(repo: Path, tmp_path: Path) -> None:
    (repo / ".env").write_text("ZEBRACORN_API_KEY=sk_live_zebracorn_value\n")
    (repo / "deploy").mkdir()
    (repo / "deploy" / "zebracorn.pem").write_text("zebracorn private key material\n")
    (repo / "notes.md").write_text("The zebracorn service is configured elsewhere.\n")
    context = ContextService(repo, tmp_path / "data", IndexSettings())
    context.indexer.build()
    try:
        status = await context.status()
        skipped = {p.path: p.reason for p in status.skipped}
        assert skipped[".env"] == skipped["deploy/zebracorn.pem"] == "secret"
        query = "@codebase where is the ZEBRACORN_API_KEY zebracorn key set?"
        items = await CodebaseContextSource(context).gather(query, ChatSendRequest(text=query))
        paths = {i.path for i in items if i.kind == "codebase"}
        assert "notes.md" in paths  # retrieval works; it just never sees the secrets
        assert not paths & {".env", "deploy/zebracorn.pem"}
        assert all("sk_live" not in i.content for i in items)
        automatic = await CodebaseContextSource(context).gather(
            "where is ZEBRACORN_API_KEY defined?", ChatSendRequest(text="x"))
        assert all(i.path != ".env" for i in automatic)
    finally:
        await context.stop()
