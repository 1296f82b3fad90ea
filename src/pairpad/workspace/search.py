"""Text search through `rg --json`, stream-parsed, with a result cap and a timeout.

rg's output is parsed in a worker thread, a chunk at a time (`rg_json`), so a pathological
line (megabytes of JSON for one minified line) never holds the event loop: other requests
go on, and the timeout can fire between chunks.

User globs narrow what is searched, never widen it: `.git` and temp files are excluded after
them (`VisibilityPolicy.rg_excludes`), and since rg lets an include glob override
`.gitignore`, matches in ignored files are dropped when the query has one.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

import structlog

from pairpad.errors import BadRequest
from pairpad.workspace.models import SearchMatch, SearchResults
from pairpad.workspace.rg_json import MatchParser
from pairpad.workspace.ripgrep import reap, start_rg
from pairpad.workspace.visibility import VisibilityPolicy

log = structlog.get_logger("pairpad.search")

_READ_CHUNK = 1 << 16


@dataclass(frozen=True)
class SearchQuery:
    text: str
    regex: bool = False
    case_sensitive: bool = False
    globs: tuple[str, ...] = ()
    limit: int = 2000


class SearchService:
    def __init__(self, root: Path, *, timeout: float, max_file_size: int,
                 policy: VisibilityPolicy | None = None) -> None:
        self.root = root
        self.timeout = timeout
        self.max_file_size = max_file_size
        self.policy = policy or VisibilityPolicy(root)
        self.ignores = self.policy.ignores
        # Two cores are common: more concurrent rg runs only slow each other down.
        self._slots = asyncio.Semaphore(4)

    async def search(self, query: SearchQuery) -> SearchResults:
        if not query.text:
            raise BadRequest("Empty search text")
        if "\n" in query.text or "\r" in query.text:
            raise BadRequest("Search text cannot span lines")
        # A NUL cannot be passed to rg (argv is C strings) nor appear in a path.
        if "\x00" in query.text:
            raise BadRequest("Search text cannot contain a NUL character; remove it")
        if any("\x00" in glob for glob in query.globs):
            raise BadRequest("A glob cannot contain a NUL character; remove it")
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
        process = await start_rg(self._argv(query), self.root, self.policy)
        assert process.stdout is not None and process.stderr is not None
        stderr_task = asyncio.create_task(process.stderr.read())
        parser = MatchParser()
        results: list[SearchMatch] = []
        truncated = False
        read_to_end = False
        try:
            async with asyncio.timeout(self.timeout):
                while True:
                    chunk = await process.stdout.read(_READ_CHUNK)
                    found = await asyncio.to_thread(self._parse, parser, chunk, query)
                    room = query.limit - len(results)
                    results.extend(found[:room])
                    if len(found) > room:  # rg was asked for one more than the limit
                        truncated = True
                        break
                    if not chunk:
                        read_to_end = True
                        break
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


    def _parse(self, parser: MatchParser, chunk: bytes, query: SearchQuery) -> list[SearchMatch]:
        """Worker thread: parse a chunk of rg's output (b"" at its end)."""
        found = parser.feed(chunk) if chunk else parser.close()
        if any(not glob.startswith("!") for glob in query.globs):  # only these re-include
            found = [match for match in found if not self.ignores.is_ignored(match.path, False)]
        return found


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
