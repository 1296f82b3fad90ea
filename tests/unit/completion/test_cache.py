"""The completion cache: exact hits, typing through a shown completion, LRU eviction."""

from __future__ import annotations

from pairpad.ai.completion.cache import CompletionCache, Hit

M = "local:smollm2"
P = "app.py"


def test_exact_prefix_hit_and_miss() -> None:
    cache = CompletionCache(8)
    cache.put(M, P, "def add(a, b):\n    ", "return a + b")
    assert cache.get(M, P, "def add(a, b):\n    ") == Hit("return a + b", 0)
    # Another model, another file, another prefix: each a miss.
    assert cache.get("ollama:qwen", P, "def add(a, b):\n    ") is None
    assert cache.get(M, "other.py", "def add(a, b):\n    ") is None
    assert cache.get(M, P, "def sub(a, b):\n    ") is None
    assert (cache.hits, cache.misses) == (1, 3)


def test_typing_through_returns_the_rest_without_a_request() -> None:
    cache = CompletionCache(8)
    prefix = "def add(a, b):\n    "
    cache.put(M, P, prefix, "return a + b")
    assert cache.get(M, P, prefix + "r") == Hit("eturn a + b", 1)
    assert cache.get(M, P, prefix + "return a") == Hit(" + b", 8)
    assert cache.get(M, P, prefix + "return a + ") == Hit("b", 11)


def test_typing_something_else_is_a_miss() -> None:
    cache = CompletionCache(8)
    prefix = "x = "
    cache.put(M, P, prefix, "compute(1)")
    assert cache.get(M, P, prefix + "z") is None  # diverged from the suggestion
    assert cache.get(M, P, "y = c") is None  # not the same earlier prefix


def test_typing_all_of_it_is_a_miss_not_an_empty_answer() -> None:
    cache = CompletionCache(8)
    cache.put(M, P, "x = ", "1")
    assert cache.get(M, P, "x = 1") is None  # nothing left: ask the model what comes next
    assert cache.get(M, P, "x = 12") is None


def test_an_empty_completion_is_remembered_for_its_exact_prefix_only() -> None:
    cache = CompletionCache(8)
    cache.put(M, P, "x = ", "")
    assert cache.get(M, P, "x = ") == Hit("", 0)
    assert cache.get(M, P, "x = 1") is None


def test_the_closest_earlier_prefix_wins() -> None:
    cache = CompletionCache(8)
    cache.put(M, P, "print(", "'hello world')")
    cache.put(M, P, "print('he", "llo there')")  # a newer answer further along
    assert cache.get(M, P, "print('hel") == Hit("lo there')", 1)


def test_lru_eviction_keeps_the_recently_used() -> None:
    cache = CompletionCache(2)
    cache.put(M, P, "a", "1")
    cache.put(M, P, "b", "2")
    assert cache.get(M, P, "a") == Hit("1", 0)  # "a" is now the most recent
    cache.put(M, P, "c", "3")  # evicts "b"
    assert len(cache) == 2
    assert cache.get(M, P, "b") is None
    assert cache.get(M, P, "a") == Hit("1", 0)
    assert cache.get(M, P, "c") == Hit("3", 0)


def test_evicted_prefixes_are_not_typed_through() -> None:
    cache = CompletionCache(1)
    cache.put(M, P, "x = ", "value")
    cache.put(M, "other.py", "y", "z")
    assert cache.get(M, P, "x = v") is None


def test_size_zero_disables_the_cache() -> None:
    cache = CompletionCache(0)
    cache.put(M, P, "x = ", "1")
    assert len(cache) == 0
    assert cache.get(M, P, "x = ") is None
