"""The completion cache: consulted before any provider call.

An LRU keyed on (model ref, path, prefix) holding the cleaned completion shown for that
prefix. Besides exact hits it answers "typing through": when the new prefix is an earlier
prefix plus what the user typed, and that earlier completion starts with the typed text, the
rest of the completion is the answer — no request. The suffix is not part of the key: what
follows the cursor rarely changes while typing, and a stale guess costs one dismissal.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

Key = tuple[str, str, str]  # (model ref, path, prefix)


@dataclass(frozen=True)
class Hit:
    text: str  # what to show now ("" when the model had nothing for this exact prefix)
    typed: int  # characters typed through since the cached prefix (0: exact hit)


class CompletionCache:
    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[Key, str] = OrderedDict()
        # Per (model, path): the cached prefixes, for typing-through lookups.
        self._by_file: dict[tuple[str, str], set[str]] = {}
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, model: str, path: str, prefix: str) -> Hit | None:
        if self.size <= 0:
            return None
        exact = self._entries.get((model, path, prefix))
        if exact is not None:
            self._entries.move_to_end((model, path, prefix))
            self.hits += 1
            return Hit(exact, 0)
        hit = self._typed_through(model, path, prefix)
        if hit is None:
            self.misses += 1
        else:
            self.hits += 1
        return hit

    def _typed_through(self, model: str, path: str, prefix: str) -> Hit | None:
        best: tuple[str, Hit] | None = None
        for earlier in self._by_file.get((model, path), ()):
            if len(earlier) >= len(prefix):
                continue
            completion = self._entries[(model, path, earlier)]
            typed = len(prefix) - len(earlier)
            if typed >= len(completion):
                continue  # typed all of it (or past it): nothing left to show
            if not prefix.startswith(earlier):
                continue
            if not completion.startswith(prefix[len(earlier):]):
                continue
            # The closest earlier prefix wins (the most recent request along this path).
            if best is None or len(earlier) > len(best[0]):
                best = (earlier, Hit(completion[typed:], typed))
        if best is None:
            return None
        self._entries.move_to_end((model, path, best[0]))
        return best[1]

    def put(self, model: str, path: str, prefix: str, completion: str) -> None:
        if self.size <= 0:
            return
        key = (model, path, prefix)
        self._entries[key] = completion
        self._entries.move_to_end(key)
        self._by_file.setdefault((model, path), set()).add(prefix)
        while len(self._entries) > self.size:
            (old_model, old_path, old_prefix), _ = self._entries.popitem(last=False)
            prefixes = self._by_file.get((old_model, old_path))
            if prefixes is not None:
                prefixes.discard(old_prefix)
                if not prefixes:
                    del self._by_file[(old_model, old_path)]

    def clear(self) -> None:
        self._entries.clear()
        self._by_file.clear()
