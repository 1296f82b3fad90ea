"""Clean-up of a raw completion before it is shown: each rule a pure function of the text.

`clean_completion` applies them in this order, each on what the previous one left:

1. `limit_to_line` (single-line requests): the rest is never shown, so no later rule should
   spend time on it or be misled by it.
2. `stop_at_block_end`: small models ramble on past the block the cursor is in (the next
   function, a copy of the code below); cutting there first removes most repetition and
   most of the suffix echo before the finer rules look.
3. `drop_repetitive_lines`: a model stuck in a loop repeats a line or a cycle of lines.
4. `drop_suffix_overlap`: what is left may end with the text that already follows the
   cursor (the rest of the line, or the next lines of the file).
5. `trim_unmatched_closers`: last, since rules 2 and 4 may already have removed a closer the
   suffix supplies; only closers at the end are trimmed.
6. Trailing whitespace is dropped, and a whitespace-only result becomes "".

Lines are split on "\\n" only (a "\\r" before it stays part of the line and is ignored by the
comparisons, which strip). Indentation is measured with tabs expanded to 4 columns.
"""

from __future__ import annotations

import re

OPENERS = {"(": ")", "[": "]", "{": "}"}
CLOSERS = {v: k for k, v in OPENERS.items()}
# Text before the cursor that ends with one of these opens a new block (multi-line allowed).
BLOCK_OPENERS = (":", "{", "(", "[", "=>")
# The rest of the cursor's line may hold only these (Monaco auto-closes brackets and quotes).
_TRIVIAL_REST = re.compile(r"[\s)\]};,'\"`]*")
_QUOTES = "'\"`"
_WORD = re.compile(r"\w")
# How far back the prefix is scanned for brackets still open at the cursor.
_SCAN_LINES = 200


def clean_completion(text: str, prefix: str, suffix: str, *, multiline: bool) -> str:
    """All the rules, in the order of the module docstring; "" when nothing is worth showing."""
    if not multiline:
        text = limit_to_line(text)
    text = stop_at_block_end(text, prefix, suffix)
    text = drop_repetitive_lines(text)
    text = drop_suffix_overlap(text, suffix)
    text = trim_unmatched_closers(text, prefix, suffix)
    text = text.rstrip()
    return text if text.strip() else ""


def multiline_allowed(prefix: str, suffix: str) -> bool:
    """Multi-line only where a block can start: on an empty (or whitespace-only) line, or right
    after a block opener — and only when nothing but closers follows on the cursor's line."""
    rest = suffix.split("\n", 1)[0]
    if not _TRIVIAL_REST.fullmatch(rest):
        return False
    before = _last_line(prefix)
    return not before.strip() or before.rstrip().endswith(BLOCK_OPENERS)


def limit_to_line(text: str) -> str:
    """The first line only (a completion starting with a newline has nothing on this line)."""
    return text.split("\n", 1)[0].rstrip("\r")


def stop_at_block_end(text: str, prefix: str, suffix: str) -> str:
    """Cut the completion where the cursor's block ends.

    Indentation: a later line indented less than the cursor's block ends it (after a block
    opener the block is the new body, so a line back at the opener's level ends it too).
    Brackets: a closer that closes a bracket opened before the cursor ends the completion
    after its line. A line that starts with a closer is left to the bracket rule, so a
    function's closing `}` is judged by what it closes, not by its indentation. `suffix` is
    not needed: the block is decided by the prefix alone (kept for a uniform signature)."""
    del suffix
    lines = text.split("\n")
    before = _last_line(prefix)
    if before.strip():
        base = _indent(before)
        strict = before.rstrip().endswith(BLOCK_OPENERS)
    else:
        first = next((line for line in [before + lines[0], *lines[1:]] if line.strip()), "")
        base, strict = _indent(first), False
    depth = 0
    kept: list[str] = []
    for number, line in enumerate(lines):
        stripped = line.strip()
        if number > 0 and stripped and stripped[0] not in CLOSERS:
            indent = _indent(line)
            if indent < base or (strict and indent == base):
                break
        kept.append(line)
        depth, closed_outer = _scan_depth(line, depth)
        if closed_outer:
            break
    return _drop_trailing_blank_lines("\n".join(kept)) if len(kept) < len(lines) else text


