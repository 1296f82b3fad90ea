"""`@codebase` for chat: retrieved snippets (and a repo map) as context items, each saying why
it was chosen and what it costs, so the chat's context inspector can show and drop it.

Plugged in by `services.ai.chat.sources.append(CodebaseContextSource(services.context))`."""

from __future__ import annotations

import re

from pairpad.ai.chat_models import ChatSendRequest
from pairpad.ai.sources.base import ContextItem
from pairpad.ai.sources.mentions import mentions_reserved
from pairpad.codebase.repomap import estimate_tokens
from pairpad.codebase.retrieval import Snippet
from pairpad.codebase.service import ContextService

EXPLICIT_K = 8
AUTOMATIC_K = 4
REPO_MAP_TOKENS = 1024
# Below the user's own selection/files/mentions (100…40), above history (30).
SNIPPET_PRIORITY = 50
AUTOMATIC_PRIORITY = 35
REPO_MAP_PRIORITY = 32
_QUESTION = re.compile(
    r"^\s*(how|where|what|which|why|who|when|explain|find|show|list|is there|are there|does"
    r"|do we|can you (find|show|explain))\b|\?\s*$", re.IGNORECASE)
_CODE_WORD = re.compile(r"[A-Za-z]+_[A-Za-z_]+|[a-z]+[A-Z][A-Za-z]*|\w+\.\w{1,4}\b|`[^`]+`")


def is_project_question(text: str) -> bool:
    """A question about the code (not small talk): question form, or names from code."""
    return bool(_QUESTION.search(text) or _CODE_WORD.search(text))


class CodebaseContextSource:
    name = "codebase"

    def __init__(self, context: ContextService) -> None:
        self._context = context

    async def gather(self, query: str, request: ChatSendRequest) -> list[ContextItem]:
        if not self._context.settings.enabled:
            return []
        explicit = mentions_reserved(query, "codebase")
        if not explicit and not is_project_question(query):
            return []
        text = query.replace("@codebase", " ").strip()
        if not text:
            return []
        snippets = await self._context.search(text, EXPLICIT_K if explicit else AUTOMATIC_K)
        # Secret files are never indexed; a stale index (a pattern added since) may hold one.
        snippets = [s for s in snippets if not self._context.policy.is_secret(s.path)]
        if not explicit:  # automatic: only what a name or several signals point at
            snippets = [s for s in snippets if len(s.signals) > 1
                        or any(sig.name == "symbol" for sig in s.signals)]
        priority = SNIPPET_PRIORITY if explicit else AUTOMATIC_PRIORITY
        items = [_item(s, priority - rank) for rank, s in enumerate(snippets)]
        if explicit:
            focus = [f for f in [*(request.mentions or []),
                                 request.active_file.path if request.active_file else None] if f]
            repo_map = await self._context.repo_map(focus, [], REPO_MAP_TOKENS)
            if repo_map:
                items.append(ContextItem(
                    "codebase:repomap", "repomap", repo_map, REPO_MAP_PRIORITY,
                    title="Repository map (signatures ranked by PageRank)",
                    tokens=estimate_tokens(repo_map),
                    meta={"why": "overview of the most referenced definitions"}))
        return items


def why(snippet: Snippet) -> str:
    parts = []
    for signal in snippet.signals:
        if signal.name == "bm25":
            parts.append(f"text match #{signal.rank}")
        elif signal.name == "symbol":
            parts.append(signal.detail)
        else:
            parts.append(signal.detail)
    return ", ".join(parts)


def _item(snippet: Snippet, priority: int) -> ContextItem:
    location = f"{snippet.path}:{snippet.start_line}-{snippet.end_line}"
    reason = why(snippet)
    return ContextItem(
        id=f"codebase:{location}",
        kind="codebase",
        content=snippet.text,
        priority=priority,
        path=snippet.path,
        title=f"{location} — {reason}",
        tokens=snippet.tokens,
        meta={"why": reason, "score": snippet.score, "start_line": snippet.start_line,
              "end_line": snippet.end_line, "estimated_tokens": snippet.tokens,
              "signals": [{"name": s.name, "rank": s.rank, "detail": s.detail}
                          for s in snippet.signals]},
    )
