"""Per-model differences as data (pydantic-ai style), matched by model-name substring."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FimTemplate:
    """Fill-in-the-middle prompt built from the model's own special tokens."""

    prefix: str
    suffix: str
    middle: str
    stop: tuple[str, ...] = ()

    def render(self, prefix: str, suffix: str) -> str:
        return f"{self.prefix}{prefix}{self.suffix}{suffix}{self.middle}"


@dataclass(frozen=True)
class ModelQuirks:
    context_window: int = 8192
    fim: FimTemplate | None = None
    system_role: bool = True  # o1-style models reject "system"
    temperature: bool = True  # reasoning models reject a temperature
    stream_usage: bool = True  # accepts stream_options.include_usage
    max_tokens_param: str = "max_tokens"


QWEN_FIM = FimTemplate("<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>", ("<|endoftext|>",))
STARCODER_FIM = FimTemplate("<fim_prefix>", "<fim_suffix>", "<fim_middle>", ("<|endoftext|>",))
CODELLAMA_FIM = FimTemplate("<PRE> ", " <SUF>", " <MID>", ("<EOT>",))
# DeepSeek spells its FIM tokens with fullwidth bars and U+2581.
DEEPSEEK_FIM = FimTemplate(
    "<\uff5cfim\u2581begin\uff5c>", "<\uff5cfim\u2581hole\uff5c>", "<\uff5cfim\u2581end\uff5c>"
)

# First match wins: put specific names before general ones.
_TABLE: tuple[tuple[str, ModelQuirks], ...] = (
    ("smollm2", ModelQuirks(context_window=8192)),  # no FIM tokens: prefix-only completion
    ("qwen2.5-coder", ModelQuirks(context_window=32768, fim=QWEN_FIM)),
    ("starcoder", ModelQuirks(context_window=8192, fim=STARCODER_FIM)),
    ("codellama", ModelQuirks(context_window=16384, fim=CODELLAMA_FIM)),
    ("deepseek-coder", ModelQuirks(context_window=16384, fim=DEEPSEEK_FIM)),
    ("o1", ModelQuirks(128000, system_role=False, temperature=False,
                       max_tokens_param="max_completion_tokens")),
    ("o3", ModelQuirks(200000, temperature=False, max_tokens_param="max_completion_tokens")),
    ("o4", ModelQuirks(200000, temperature=False, max_tokens_param="max_completion_tokens")),
    ("gpt-4.1", ModelQuirks(context_window=1_000_000)),
    ("gpt-4o", ModelQuirks(context_window=128000)),
    ("gpt-5", ModelQuirks(400000, temperature=False, max_tokens_param="max_completion_tokens")),
    ("claude", ModelQuirks(context_window=200000)),
    ("llama3", ModelQuirks(context_window=8192)),
)


def quirks_for(model: str) -> ModelQuirks:
    name = model.lower()
    for needle, quirks in _TABLE:
        # "o1"/"o3" must start the name, or "gpt-4o1…" style ids would match by accident.
        if (name.startswith(needle) if len(needle) <= 2 else needle in name):
            return quirks
    return ModelQuirks()
