"""Fit context into the model's window and render the prompt.

Token counts come from the provider: exact with the model's tokenizer for `local` (llama.cpp's
`/extras/tokenize/count`), a chars/4 estimate for remote providers (their tokenizers are not
available offline). The user's message is never truncated: when it alone does not fit, the turn
is refused with a message saying so. Context is dropped/truncated least relevant first.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from pairpad.ai.providers.base import ChatMessage, MessageRole
from pairpad.ai.sources.base import ContextItem
from pairpad.errors import TooLarge

Counter = Callable[[str], Awaitable[int]]

SYSTEM_PROMPT = (
    "You are Pairpad, an AI pair programmer inside the user's code editor. Answer the "
    "question directly and concisely. Put code in fenced code blocks with a language tag. "
    "Use the provided context (files, selection, errors) when it is relevant."
)
TEMPLATE_OVERHEAD = 8  # chat-template tokens per message (role markers)
MIN_PARTIAL = 48  # below this, a truncated piece is not worth including
# Cheap bounds before exact tokenisation (which, for `local`, is an HTTP round trip per text):
# a truncatable item longer than 2 chars/token of the room left is cut from a budget-sized
# piece without counting it whole; anything else longer than 8 chars/token (more than any
# tokenizer averages) cannot fit and is dropped uncounted.
CUT_CHARS_PER_TOKEN = 2
MAX_CHARS_PER_TOKEN = 8
TRUNCATED_MARK = "\n… (truncated)"


@dataclass
class BudgetReport:
    window: int
    reserved_output: int
    prompt_tokens: int
    context_tokens: int

    def as_dict(self) -> dict[str, Any]:
        return {"window": self.window, "reserved_output": self.reserved_output,
                "prompt_tokens": self.prompt_tokens, "context_tokens": self.context_tokens}


def render_item(item: ContextItem) -> str:
    if item.kind == "history":
        return item.content
    label = item.title or item.kind
    head = f"{label}: {item.path}" if item.path else label
    lang = item.language or ""
    if item.kind in ("file", "selection"):
        return f"{head}\n```{lang}\n{item.content}\n```"
    return f"{head}\n{item.content}"


async def fit_items(
    items: list[ContextItem], *, window: int, max_output: int, system: str, text: str,
    count: Counter, model: str,
) -> BudgetReport:
    """Mark each item included/truncated/excluded (mutating it) and report the totals."""
    fixed = await count(system) + await count(text) + 3 * TEMPLATE_OVERHEAD
    if fixed + max_output > window:
        raise TooLarge(
            f"Your message is too long for {model}: it needs {fixed} tokens plus {max_output} "
            f"for the answer, and the context window is {window}. Shorten it, or pick a model "
            "with a larger window (ai.roles.chat).",
            tokens=fixed, window=window,
        )
    remaining = window - max_output - fixed
    used = 0
    # Stable sort: equal priorities keep their gathering order.
    for item in sorted(items, key=lambda i: -i.priority):
        if not item.included:
            continue
        overhead = TEMPLATE_OVERHEAD if item.kind == "history" else 2
        rendered = render_item(item)
        if len(rendered) > remaining * MAX_CHARS_PER_TOKEN and not (
                item.truncatable and remaining >= MIN_PARTIAL):
            item.tokens = 0  # not counted: it cannot fit, whatever the tokenizer says
        elif item.truncatable and len(rendered) > remaining * CUT_CHARS_PER_TOKEN:
            if remaining >= MIN_PARTIAL:
                await _truncate(item, remaining, count, None)
        else:
            item.tokens = await count(rendered) + overhead
            if item.tokens > remaining and item.truncatable and remaining >= MIN_PARTIAL:
                await _truncate(item, remaining, count, item.tokens)
        if 0 < item.tokens <= remaining:
            remaining -= item.tokens
            used += item.tokens
            continue
        item.included = False
        item.reason = "over the token budget"
    return BudgetReport(window, max_output, window - max_output - remaining, used)


async def _truncate(item: ContextItem, budget: int, count: Counter, whole: int | None) -> None:
    """Fit part of `item` into `budget` tokens: the lines around `meta["focus_line"]` (the
    cursor in the active file) when set, else a prefix. `whole` is the full item's count when
    known; else the first cut assumes 2 chars/token (few tokenizers do worse), so no text much
    larger than the budget is ever counted."""
    original = item.content
    focus = item.meta.get("focus_line")
    item.tokens = 0
    if whole is not None:
        keep = int(len(original) * (budget - 12) / max(whole, 1) * 0.95)
    else:
        keep = (budget - 12) * CUT_CHARS_PER_TOKEN
    best: tuple[Cut, int] | None = None  # the largest piece that fits, and its tokens
    for _ in range(4):
        # Proportional cut with a margin, then recount: tokenizers are not linear in chars.
        if keep <= 0:
            break
        cut = cut_region(original, keep, focus if isinstance(focus, int) else None)
        tokens = await count(render_item(_with(item, cut.text))) + 2
        if tokens <= budget:
            best = (cut, tokens)
            if cut.whole or whole is not None:
                break
            # Growing is safe (the last piece that fit is kept), so aim closer to the budget.
            grown = int(keep * (budget - 12) / max(tokens, 1) * 0.98)
            if grown <= keep * 1.1:
                break  # close enough to the budget
            keep = grown  # the first cut was cautious: try a larger piece once more
        else:
            if best is not None:
                break
            keep = int(keep * (budget - 12) / max(tokens, 1) * 0.95)
    if best is None:
        item.content = original
        return
    cut, item.tokens = best
    if not cut.whole:
        item.content = cut.text
        item.truncated = True
        if cut.start_line is not None:
            item.meta.update(start_line=cut.start_line, end_line=cut.end_line)
            item.title = f"{item.title or 'File'} (lines {cut.start_line}-{cut.end_line})"


@dataclass(frozen=True)
class Cut:
    text: str
    whole: bool
    start_line: int | None = None  # 1-based, inclusive, when a region was cut
    end_line: int | None = None


def cut_region(text: str, keep: int, focus_line: int | None) -> Cut:
    """At most ~`keep` characters of `text`: all of it, the lines around `focus_line` (half
    before, half after, widened where the file ends), or a prefix when there is no focus."""
    if keep >= len(text):
        return Cut(text, True)
    if focus_line is None:
        return Cut(text[:keep] + TRUNCATED_MARK, False)
    lines = text.splitlines(keepends=True)
    focus = min(max(focus_line, 1), len(lines)) - 1
    start = end = focus  # the region is lines[start:end + 1]
    size = len(lines[focus]) if lines else 0
    if size > keep:  # one huge line: its beginning
        return Cut(lines[focus][:keep] + TRUNCATED_MARK, False, focus + 1, focus + 1)
    while True:
        grew = False
        for step in (-1, 1):  # alternate: one line before, one after
            index = start - 1 if step < 0 else end + 1
            if 0 <= index < len(lines) and size + len(lines[index]) <= keep:
                size += len(lines[index])
                start, end = (index, end) if step < 0 else (start, index)
                grew = True
        if not grew:
            break
    before = f"… (lines 1-{start} not shown)\n" if start > 0 else ""
    after = f"\n… (lines {end + 2}-{len(lines)} not shown)" if end < len(lines) - 1 else ""
    return Cut(before + "".join(lines[start:end + 1]).rstrip("\n") + after, False,
               start + 1, end + 1)


def _with(item: ContextItem, content: str) -> ContextItem:
    return ContextItem(item.id, item.kind, content, item.priority, path=item.path,
                       title=item.title, language=item.language)


def build_messages(
    system: str, items: list[ContextItem], text: str
) -> list[ChatMessage]:
    """System prompt, included history in order, then context blocks + the user's message."""
    messages = [ChatMessage("system", system)]
    history = [i for i in items if i.kind == "history" and i.included]
    history.sort(key=lambda i: int(i.meta.get("seq", 0)))
    for item in history:
        role: MessageRole = "assistant" if item.meta.get("role") == "assistant" else "user"
        messages.append(ChatMessage(role, item.content))
    blocks = [render_item(i) for i in items if i.kind != "history" and i.included]
    body = text if not blocks else "Context:\n\n" + "\n\n".join(blocks) + "\n\nQuestion: " + text
    messages.append(ChatMessage("user", body))
    return messages