def drop_repetitive_lines(text: str) -> str:
    """A line repeated right after itself, or a cycle of lines repeated, is kept once: the text
    ends after the first occurrence. Only lines with a word count: blank lines or closers
    alone (`}` twice: nested blocks ending) are no repetition."""
    lines = text.split("\n")
    # The first line starts mid-line (after the cursor), so it is compared without its
    # indentation; the others with it (`    }` then `}` is no repetition).
    keys = [lines[0].strip(), *(line.rstrip() for line in lines[1:])]

    def same(i: int, j: int) -> bool:
        return keys[i] == (lines[j].strip() if i == 0 else keys[j])

    for start in range(len(lines)):
        for size in range(1, (len(lines) - start) // 2 + 1):
            if any(_WORD.search(key) for key in keys[start:start + size]) and all(
                    same(start + k, start + size + k) for k in range(size)):
                return _drop_trailing_blank_lines("\n".join(lines[:start + size]))
    return text


def drop_suffix_overlap(text: str, suffix: str) -> str:
    """Drop the end of the completion that repeats what already follows the cursor: the rest of
    the cursor's line (when it holds a word, not just closers — those are
    `trim_unmatched_closers`' job), or lines that equal the next lines of the file."""
    rest, _, below = suffix.partition("\n")
    if _WORD.search(rest):
        body = text.rstrip()
        for end in (rest.rstrip(), rest.strip()):
            if end and body.endswith(end):
                return body[:len(body) - len(end)]
        return text
    next_lines = [line.rstrip() for line in below.split("\n") if line.strip()]
    if not next_lines:
        return text
    lines = text.split("\n")
    for start in range(len(lines)):
        # Later lines are compared with their indentation (a `}` of the completion's own block
        # is not the file's outer `}`); the first one starts mid-line, so without.
        tail = [line.rstrip() for line in lines[start:] if line.strip()]
        if start == 0 and lines[0].strip():
            tail[0] = tail[0].strip()
            expected = [next_lines[0].strip(), *next_lines[1:len(tail)]]
        else:
            expected = next_lines[:len(tail)]
        if tail and tail == expected:
            return _drop_trailing_blank_lines("\n".join(lines[:start]))
    return text


def trim_unmatched_closers(text: str, prefix: str, suffix: str) -> str:
    """Drop closing brackets at the end of the completion that would be one too many: one that
    closes nothing at all, or one that closes a bracket opened before the cursor when the
    text after the cursor already starts with that closer (`print(` + `foo())` + `)`)."""
    body = text.rstrip()
    if not body or body[-1] not in CLOSERS:
        return text
    roles = _closer_roles(body, _open_before(prefix))
    supplied = _leading_closers(suffix)
    run = len(body)
    while run > 0 and body[run - 1] in CLOSERS:
        run -= 1
    # Drop the longest tail of the closing run that is only strays and closers the suffix
    # supplies, in the order it supplies them.
    for start in range(run, len(body)):
        tail = range(start, len(body))
        if any(roles.get(i) == "inner" for i in tail):
            continue
        outer = [body[i] for i in tail if roles.get(i) == "outer"]
        if outer == supplied[:len(outer)]:
            return body[:start] + text[len(body):]
    return text


# -- helpers --------------------------------------------------------------------------------


def _last_line(prefix: str) -> str:
    return prefix.rsplit("\n", 1)[-1]


def _indent(line: str) -> int:
    expanded = line.expandtabs(4)
    return len(expanded) - len(expanded.lstrip(" "))


def _drop_trailing_blank_lines(text: str) -> str:
    lines = text.split("\n")
    while len(lines) > 1 and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines)


def _brackets(line: str) -> list[tuple[int, str]]:
    """(index, bracket) of one line, outside simple quoted strings."""
    found: list[tuple[int, str]] = []
    quote: str | None = None
    escaped = False
    for index, char in enumerate(line):
        if quote is not None:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == quote:
                quote = None
        elif char in _QUOTES:
            quote = char
        elif char in OPENERS or char in CLOSERS:
            found.append((index, char))
    return found


def _scan_depth(line: str, depth: int) -> tuple[int, bool]:
    """The bracket depth after `line` (0 at the cursor) and whether it closed a bracket that
    was opened before the cursor."""
    for _, char in _brackets(line):
        depth += 1 if char in OPENERS else -1
        if depth < 0:
            return depth, True
    return depth, False


def _open_before(prefix: str) -> list[str]:
    """The openers still unclosed at the cursor, innermost last (recent lines only)."""
    stack: list[str] = []
    for line in prefix.split("\n")[-_SCAN_LINES:]:
        for _, char in _brackets(line):
            if char in OPENERS:
                stack.append(char)
            elif stack and stack[-1] == CLOSERS[char]:
                stack.pop()
    return stack


def _closer_roles(text: str, open_before: list[str]) -> dict[int, str]:
    """For each closer of `text` (by index): "inner" closes a bracket of the completion itself,
    "outer" one opened before the cursor, "stray" none."""
    own: list[str] = []
    outer = list(open_before)
    roles: dict[int, str] = {}
    offset = 0
    for line in text.split("\n"):
        for index, char in _brackets(line):
            if char in OPENERS:
                own.append(char)
            elif own:
                roles[offset + index] = "inner" if own[-1] == CLOSERS[char] else "stray"
                if own[-1] == CLOSERS[char]:
                    own.pop()
            elif outer and outer[-1] == CLOSERS[char]:
                roles[offset + index] = "outer"
                outer.pop()
            else:
                roles[offset + index] = "stray"
        offset += len(line) + 1
    return roles


def _leading_closers(suffix: str) -> list[str]:
    """The closers the text after the cursor starts with, whitespace between them ignored."""
    found: list[str] = []
    for char in suffix:
        if char in CLOSERS:
            found.append(char)
        elif not char.isspace():
            break
    return found
