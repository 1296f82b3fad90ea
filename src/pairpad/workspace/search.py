"""Text search through `rg --json`, stream-parsed, with a result cap and a timeout."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import structlog

from pairpad.errors import BadRequest
from pairpad.workspace.models import SearchMatch, SearchResults
from pairpad.workspace.ripgrep import reap, start_rg

log = structlog.get_logger("pairpad.search")

PREVIEW_CHARS = 1000  # minified files: the UI needs a preview, not a megabyte line
_READ_CHUNK = 1 << 16


@dataclass(frozen=True)
class SearchQuery:
    text: str
    regex: bool = False
    case_sensitive: bool = False
    globs: tuple[str, ...] = ()
    limit: int = 2000


class SearchService:
    def __init__(self, root: Path, *, timeout: float, max_file_size: int) -> None:
        self.root = root
        self.timeout = timeout
        self.max_file_size = max_file_size
        # Two cores are common: more concurrent rg runs only slow each other down.
        self._slots = asyncio.Semaphore(4)

    async def search(self, query: SearchQuery) -> SearchResults:
        if not query.text:
            raise BadRequest("Empty search text")
        if "\n" in query.text or "\r" in query.text:
            raise BadRequest("Search text cannot span lines")
        async with self._slots:
            return await self._run(query)

    def _argv(self, query: SearchQuery) -> list[str]:
        args = [
            "--json",
            f"--max-count={query.limit + 1}",  # one more than needed tells us it was cut
            f"--max-filesize={self.max_file_size}",
            "--case-sensitive" if query.case_sensitive else "--ignore-case",
        ]
        if not query.regex:
            args.append("--fixed-strings")
        args += [f"--glob={glob}" for glob in query.globs]
        args += ["--regexp", query.text]  # -e: a query starting with '-' is not an option
        return args

    async def _run(self, query: SearchQuery) -> SearchResults:
        process = await start_rg(self._argv(query), self.root)
        assert process.stdout is not None and process.stderr is not None
        stderr_task = asyncio.create_task(process.stderr.read())
        results: list[SearchMatch] = []
        truncated = False
        read_to_end = False
        try:
            async with asyncio.timeout(self.timeout):
                async for line in _lines(process.stdout):
                    match = _parse_match(line)
                    if match is None:
                        continue
                    if len(results) >= query.limit:
                        truncated = True
                        break
                    results.append(match)
                else:
                    read_to_end = True
        except TimeoutError:
            truncated = True
            log.info("search timed out", query=query.text, results=len(results))
        finally:
            await reap(process, kill=not read_to_end)
            stderr = (await stderr_task).decode("utf-8", "replace")
        if process.returncode == 2 and not results:
            _raise_for_error(stderr)
        results.sort(key=lambda match: (match.path, match.line))
        return SearchResults(results=results, truncated=truncated)


def split_globs(raw: str | None) -> tuple[str, ...]:
    """Comma-separated globs; commas inside `{a,b}` alternations do not split."""
    if not raw:
        return ()
    globs: list[str] = []
    current: list[str] = []
    depth = 0
    for char in raw:
        if char == "{":
            depth += 1
        elif char == "}" and depth:
            depth -= 1
        if char == "," and depth == 0:
            globs.append("".join(current))
            current = []
        else:
            current.append(char)
    globs.append("".join(current))
    return tuple(glob.strip() for glob in globs if glob.strip())


async def _lines(stream: asyncio.StreamReader) -> AsyncIterator[bytes]:
    """JSON lines of any length (StreamReader.readline stops at 64 KiB)."""
    buffer = bytearray()
    while chunk := await stream.read(_READ_CHUNK):
        buffer += chunk
        start = 0
        while (end := buffer.find(b"\n", start)) != -1:
            yield bytes(buffer[start:end])
            start = end + 1
        del buffer[:start]
    if buffer:
        yield bytes(buffer)


def _parse_match(line: bytes) -> SearchMatch | None:
    try:
        message = json.loads(line)
    except ValueError:
        return None
    if message.get("type") != "match":
        return None
    data = message["data"]
    path = _text(data["path"])
    if path is None:
        return None  # a file name that is not UTF-8 cannot be addressed by the API
    raw_line = _bytes(data["lines"])
    ranges = [
        (_char_column(raw_line, sub["start"]), _char_column(raw_line, sub["end"]))
        for sub in data.get("submatches", [])
    ]
    text = raw_line.decode("utf-8", "replace").rstrip("\r\n")
    if len(text) > PREVIEW_CHARS:
        text = text[:PREVIEW_CHARS] + "…"
    return SearchMatch(
        path=path.removeprefix("./"),
        line=int(data["line_number"]),
        column=ranges[0][0] if ranges else 1,
        text=text,
        ranges=ranges,
    )


def _text(field: dict[str, str]) -> str | None:
    if "text" in field:
        return field["text"]
    try:
        return base64.b64decode(field["bytes"]).decode("utf-8")
    except (KeyError, ValueError):
        return None


def _bytes(field: dict[str, str]) -> bytes:
    if "text" in field:
        return field["text"].encode("utf-8")
    return base64.b64decode(field.get("bytes", ""))


def _char_column(line: bytes, byte_offset: int) -> int:
    """rg reports byte offsets; editors count characters (1-based)."""
    return len(line[:byte_offset].decode("utf-8", "replace")) + 1


def _raise_for_error(stderr: str) -> None:
    """rg exits with 2 for a bad pattern or glob (fatal) and for unreadable files (not)."""
    message = " ".join(
        part.strip().removeprefix("rg:").strip() for part in stderr.splitlines() if part.strip()
    )
    if "regex parse error" in stderr or "rg: regex" in stderr:
        reason = next(
            (
                line.strip().removeprefix("error:").strip()
                for line in stderr.splitlines()
                if line.strip().startswith("error:")
            ),
            message,
        )
        raise BadRequest(f"Invalid regular expression: {reason}")
    if "error parsing glob" in stderr:
        raise BadRequest(f"Invalid glob: {message.removeprefix('error parsing glob ')}")
    if message:
        log.warning("ripgrep reported errors", stderr=message[:2000])
