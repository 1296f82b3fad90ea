"""Model profiles: the built-in table, looked up by provider kind and model name, and the
user's `ai.profiles` merged over it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx2
import pytest
from pydantic import ValidationError

from pairpad import config
from pairpad.ai.profiles import (
    BUILTIN_PROFILES,
    FIM_TEMPLATES,
    ModelProfiles,
    ProfileOverride,
    builtin_profile,
)
from pairpad.ai.provider_config import AISettings, LocalModelSettings, ProviderConfig
from pairpad.ai.providers.base import ChatMessage, TextDelta
from pairpad.ai.providers.endpoint import ProviderEndpoint
from pairpad.ai.providers.local import LocalModelServer, LocalProvider
from pairpad.ai.providers.openai_compat import OpenAICompatProvider
from pairpad.ai.providers.registry import ProviderRegistry, ProviderSpec
from pairpad.ai.roles import ModelRef
from pairpad.config import Settings

# The exact prompt each family is trained on, for prefix "P" and suffix "S".
FIM_PROMPTS = [
    ("qwen2.5-coder:7b", "qwen", "<|fim_prefix|>P<|fim_suffix|>S<|fim_middle|>"),
    ("Qwen/Qwen2.5-Coder-1.5B", "qwen", "<|fim_prefix|>P<|fim_suffix|>S<|fim_middle|>"),
    ("starcoder:3b", "starcoder", "<fim_prefix>P<fim_suffix>S<fim_middle>"),
    ("bigcode/starcoder2-3b", "starcoder2", "<fim_prefix>P<fim_suffix>S<fim_middle>"),
    ("deepseek-coder:6.7b-base", "deepseek",
     "<\uff5cfim\u2581begin\uff5c>P<\uff5cfim\u2581hole\uff5c>S<\uff5cfim\u2581end\uff5c>"),
    ("codellama:7b-code", "codellama", "<PRE> P <SUF>S <MID>"),
    ("CodeLlama-13b-hf", "codellama", "<PRE> P <SUF>S <MID>"),
    ("codestral-latest", "codestral", "[SUFFIX]S[PREFIX]P"),
]


@pytest.mark.parametrize(("model", "family", "prompt"), FIM_PROMPTS)
def test_each_fim_family_renders_its_own_template(model: str, family: str, prompt: str) -> None:
    for kind in ("openai_compat", "ollama", "local"):
        fim = builtin_profile(kind, model).fim
        assert fim is not None and fim.name == family, (kind, model)
        assert fim.render("P", "S") == prompt


# completion_prompt: the exact prompt and stop list for a real cursor (prefix, suffix).
PREFIX = "def add(a, b):\n    "
SUFFIX = "\n\nprint(add(1, 2))\n"
COMPLETION_PROMPTS = [
    ("qwen2.5-coder:7b",
     "<|fim_prefix|>def add(a, b):\n    <|fim_suffix|>\n\nprint(add(1, 2))\n<|fim_middle|>",
     ["<|endoftext|>"]),
    ("starcoder:3b",
     "<fim_prefix>def add(a, b):\n    <fim_suffix>\n\nprint(add(1, 2))\n<fim_middle>",
     ["<|endoftext|>"]),
    ("bigcode/starcoder2-3b",
     "<fim_prefix>def add(a, b):\n    <fim_suffix>\n\nprint(add(1, 2))\n<fim_middle>",
     ["<|endoftext|>", "<file_sep>"]),
    ("deepseek-coder-6.7b-base",
     "<\uff5cfim\u2581begin\uff5c>def add(a, b):\n    <\uff5cfim\u2581hole\uff5c>\n\n"
     "print(add(1, 2))\n<\uff5cfim\u2581end\uff5c>",
     []),
    ("codellama:7b-code",
     "<PRE> def add(a, b):\n     <SUF>\n\nprint(add(1, 2))\n <MID>",
     ["<EOT>"]),
    ("codestral-latest",
     "[SUFFIX]\n\nprint(add(1, 2))\n[PREFIX]def add(a, b):\n    ",
     ["[PREFIX]", "[SUFFIX]"]),
]


@pytest.mark.parametrize(("model", "prompt", "stops"), COMPLETION_PROMPTS)
def test_completion_prompt_for_each_fim_family(model: str, prompt: str, stops: list[str]
                                               ) -> None:
    for kind in ("openai_compat", "ollama", "local"):
        assert builtin_profile(kind, model).completion_prompt(PREFIX, SUFFIX) == (prompt, stops)
    # No suffix: prefix-only, and the template's stops are not needed.
    assert builtin_profile("openai_compat", model).completion_prompt(PREFIX, None) == (
        PREFIX, [])


def test_completion_prompt_at_the_end_of_the_file_still_marks_the_middle() -> None:
    qwen = builtin_profile("openai_compat", "qwen2.5-coder:7b")
    assert qwen.completion_prompt("x = ", "") == (
        "<|fim_prefix|>x = <|fim_suffix|><|fim_middle|>", ["<|endoftext|>"])


def test_completion_prompt_is_prefix_only_without_fim_tokens() -> None:
    for kind, model in (("local", "smollm2-135m-instruct"), ("openai_compat", "gpt-4o-mini"),
                        ("ollama", "llama3:8b"), ("anthropic", "codestral-latest")):
        assert builtin_profile(kind, model).completion_prompt(PREFIX, SUFFIX) == (PREFIX, []), (
            kind, model)


def test_completion_prompt_follows_the_settings_override() -> None:
    settings = AISettings.model_validate({"profiles": {
        "smollm2*": {"fim": "starcoder2", "stop": ["\n\n"]},
        "lab:my-finetune": {"fim": "codestral", "stop": ["\n\n", "[PREFIX]", ""]},
        "qwen2.5-coder*": {"fim": "none", "stop": ["\ndef "]},
    }})
    profiles = ModelProfiles(settings.profiles)
    small = profiles.get("local", "smollm2-135m-instruct")
    assert small.completion_prompt("P", "S") == (
        "<fim_prefix>P<fim_suffix>S<fim_middle>", ["\n\n", "<|endoftext|>", "<file_sep>"])
    assert small.completion_prompt("P", None) == ("P", ["\n\n"])  # the profile's own stays
    tuned = profiles.get("openai_compat", "my-finetune", "lab")
    # Each stop once, empty ones dropped, the profile's first.
    assert tuned.completion_prompt("P", "S") == ("[SUFFIX]S[PREFIX]P",
                                                 ["\n\n", "[PREFIX]", "[SUFFIX]"])
    assert profiles.get("openai_compat", "my-finetune", "other").completion_prompt(
        "P", "S") == ("P", [])  # "lab:" keys only that provider's model
    assert profiles.get("ollama", "qwen2.5-coder:7b").completion_prompt("P", "S") == (
        "P", ["\ndef "])  # fim = "none": prefix only


def test_fim_stop_tokens() -> None:
    assert FIM_TEMPLATES["qwen"].stop == ("<|endoftext|>",)
    assert FIM_TEMPLATES["codellama"].stop == ("<EOT>",)
    assert "<file_sep>" in FIM_TEMPLATES["starcoder2"].stop  # goes on with the next file
    assert "<file_sep>" not in FIM_TEMPLATES["starcoder"].stop
    assert set(FIM_TEMPLATES["codestral"].stop) == {"[PREFIX]", "[SUFFIX]"}


def test_models_without_fim_complete_from_the_prefix_only() -> None:
    assert builtin_profile("local", "smollm2-135m-instruct").fim is None
    assert builtin_profile("openai_compat", "gpt-4o-mini").fim is None
    assert builtin_profile("ollama", "llama3:8b").fim is None


def test_the_provider_kind_decides_what_the_model_cannot() -> None:
    # The Messages API takes no raw prompt and no temperature; tools speak each wire format.
    claude = builtin_profile("anthropic", "claude-sonnet-5-5")
    assert claude.fim is None and not claude.temperature and claude.tools == "anthropic"
    assert builtin_profile("anthropic", "codestral-latest").fim is None  # the kind wins
    assert builtin_profile("openai_compat", "claude-sonnet-5-5").tools == "openai"
    assert builtin_profile("openai_compat", "claude-sonnet-5-5").temperature
    assert builtin_profile("ollama", "qwen2.5-coder:7b").tools == "ollama"
    assert builtin_profile("openai_compat", "qwen2.5-coder:7b").tools == "openai"


def test_request_quirks_context_windows_and_edit_formats() -> None:
    o1 = builtin_profile("openai_compat", "o1-mini")
    assert not o1.system_role and not o1.temperature
    assert o1.max_tokens_param == "max_completion_tokens"
    assert builtin_profile("openai_compat", "openai/o1-preview").max_tokens_param == (
        "max_completion_tokens")  # a vendor prefix (OpenRouter) still matches
    assert builtin_profile("openai_compat", "gpt-4o1").system_role  # "o1" starts the name only
    assert builtin_profile("openai_compat", "gpt-4o").max_tokens_param == "max_tokens"
    assert builtin_profile("anthropic", "claude-sonnet-5-5").context_window == 200000
    assert builtin_profile("openai_compat", "gpt-4.1-mini").context_window == 1_000_000
    assert builtin_profile("openai_compat", "someone/unknown-model").context_window == 8192
    assert builtin_profile("openai_compat", "gpt-4.1").edit_format == "udiff"
    assert builtin_profile("openai_compat", "claude-sonnet-5-5").edit_format == "search_replace"
    small = builtin_profile("local", "smollm2-135m-instruct")
    assert small.edit_format == "whole" and small.tools == "none"
    assert small.chat_template == "chatml"


def test_user_overrides_merge_field_by_field() -> None:
    profiles = ModelProfiles({
        "qwen2.5-coder*": ProfileOverride(context_window=65536, edit_format="udiff"),
        "qwen2.5-coder:7b": ProfileOverride(context_window=16384),  # exact: applied last
        "myollama:*": ProfileOverride(stop=["\n\n"]),
        "my-finetune": ProfileOverride(fim="codestral", tools="none"),
        "smollm2*": ProfileOverride(fim="qwen"),
        "codellama*": ProfileOverride(fim="none"),
    })
    seven = profiles.get("ollama", "qwen2.5-coder:7b", "myollama")
    assert seven.context_window == 16384  # the exact name beats the glob
    assert seven.edit_format == "udiff"  # the glob's other field stays
    assert seven.stop == ("\n\n",)  # "provider:model" keys match too
    assert seven.fim is not None and seven.fim.name == "qwen"  # untouched fields: the table's
    assert seven.tools == "ollama"
    other = profiles.get("openai_compat", "Qwen2.5-Coder:1.5b", "lab")  # case-insensitive
    assert other.context_window == 65536 and other.stop == ()
    tuned = profiles.get("openai_compat", "my-finetune", "lab")
    assert tuned.fim is not None and tuned.fim.name == "codestral" and tuned.tools == "none"
    assert profiles.get("local", "smollm2-135m-instruct").fim == FIM_TEMPLATES["qwen"]
    assert profiles.get("ollama", "codellama:7b-code").fim is None  # "none" removes it
    assert BUILTIN_PROFILES.get("ollama", "qwen2.5-coder:7b").context_window == 32768


def test_settings_validate_profiles_and_name_the_bad_field() -> None:
    settings = AISettings.model_validate(
        {"profiles": {"qwen*": {"context_window": 32768, "fim": "qwen", "edit_format": "udiff"}}})
    assert settings.profiles["qwen*"] == ProfileOverride(
        context_window=32768, fim="qwen", edit_format="udiff")
    with pytest.raises(ValidationError) as caught:
        AISettings.model_validate({"profiles": {"qwen*": {"context_windw": 32768}}})
    text = str(caught.value)
    assert "profiles.qwen*" in text and "'context_windw'" in text and "context_window" in text
    for bad in ({"fim": "gpt"}, {"edit_format": "diff"}, {"context_window": 0},
                {"tools": "xml"}):
        with pytest.raises(ValidationError, match=r"profiles\.m\."):
            AISettings.model_validate({"profiles": {"m": bad}})
    with pytest.raises(ValidationError, match="model name or glob"):
        AISettings.model_validate({"profiles": {" ": {"fim": "qwen"}}})


@pytest.fixture
def user_toml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "user-config" / "config.toml"
    path.parent.mkdir()
    monkeypatch.setattr(config, "user_config_file", lambda: path)
    for name in list(__import__("os").environ):
        if name.startswith("PAIRPAD_"):
            monkeypatch.delenv(name)
    return path


def test_profiles_come_from_the_user_toml_and_env_never_the_workspace(
    user_toml: Path, workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    user_toml.write_text('[ai.profiles."qwen2.5-coder*"]\ncontext_window = 65536\n')
    (workspace / ".pairpad").mkdir()
    (workspace / ".pairpad" / "config.toml").write_text(
        '[ai.profiles."qwen2.5-coder*"]\ncontext_window = 1000000\n'
        '[ai.profiles."*"]\nfim = "codestral"\n')
    settings = Settings(workspace=workspace)
    assert settings.ai.profiles == {"qwen2.5-coder*": ProfileOverride(context_window=65536)}
    monkeypatch.setenv("PAIRPAD_AI__PROFILES", '{"gpt-4o*": {"context_window": 4096}}')
    assert Settings(workspace=workspace).ai.profiles == {  # merged with the user's file
        "qwen2.5-coder*": ProfileOverride(context_window=65536),
        "gpt-4o*": ProfileOverride(context_window=4096)}
    user_toml.write_text('[ai.profiles."qwen*"]\nwindow = 1\n')
    monkeypatch.delenv("PAIRPAD_AI__PROFILES")
    with pytest.raises(ValidationError, match="'window'"):
        Settings(workspace=workspace)


async def test_registry_window_falls_back_to_the_profile_with_overrides(tmp_path: Path) -> None:
    registry = ProviderRegistry(LocalModelServer(LocalModelSettings(), tmp_path))
    # Port 9 (discard): nothing answers, so no server report; the profile decides.
    down = ProviderConfig(kind="openai_compat", base_url="http://127.0.0.1:9/v1",
                          connect_timeout=0.5)
    set_window = ProviderConfig(kind="openai_compat", base_url="http://127.0.0.1:9/v1",
                                context_window=2048)
    specs = {"lab": ProviderSpec("lab", down), "fixed": ProviderSpec("fixed", set_window)}
    registry.configure(specs, {})
    assert await registry.context_window(ModelRef("lab", "qwen2.5-coder:7b")) == 32768
    registry.configure(specs, {}, ModelProfiles(
        {"lab:qwen*": ProfileOverride(context_window=12000, fim="starcoder2")}))
    ref = ModelRef("lab", "qwen2.5-coder:7b")
    assert await registry.context_window(ref) == 12000
    profile = registry.profile_for(ref)
    assert profile.fim is not None and profile.fim.name == "starcoder2"
    assert profile.tools == "openai"
    # The provider setting still comes first.
    assert await registry.context_window(ModelRef("fixed", "qwen2.5-coder:7b")) == 2048
    # Providers are built with the user's profiles: model lists show the merged window.
    provider = registry.get("lab")
    assert provider.profiles.get("openai_compat", "qwen2.5-coder:7b", "lab").context_window == (
        12000)
    await registry.aclose()


async def test_the_embedded_model_lists_fim_from_its_profile(tmp_path: Path) -> None:
    server = LocalModelServer(LocalModelSettings(), tmp_path)
    [info] = await LocalProvider(server).list_models()
    assert info.supports_fim is False  # SmolLM2 has no FIM tokens
    override = ModelProfiles({"smollm2*": ProfileOverride(fim="qwen")})
    [info] = await LocalProvider(server, profiles=override).list_models()
    assert info.supports_fim is True


async def test_the_openai_adapter_builds_requests_from_the_merged_profile() -> None:
    seen: list[dict[str, Any]] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(json.loads(request.content))
        if request.url.path.endswith("/completions") and "chat" not in request.url.path:
            return httpx2.Response(200, headers={"content-type": "text/event-stream"}, content=(
                b'data: {"id":"c","object":"text_completion","created":0,"model":"m",'
                b'"choices":[{"index":0,"text":"mid","finish_reason":"stop"}]}\n\n'
                b"data: [DONE]\n\n"))
        return httpx2.Response(200, headers={"content-type": "text/event-stream"}, content=(
            b'data: {"id":"c","object":"chat.completion.chunk","created":0,"model":"m",'
            b'"choices":[{"index":0,"delta":{"content":"hi"},"finish_reason":"stop"}]}\n\n'
            b"data: [DONE]\n\n"))

    profiles = ModelProfiles({"my-finetune": ProfileOverride(
        fim="codestral", stop=["\n\n"], system_role=False, temperature=False,
        max_tokens_param="max_completion_tokens")})
    provider = OpenAICompatProvider(
        ProviderEndpoint("lab", "http://llm.test/v1", api_key="k"), profiles=profiles,
        http_client=httpx2.AsyncClient(transport=httpx2.MockTransport(handler)))
    done = await provider.complete(model="my-finetune", prefix="P", suffix="S", max_tokens=8)
    assert done.text == "mid"
    assert seen[0]["prompt"] == "[SUFFIX]S[PREFIX]P"
    assert seen[0]["stop"] == ["\n\n", "[PREFIX]", "[SUFFIX]"]
    assert provider.model_info("my-finetune").supports_fim
    assert not provider.model_info("plain-model").supports_fim
    events = [e async for e in provider.stream_chat(
        [ChatMessage("system", "Be brief."), ChatMessage("user", "Hi")], model="my-finetune",
        max_tokens=8, temperature=0.3)]
    assert events[0] == TextDelta("hi")
    chat = seen[-1]
    assert [m["role"] for m in chat["messages"]] == ["user", "user"]  # no system role
    assert "temperature" not in chat and chat["max_completion_tokens"] == 8
    await provider.complete(model="plain-model", prefix="P", suffix="S", max_tokens=8)
    assert seen[-1]["prompt"] == "P" and not seen[-1].get("stop")  # no FIM: prefix only
    await provider.aclose()
