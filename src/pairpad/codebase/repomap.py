"""Repo map: a def/ref graph of files ranked with PageRank, personalised to what the
conversation is about, rendered as elided signatures within a token budget (after aider's).

The graph and its ranks are cached per index generation; rendered maps per request shape."""

from __future__ import annotations

import math
import threading
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx

from pairpad.codebase.store import IndexStore

CHARS_PER_TOKEN = 4  # a rough estimate; good enough to budget a prompt section
# Rendered maps kept (LRU): the key holds client-chosen files/symbols, so it must be bounded.
RENDER_CACHE_SIZE = 32


def estimate_tokens(text: str) -> int:
    return (len(text) + CHARS_PER_TOKEN - 1) // CHARS_PER_TOKEN


@dataclass(frozen=True)
class Definition:
    path: str
    name: str
    line: int
    signature: str


@dataclass
class Graph:
    generation: int
    edges: dict[tuple[str, str], dict[str, float]]  # (referencer, definer) → name → weight
    defines: dict[str, set[str]]  # name → files
    definitions: dict[tuple[str, str], list[Definition]]  # (file, name) → defs
    files: set[str]


class RepoMap:
    def __init__(self, store: IndexStore) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._graph: Graph | None = None
        self._global_rank: dict[str, float] = {}
        self._rendered: OrderedDict[tuple[object, ...], str] = OrderedDict()

    def graph(self) -> Graph:
        with self._lock:
            if self._graph is None or self._graph.generation != self.store.generation:
                self._graph = _build_graph(self.store)
                self._global_rank = {}
                self._rendered.clear()
            return self._graph

    def file_ranks(self) -> dict[str, float]:
        """Unpersonalised PageRank of every file (a prior for retrieval)."""
        graph = self.graph()
        with self._lock:
            if not self._global_rank and graph.files:
                self._global_rank = _pagerank(graph, {}, set())
            return self._global_rank

    def ranked_definitions(self, files: Iterable[str] = (), idents: Iterable[str] = ()
                           ) -> list[tuple[float, Definition]]:
        graph = self.graph()
        focus, mentioned = set(files), set(idents)
        rank = _pagerank(graph, {f: 1.0 for f in focus if f in graph.files}, mentioned)
        scored: dict[tuple[str, str], float] = defaultdict(float)
        out_weight: dict[str, float] = defaultdict(float)
        for (src, _dst), names in graph.edges.items():
            out_weight[src] += sum(names.values())
        for (src, dst), names in graph.edges.items():
            for name, weight in names.items():
                scored[(dst, name)] += rank.get(src, 0.0) * weight / out_weight[src]
        top = max(scored.values(), default=0.0)
        for name in mentioned:  # symbols the conversation names come first
            for path in graph.defines.get(name, ()):
                scored[(path, name)] += top
        ranked = sorted(scored.items(), key=lambda item: -item[1])
        result: list[tuple[float, Definition]] = []
        for (path, name), score in ranked:
            result.extend((score, d) for d in graph.definitions.get((path, name), []))
        return result

    def render(self, files: Iterable[str] = (), idents: Iterable[str] = (),
               max_tokens: int = 1024, exclude_focus: bool = True) -> str:
        focus, mentioned = frozenset(files), frozenset(idents)
        key = (self.store.generation, focus, mentioned, max_tokens, exclude_focus)
        with self._lock:
            cached = self._rendered.get(key)
            if cached is not None:
                self._rendered.move_to_end(key)
                return cached
        ranked = [d for _, d in self.ranked_definitions(focus, mentioned)
                  if not (exclude_focus and d.path in focus)]
        # Binary search the number of definitions whose rendering fits the budget.
        low, high, best = 0, len(ranked), ""
        while low <= high:
            middle = (low + high) // 2
            text = _render(ranked[:middle])
            if estimate_tokens(text) <= max_tokens:
                best, low = text, middle + 1
            else:
                high = middle - 1
        with self._lock:
            self._rendered[key] = best
            while len(self._rendered) > RENDER_CACHE_SIZE:
                self._rendered.popitem(last=False)
        return best


def _build_graph(store: IndexStore) -> Graph:
    generation = store.generation
    defines: dict[str, set[str]] = defaultdict(set)
    definitions: dict[tuple[str, str], list[Definition]] = defaultdict(list)
    for row in store.read("SELECT f.path, t.name, t.line, t.signature FROM tags t"
                          " JOIN files f ON f.id = t.file_id WHERE t.kind = 'def'"):
        defines[row["name"]].add(row["path"])
        definitions[(row["path"], row["name"])].append(
            Definition(row["path"], row["name"], row["line"], row["signature"] or ""))
    references: dict[str, Counter[str]] = defaultdict(Counter)
    for row in store.read("SELECT f.path, t.name, COUNT(*) AS n FROM tags t"
                          " JOIN files f ON f.id = t.file_id WHERE t.kind = 'ref'"
                          " GROUP BY f.path, t.name"):
        if row["name"] in defines:
            references[row["name"]][row["path"]] += row["n"]
    edges: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
    for name, referencers in references.items():
        definers = defines[name]
        weight = _name_weight(name, len(definers))
        for referencer, count in referencers.items():
            for definer in definers:
                edges[(referencer, definer)][name] = weight * math.sqrt(count)
    for name, definers in defines.items():  # unreferenced definitions still rank, lowly
        if name not in references:
            for definer in definers:
                edges[(definer, definer)][name] = 0.1
    files = {p for ps in defines.values() for p in ps} | {s for s, _ in edges}
    return Graph(generation, dict(edges), dict(defines), dict(definitions), files)


def _name_weight(name: str, definers: int) -> float:
    weight = 1.0
    if len(name) >= 8 and ("_" in name or not name.islower()):
        weight *= 3  # specific names say more than `get` or `run`
    if name.startswith("_"):
        weight *= 0.1
    if definers > 5:
        weight *= 0.1  # defined everywhere: says little about any one file
    return weight


def _pagerank(graph: Graph, personalization: dict[str, float], mentioned: set[str]
              ) -> dict[str, float]:
    if not graph.files:
        return {}
    digraph: nx.DiGraph[str] = nx.DiGraph()
    digraph.add_nodes_from(graph.files)
    for (src, dst), names in graph.edges.items():
        weight = sum(w * (10 if n in mentioned else 1) for n, w in names.items())
        digraph.add_edge(src, dst, weight=weight)
    for name in mentioned:  # files defining a mentioned symbol are part of the focus
        for path in graph.defines.get(name, ()):
            personalization[path] = personalization.get(path, 0.0) + 1.0
    try:
        ranks: dict[str, float] = nx.pagerank(digraph, weight="weight",
                                              personalization=personalization or None)
    except nx.PowerIterationFailedConvergence:
        ranks = {f: 1.0 / len(graph.files) for f in graph.files}
    return ranks


def _render(definitions: list[Definition]) -> str:
    by_file: dict[str, list[Definition]] = defaultdict(list)
    for definition in definitions:
        by_file[definition.path].append(definition)
    parts: list[str] = []
    for path in sorted(by_file):
        parts.append(f"{path}:")
        last = 0
        for definition in sorted(by_file[path], key=lambda d: d.line):
            if definition.line == last:
                continue
            if definition.line > last + 1:
                parts.append("⋮")
            parts.append(f"│{definition.signature}")
            last = definition.line
        parts.append("⋮")
    return "\n".join(parts) + ("\n" if parts else "")
