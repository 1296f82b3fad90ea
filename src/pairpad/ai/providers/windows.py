"""Reading a model's real context window from what its server says (pure parsing).

A guessed window that is larger than the server's makes requests overflow; one that is
smaller wastes context. Servers say it in different places:
- llama.cpp's server: `GET /props` → `default_generation_settings.n_ctx` (the slot's window);
- vLLM: `max_model_len` on each `/v1/models` entry; LM Studio: `loaded_context_length` or
  `max_context_length`; OpenRouter and others: `context_length` or `context_window`;
- Ollama: `POST /api/show` → `num_ctx` in `parameters` (what it runs with), else the
  model's trained `<arch>.context_length`, capped by what Pairpad asks it to allocate.
"""

from __future__ import annotations

from typing import Any

# Model-list fields, most specific (what is loaded now) first.
_MODEL_FIELDS = ("max_model_len", "loaded_context_length", "context_window", "context_length",
                 "max_context_length")
# Ollama allocates `num_ctx` tokens of KV cache; Pairpad asks for this much when the model's
# Modelfile does not say (and sends it with every request, so the assumption is true).
OLLAMA_DEFAULT_NUM_CTX = 8192


def _positive_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float) and value > 0:
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip()) or None
    return None


def window_from_props(body: Any) -> int | None:
    if not isinstance(body, dict):
        return None
    settings = body.get("default_generation_settings")
    if isinstance(settings, dict) and (n_ctx := _positive_int(settings.get("n_ctx"))):
        return n_ctx
    return _positive_int(body.get("n_ctx"))


def window_from_model_entry(entry: Any) -> int | None:
    if not isinstance(entry, dict):
        return None
    for name in _MODEL_FIELDS:
        if found := _positive_int(entry.get(name)):
            return found
    return None


def window_from_ollama_show(body: Any) -> int | None:
    """The window Ollama will run the model with when Pairpad sends `num_ctx` = this."""
    if not isinstance(body, dict):
        return None
    parameters = body.get("parameters")
    if isinstance(parameters, str):
        for line in parameters.splitlines():
            key, _, value = line.strip().partition(" ")
            if key == "num_ctx" and (found := _positive_int(value)):
                return found
    info = body.get("model_info")
    trained = None
    if isinstance(info, dict):
        trained = next((_positive_int(v) for k, v in info.items()
                        if k.endswith(".context_length") and _positive_int(v)), None)
    return min(trained, OLLAMA_DEFAULT_NUM_CTX) if trained else None
