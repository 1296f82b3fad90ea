"""Hybrid retrieval: BM25 over chunks (FTS5), definition-name matches, repo-map rank and,
when an `embed` role is configured, embedding similarity, fused by reciprocal rank; every
snippet says which signals found it."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from pairpad.codebase.analyze import split_identifier
from pairpad.codebase.embeddings import QueryVector, VectorStore
from pairpad.codebase.repomap import RepoMap, estimate_tokens
from pairpad.codebase.store import IndexStore
from pairpad.codebase.walker import is_secret

RRF_K = 60  # reciprocal-rank-fusion constant (Cormack et al.); damps the head of each list
CANDIDATES = 60
PER_FILE = 2  # at most this many snippets of one file: more files beat more of one file
EMBEDDING_WEIGHT = 1.0  # as much as BM25: meaning where the words differ
PRIOR_WEIGHT = 0.05  # repo-map rank: worth a fraction of one list position near the top
BM25_WEIGHTS = (2.0, 4.0, 1.0, 0.5)  # path, symbols, body, extra (camelCase parts)
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
STOP_WORDS = frozenset([
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "can", "do", "does", "for", "from",
    "has", "have", "how", "i", "in", "into", "is", "it", "its", "of", "on", "or", "so", "that",
    "the", "their", "then", "there", "these", "this", "to", "was", "we", "what", "when", "where",
    "which", "who", "why", "will", "with", "you", "your", "not", "no", "use", "used", "using",
    "via",
])


@dataclass
class Signal:
    name: str  # bm25 | symbol | embedding | repomap
    rank: int  # position in that signal's own list (1 = best); 0 for the rank prior
    detail: str


@dataclass
class Snippet:
    chunk_id: int
    path: str
    start_line: int
    end_line: int
    text: str
    score: float = 0.0
    signals: list[Signal] = field(default_factory=list)

    @property
    def tokens(self) -> int:
        return estimate_tokens(self.text)


@dataclass(frozen=True)
class QueryTerms:
    words: list[str]  # lower-case search words (identifier parts)
    names: list[str]  # candidate symbol names, matched with their case as typed
    joined: list[str]  # adjacent words joined (snake and flat), matched ignoring case


def query_terms(query: str) -> QueryTerms:
    raw = _WORD.findall(query)
    words: list[str] = []
    for token in raw:
        for part in [token.lower(), *split_identifier(token)]:
            if len(part) > 1 and part not in STOP_WORDS and part not in words:
                words.append(part)
    # A plain lower-case word ("path") is prose; `build_services`, `RepoMap`, `HTTP2` are names.
    names = [m.group() for m in _WORD.finditer(query) if _looks_like_a_name(query, m)]
    plain = [t.lower() for t in raw if t.lower() not in STOP_WORDS]
    joined: list[str] = []
    for size in (2, 3):  # "parse http response" → parse_http_response / parsehttpresponse
        for start in range(len(plain) - size + 1):
            group = plain[start : start + size]
            joined += ["_".join(group), "".join(group)]
    return QueryTerms(words, list(dict.fromkeys(names)), list(dict.fromkeys(joined)))


def _looks_like_a_name(query: str, match: re.Match[str]) -> bool:
    """`build_services`, `RepoMap`, `HTTP2` are names; "path" is prose, and so is "Context"
    opening a sentence (capitalised only because it comes first)."""
    token = match.group()
    if len(token) <= 2 or token.lower() in STOP_WORDS or (token.islower() and token.isalpha()):
        return False
    if token[0].isupper() and token[1:].islower():
        before = query[: match.start()].rstrip()
        return bool(before) and before[-1] not in ".:!?;-—("
    return True


class Retriever:
    def __init__(self, store: IndexStore, repomap: RepoMap,
                 vectors: VectorStore | None = None,
                 is_secret: Callable[[str], bool] = is_secret) -> None:
        self.store = store
        self.is_secret = is_secret  # the workspace's VisibilityPolicy (with user patterns)
        self.repomap = repomap
        self.vectors = vectors

    def search(self, query: str, k: int = 10, signals: tuple[str, ...] = ("bm25", "symbol",
               "embedding", "repomap"), query_vector: QueryVector | None = None
               ) -> list[Snippet]:
        """`query_vector`: the query embedded by the `embed` model (None: no such signal)."""
        terms = query_terms(query)
        found: dict[int, Snippet] = {}
        fused: dict[int, float] = defaultdict(float)
        lists = []
        if "bm25" in signals:
            lists.append(("bm25", 1.0, self._bm25(terms)))
        if "symbol" in signals:
            lists.append(("symbol", 1.5, self._symbols(terms)))
        if "embedding" in signals and query_vector is not None and self.vectors is not None:
            lists.append(("embedding", EMBEDDING_WEIGHT, self._embedding(query_vector)))
        for signal, weight, hits in lists:
            for rank, (snippet, detail) in enumerate(hits, start=1):
                found.setdefault(snippet.chunk_id, snippet).signals.append(
                    Signal(signal, rank, detail))
                fused[snippet.chunk_id] += weight / (RRF_K + rank)
        if "repomap" in signals and found:
            ranks = self.repomap.file_ranks()
            top = max(ranks.values(), default=0.0) or 1.0
            for chunk_id, snippet in found.items():
                prior = ranks.get(snippet.path, 0.0) / top
                if prior > 0.05:
                    snippet.signals.append(Signal("repomap", 0, f"file rank {prior:.2f}"))
                fused[chunk_id] += PRIOR_WEIGHT * prior / RRF_K  # a tie-breaker, not a finder
        ordered = sorted(found.values(), key=lambda s: -fused[s.chunk_id])
        per_file: dict[str, int] = defaultdict(int)
        result: list[Snippet] = []
        for snippet in ordered:
            # The walker never indexes credentials; an index from before a rule might.
            if per_file[snippet.path] >= PER_FILE or self.is_secret(snippet.path):
                continue
            per_file[snippet.path] += 1
            snippet.score = round(fused[snippet.chunk_id] * RRF_K, 4)
            result.append(snippet)
            if len(result) >= k:
                break
        return result

    def _bm25(self, terms: QueryTerms) -> list[tuple[Snippet, str]]:
        if not terms.words:
            return []
        match = " OR ".join(f'"{word}"' for word in terms.words)
        weights = ", ".join(map(str, BM25_WEIGHTS))  # constants, not user input
        rows = self.store.read(
            "SELECT c.id, f.path, c.start_line, c.end_line, c.body,"  # noqa: S608
            f" bm25(chunks_fts, {weights}) AS score"
            " FROM chunks_fts JOIN chunks c ON c.id = chunks_fts.rowid"
            " JOIN files f ON f.id = c.file_id"
            " WHERE chunks_fts MATCH ? ORDER BY score LIMIT ?", (match, CANDIDATES))
        return [(_snippet(r), f"bm25 {-r['score']:.2f}") for r in rows]

    def _symbols(self, terms: QueryTerms) -> list[tuple[Snippet, str]]:
        candidates = [*terms.names, *terms.joined]
        if not candidates:
            return []
        marks = ",".join("?" * len(candidates))
        defs = self.store.read(
            "SELECT t.name, t.file_id, t.line, t.symbol_kind, f.path FROM tags t"  # noqa: S608
            " JOIN files f ON f.id = t.file_id"
            f" WHERE t.kind = 'def' AND t.name IN ({marks}) LIMIT 500", candidates)
        exact, loose = set(terms.names), set(terms.joined)
        # SQL matched ignoring case; a typed name ("PUT", "Cache") must match as typed.
        defs = [r for r in defs if r["name"] in exact or r["name"].lower() in loose]
        definers: dict[str, int] = defaultdict(int)
        for row in defs:
            definers[row["name"].lower()] += 1
        # A name defined in few places is a strong hint; one defined everywhere is not.
        ordered = sorted(defs, key=lambda r: (definers[r["name"].lower()], -len(r["name"])))
        hits: list[tuple[Snippet, str]] = []
        seen: set[int] = set()
        for row in ordered[:CANDIDATES]:
            chunk = self.store.read(
                "SELECT c.id, ? AS path, c.start_line, c.end_line, c.body FROM chunks c"
                " WHERE c.file_id = ? AND c.start_line <= ? AND c.end_line >= ? LIMIT 1",
                (row["path"], row["file_id"], row["line"], row["line"]))
            if chunk and chunk[0]["id"] not in seen:
                seen.add(chunk[0]["id"])
                hits.append((_snippet(chunk[0]), f"defines {row['symbol_kind']} {row['name']}"))
        return hits


    def _embedding(self, query: QueryVector) -> list[tuple[Snippet, str]]:
        assert self.vectors is not None
        ranked = self.vectors.rank(query.model, query.vector, CANDIDATES)
        if not ranked:
            return []
        similarity = dict(ranked)
        marks = ",".join("?" * len(ranked))
        rows = self.store.read(
            "SELECT c.id, f.path, c.start_line, c.end_line, c.body, c.hash FROM chunks c"  # noqa: S608
            f" JOIN files f ON f.id = c.file_id WHERE c.hash IN ({marks})",
            [h for h, _score in ranked])
        rows.sort(key=lambda r: (-similarity[r["hash"]], r["id"]))
        return [(_snippet(r), f"similar meaning (cosine {similarity[r['hash']]:.2f})")
                for r in rows[:CANDIDATES]]


def _snippet(row: object) -> Snippet:
    r = row  # sqlite3.Row
    return Snippet(r["id"], r["path"], r["start_line"], r["end_line"], r["body"])  # type: ignore[index]
