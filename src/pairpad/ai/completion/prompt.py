"""The prompt of one inline completion: the file around the cursor, enriched with context, cut
to a token budget. No I/O: the snippets are gathered beforehand (`context.py`).

The context (the file's path and language, then the snippets) is written as comments in the
file's own language at the top of the prefix, where a code model expects a file header. The
FIM template is not rendered here: the provider renders it from `prefix` and `suffix` with
the model's profile (`ModelProfile.completion_prompt`); `suffix` is None for a prefix-only
model (the embedded SmolLM2), which never sees the text after the cursor.

Budget (tokens estimated as chars/4, `estimate_tokens`): the header first; then the file,
which may leave the snippets up to a quarter of the budget; the file's share goes 3/4 to the
prefix, cut at a line boundary from the top, and 1/4 to the suffix, cut from the bottom, so
the text nearest the cursor stays (a share one side does not need goes to the other); then
whole snippets, signatures before recent edits, as long as they fit in what is left.

Prompt-cache friendly: the prompt's start must not change while the user types, since
llama.cpp reuses its work only for the longest unchanged start. The prefix's top cut moves on
a grid (`_keep_tail`), and the chosen signatures are written in a stable order (path, text),
not by closeness to the cursor.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from pairpad.ai.completion.cleanup import multiline_allowed
from pairpad.ai.profiles import ModelProfile
from pairpad.ai.providers.base import estimate_tokens

CHARS_PER_TOKEN = 4  # estimate_tokens' rule: a text of n tokens has at most 4n characters
PREFIX_SHARE = 3 / 4  # of the file's budget, when both sides need more than they get
SNIPPET_SHARE = 1 / 4  # of the budget the snippets may take from the file at most
CUT_STEPS = 4  # the prefix's top cut moves in steps of a quarter of its budget (_keep_tail)
SINGLE_LINE_STOP = "\n"
MULTI_LINE_STOP = "\n\n\n"  # two blank lines: the code after the block (Python's spacing)

# A language's comment: (start, end); end "" for a line comment. Languages not listed get no
# header and no snippets: a comment in the wrong syntax (JSON has none, plain text has no
# syntax) would mislead the model more than the context helps it.
_HASH = ("#", "")
_SLASHES = ("//", "")
_DASHES = ("--", "")
_MARKUP = ("<!--", " -->")
COMMENT_STYLES: dict[str, tuple[str, str]] = {
    **dict.fromkeys(("python", "shell", "shellscript", "bash", "yaml", "toml", "ruby", "perl",
                     "r", "dockerfile", "makefile", "powershell", "elixir", "julia",
                     "coffeescript", "ini"), _HASH),
    **dict.fromkeys(("javascript", "typescript", "javascriptreact", "typescriptreact", "java",
                     "c", "cpp", "go", "rust", "csharp", "kotlin", "swift", "scala", "dart",
                     "php", "objective-c", "fsharp", "scss", "less", "groovy", "solidity",
                     "zig"), _SLASHES),
    **dict.fromkeys(("sql", "lua", "haskell", "elm"), _DASHES),
    **dict.fromkeys(("html", "xml", "markdown", "svg", "vue"), _MARKUP),
    "css": ("/*", " */"),
}


@dataclass(frozen=True)
class PromptInput:
    path: str
    language: str  # Monaco's language id
    prefix: str  # the file's text before the cursor
    suffix: str  # ... and after it


@dataclass(frozen=True)
class Snippet:
    kind: Literal["signature", "recent_edit"]
    path: str
    text: str


@dataclass(frozen=True)
class CompletionPrompt:
    prefix: str  # the context-enriched prefix (not a rendered FIM template)
    suffix: str | None  # None: the model completes from the prefix alone
    stop: list[str]  # position-dependent stops; the provider adds the profile's own
    max_tokens: int
    multiline: bool


def build_prompt(req: PromptInput, profile: ModelProfile, snippets: list[Snippet], *,
                 budget_tokens: int, max_tokens_line: int,
                 max_tokens_block: int) -> CompletionPrompt:
    multiline = multiline_allowed(req.prefix, req.suffix)
    style = comment_style(req.language)
    header = _comment([f"Path: {req.path}", f"Language: {req.language}"], style)
    ordered = _by_priority(snippets) if style else []
    rendered = [_render(s, style) for s in ordered]
    available = max(budget_tokens - estimate_tokens(header), 0)
    wanted = sum(estimate_tokens(text) for text in rendered)
    file_budget = available - min(wanted, int(available * SNIPPET_SHARE))
    fim = profile.fim is not None
    prefix, suffix = _fit_file(req.prefix, req.suffix if fim else "", file_budget)
    left = available - estimate_tokens(prefix) - estimate_tokens(suffix)
    chosen: list[tuple[Snippet, str]] = []
    for snippet, text in zip(ordered, rendered, strict=True):
        cost = estimate_tokens(text)
        if cost <= left:
            chosen.append((snippet, text))
            left -= cost
    return CompletionPrompt(
        prefix=header + "".join(text for _, text in _stable_order(chosen)) + prefix,
        suffix=suffix if fim else None,
        stop=[MULTI_LINE_STOP if multiline else SINGLE_LINE_STOP],
        max_tokens=max_tokens_block if multiline else max_tokens_line,
        multiline=multiline)


def comment_style(language: str) -> tuple[str, str] | None:
    """How `language` writes a comment, or None: no header and no snippets."""
    return COMMENT_STYLES.get(language.lower())


def _comment(lines: Sequence[str], style: tuple[str, str] | None) -> str:
    if style is None:
        return ""
    start, end = style
    return "".join(f"{start} {line}{end}".rstrip() + "\n" for line in lines)


def _by_priority(snippets: list[Snippet]) -> list[Snippet]:
    """Signatures first (what the code near the cursor calls), then recent edits; each kind
    in the order given (the gatherer's: nearest or most recent first)."""
    return sorted(snippets, key=lambda s: s.kind != "signature")


def _stable_order(chosen: list[tuple[Snippet, str]]) -> list[tuple[Snippet, str]]:
    """Signatures by path and text, not by closeness to the cursor: the snippets open the
    prompt, and an order that changed whenever a name moved nearer (a new line) would change
    the prompt's start and cost a whole prompt evaluation (see `_keep_tail`). Recent edits keep
    the client's order (it changes only when another file is edited)."""
    signatures = sorted((c for c in chosen if c[0].kind == "signature"),
                        key=lambda c: (c[0].path, c[0].text))
    return signatures + [c for c in chosen if c[0].kind != "signature"]


def _render(snippet: Snippet, style: tuple[str, str] | None) -> str:
    lines = snippet.text.rstrip("\n").split("\n")
    if snippet.kind == "signature":
        return _comment([f"From {snippet.path}: {lines[0]}", *lines[1:]], style)
    return _comment([f"Recently edited in {snippet.path}:", *lines], style)


def _fit_file(prefix: str, suffix: str, budget: int) -> tuple[str, str]:
    """The prefix and suffix cut to `budget` tokens together, nearest the cursor kept."""
    need_prefix, need_suffix = estimate_tokens(prefix), estimate_tokens(suffix)
    if need_prefix + need_suffix <= budget:
        return prefix, suffix
    prefix_budget = int(budget * PREFIX_SHARE) if suffix else budget
    prefix_budget = max(prefix_budget, budget - need_suffix)  # the suffix needs less
    prefix_budget = min(prefix_budget, need_prefix)  # the prefix needs less
    kept = _keep_tail(prefix, prefix_budget * CHARS_PER_TOKEN)
    return kept, _keep_head(suffix, (budget - estimate_tokens(kept)) * CHARS_PER_TOKEN)


def _keep_tail(text: str, max_chars: int) -> str:
    """The end of `text` within `max_chars`, starting at a line (mid-line only when the cursor's
    own line is longer than the budget).

    The start is rounded up to a grid of `max_chars / CUT_STEPS` characters counted from the top
    of the file, so it stays put while the user types below it and moves in steps, not with
    every line: llama.cpp (and any server with a prompt cache) reuses its work for the longest
    unchanged start of the prompt, and a start that moved with each line made every completion
    in a long file evaluate its whole prompt again (~3 s on the embedded model, against ~0.1 s
    for the few new tokens)."""
    if len(text) <= max_chars:
        return text
    if max_chars <= 0:
        return ""
    step = max(max_chars // CUT_STEPS, 1)
    start = -(-(len(text) - max_chars) // step) * step  # rounded up to the grid
    newline = text.find("\n", start - 1)
    if 0 <= newline < len(text) - 1:
        return text[newline + 1:]
    return text[max(len(text) - max_chars, start):]


def _keep_head(text: str, max_chars: int) -> str:
    """The start of `text` within `max_chars`, ending at a line end where it can."""
    if len(text) <= max_chars:
        return text
    if max_chars <= 0:
        return ""
    newline = text.rfind("\n", 0, max_chars)
    return text[:newline + 1] if newline >= 0 else text[:max_chars]
