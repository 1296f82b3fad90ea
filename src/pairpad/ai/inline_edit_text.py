"""Inline edit (Ctrl/Cmd+K), the pure parts: the request, the prompt, and the clean-up of what
the model streams (no Markdown fence or prose before it, the selection's indentation kept).

The clean-up is one function of the text received so far (`clean_stream`); the service streams
the growth of its result, so the editor never shows a fence, and the final text (`finish`) is
the same function on the whole answer, with the selection's trailing newline matched.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field, model_validator

from pairpad.ai.providers.base import ChatMessage
from pairpad.unicode import well_formed

MAX_EDIT_CHARS = 1_000_000  # per text field the client sends (the file around the selection)
MAX_INSTRUCTION_CHARS = 10_000

SYSTEM_PROMPT = (
    "You are the inline code editor of Pairpad, an AI pair programmer. You rewrite the user's "
    "selected code as their instruction says (when the selection is empty, you write the code "
    "to insert at the cursor). Reply with ONLY the replacement code for the selection: no "
    "explanations, no Markdown code fences, none of the code before or after the selection. "
    "Keep the file's language, indentation and style."
)
REFINE_PROMPT = (
    "Revise your replacement: {instruction}\n"
    "Reply with the whole replacement for the selection again, code only."
)


class EditRange(BaseModel):
    """Where the selection is in the editor: 1-based lines and columns (Monaco's)."""

    start_line: int = Field(ge=1)
    start_column: int = Field(ge=1)
    end_line: int = Field(ge=1)
    end_column: int = Field(ge=1)


class PreviousEdit(BaseModel):
    """The proposal being refined and the instruction that produced it."""

    instruction: str = Field(max_length=MAX_INSTRUCTION_CHARS)
    text: str = Field(max_length=MAX_EDIT_CHARS)


class InlineEditRequest(BaseModel):
    """`inline_edit:start`: the selection (`text`, empty for the cursor alone), the code before
    and after it in the buffer, the instruction, and when refining the previous round."""

    path: str = Field(min_length=1, max_length=4096)
    language: str = Field(default="", max_length=100)
    instruction: str = Field(max_length=MAX_INSTRUCTION_CHARS)
    range: EditRange
    text: str = Field(default="", max_length=MAX_EDIT_CHARS)
    prefix: str = Field(default="", max_length=MAX_EDIT_CHARS)
    suffix: str = Field(default="", max_length=MAX_EDIT_CHARS)
    previous: PreviousEdit | None = None

    @model_validator(mode="before")
    @classmethod
    def _no_lone_surrogates(cls, data: Any) -> Any:
        return well_formed(data)


# --- the prompt ------------------------------------------------------------------------------


def render_prompt(request: InlineEditRequest, prefix: str, suffix: str) -> str:
    """The user message of the first round: where, in what language, the code around the
    selection (already fitted to the budget), the selection, the instruction."""
    language = request.language or "plain text"
    first_instruction = request.previous.instruction if request.previous else request.instruction
    selection = request.text if request.text else "(empty: insert at the cursor)"
    return (
        f"File: {request.path}\nLanguage: {language}\n"
        f"Selection: lines {request.range.start_line}-{request.range.end_line}\n\n"
        f"<code_before_selection>\n{prefix}\n</code_before_selection>\n\n"
        f"<selection>\n{selection}\n</selection>\n\n"
        f"<code_after_selection>\n{suffix}\n</code_after_selection>\n\n"
        f"Instruction: {first_instruction}\n"
        f"Reply with the {language} code that replaces the selection, and nothing else."
    )


def build_messages(request: InlineEditRequest, prefix: str, suffix: str) -> list[ChatMessage]:
    """System, the first round; when refining, the previous proposal and the follow-up."""
    messages = [ChatMessage("system", SYSTEM_PROMPT),
                ChatMessage("user", render_prompt(request, prefix, suffix))]
    if request.previous is not None:
        messages += [ChatMessage("assistant", request.previous.text),
                     ChatMessage("user", REFINE_PROMPT.format(instruction=request.instruction))]
    return messages


def trim_prefix(prefix: str, max_chars: int) -> str:
    """The end of `prefix` (the code nearest the selection) in at most `max_chars`, cut at a
    line start so no partial line reaches the model."""
    if len(prefix) <= max_chars:
        return prefix
    if max_chars <= 0:
        return ""
    tail = prefix[len(prefix) - max_chars:]
    newline = tail.find("\n")
    return tail[newline + 1:] if newline >= 0 else ""


def trim_suffix(suffix: str, max_chars: int) -> str:
    """The start of `suffix` in at most `max_chars`, cut after a line end."""
    if len(suffix) <= max_chars:
        return suffix
    if max_chars <= 0:
        return ""
    head = suffix[:max_chars]
    newline = head.rfind("\n")
    return head[:newline + 1] if newline >= 0 else ""


def split_budget(chars: int, prefix: str, suffix: str) -> tuple[str, str]:
    """Share `chars` between the code before (two thirds) and after (one third) the selection;
    what one side does not need goes to the other."""
    want_before = (chars * 2) // 3
    after_room = max(chars - min(len(prefix), want_before), 0)
    after = trim_suffix(suffix, after_room)
    before = trim_prefix(prefix, max(chars - len(after), 0))
    return before, after


# --- the clean-up ----------------------------------------------------------------------------

FENCE = "```"
PROSE_LOOKAHEAD = 3  # lines held back at the start while a fence could still follow them


@dataclass(frozen=True)
class Placement:
    """Where the replacement goes: the indentation of the selection's first line, and whether
    the selection starts inside a line (its first line then continues that line)."""

    indent: str
    inline_first: bool
    ends_with_newline: bool

    @classmethod
    def of(cls, prefix: str, text: str, suffix: str = "") -> Placement:
        line_start = prefix[prefix.rfind("\n") + 1:]
        inline_first = line_start != ""
        first_line = line_start + text.split("\n", 1)[0]
        candidates = [first_line, *text.split("\n")[1:]]
        indent = ""
        for line in candidates:
            if line.strip():
                indent = line[:len(line) - len(line.lstrip())]
                break
        else:
            indent = line_start[:len(line_start) - len(line_start.lstrip())]
        # Code inserted at the start of a line that has text must end its own line.
        ends = text.endswith("\n") or (
            text == "" and not inline_first and suffix[:1] not in ("", "\n"))
        return cls(indent, inline_first, ends)


def _lines(text: str) -> list[str]:
    """Lines with their line ends; the last one may lack it."""
    return text.splitlines(keepends=True) if text else []


def _could_be_fence(partial_line: str) -> bool:
    stripped = partial_line.strip()
    return FENCE.startswith(stripped) or stripped.startswith(FENCE)


def strip_fences(raw: str, *, final: bool = True) -> str:
    """The code in a model's answer: a leading Markdown fence and any prose lines before it
    (within the first `PROSE_LOOKAHEAD` lines) dropped, and everything from a closing fence on.

    With `final=False` (`raw` is what has streamed so far) the result is what is certain: lines
    that a fence could still turn into prose are held back, as is a last, unfinished line that
    could be a fence. The result for a longer `raw` always extends the one for a shorter."""
    lines = _lines(raw)
    complete = lines if final or raw.endswith("\n") else lines[:-1]
    start: int | None = None
    for index, line in enumerate(complete[:PROSE_LOOKAHEAD + 1]):
        if line.strip().startswith(FENCE):
            start = index + 1
            break
        if line[:1] in (" ", "\t"):
            start = 0  # indented: code, never the prose before a fence
            break
    if start is None:
        # No fence among the first lines: decided once enough lines are in (or at the end).
        if not final and len(complete) <= PROSE_LOOKAHEAD:
            partial = "" if raw.endswith("\n") or not lines else lines[-1]
            if len(complete) < PROSE_LOOKAHEAD or _could_be_fence(partial):
                return ""
        start = 0
    body: list[str] = []
    for index in range(start, len(lines)):
        line = lines[index]
        if line.strip().startswith(FENCE):
            break  # the closing fence (and whatever prose follows it)
        if (not final and index == len(lines) - 1 and not line.endswith("\n")
                and _could_be_fence(line)):
            break  # might become the closing fence: wait for more
        body.append(line)
    return "".join(body)


def reindent(code: str, placement: Placement, *, final: bool = True) -> str:
    """Keep the selection's indentation: when the model dedented everything (its first
    non-blank line starts at column 1 while the selection's is indented), indent every
    non-blank line by the selection's indentation. A selection starting inside a line keeps
    the replacement's first line as it is (it continues that line), without leading spaces
    the line already has. With `final=False`, a last unfinished whitespace-only line is held."""
    lines = _lines(code)
    if not final and lines and not lines[-1].endswith("\n") and not lines[-1].strip():
        lines = lines[:-1]
    out: list[str] = []
    rest = lines
    if placement.inline_first and lines:
        out.append(lines[0].lstrip(" \t") if lines[0].strip() else lines[0])
        rest = lines[1:]
    first = next((line for line in rest if line.strip()), None)
    add = placement.indent if (placement.indent and first is not None
                               and first[:1] not in (" ", "\t")) else ""
    out += [add + line if (add and line.strip()) else line for line in rest]
    return "".join(out)


def clean_stream(raw: str, placement: Placement) -> str:
    """What can be shown of the answer streamed so far (grows monotonically with `raw`)."""
    return reindent(strip_fences(raw, final=False), placement, final=False)


def finish(raw: str, placement: Placement) -> str:
    """The replacement: the whole answer cleaned, ending with a newline exactly when the
    selection did (a selection of whole lines is replaced by whole lines)."""
    code = reindent(strip_fences(raw, final=True), placement, final=True)
    code = code.rstrip("\n") if code.strip() else ""
    if placement.ends_with_newline and code:
        code += "\n"
    return code
