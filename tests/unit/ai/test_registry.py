"""Provider instances across settings edits: a replaced client is closed once unused."""

from __future__ import annotations

import asyncio
from pathlib import Path

from pairpad.ai.provider_config import LocalModelSettings, ProviderConfig
from pairpad.ai.providers.local import LocalModelServer
from pairpad.ai.providers.openai_compat import OpenAICompatProvider
from pairpad.ai.providers.registry import ProviderRegistry, ProviderSpec


def spec(port: int) -> dict[str, ProviderSpec]:
    config = ProviderConfig(kind="openai_compat", base_url=f"http://127.0.0.1:{port}/v1")
    return {"lab": ProviderSpec("lab", config)}


def closed(provider: object) -> bool:
    provider = getattr(provider, "inner", provider)  # the registry hands out metered ones
    assert isinstance(provider, OpenAICompatProvider)
    return bool(provider._client.is_closed())


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_replaced_clients_are_closed_when_no_stream_uses_them(tmp_path: Path) -> None:
    registry = ProviderRegistry(LocalModelServer(LocalModelSettings(), tmp_path))
    registry.configure(spec(1), {})
    idle = registry.get("lab")
    registry.configure(spec(2), {})  # an edit while nothing streams: closed right away
    busy = registry.get("lab")
    assert busy is not idle
    await settle()
    assert closed(idle) and registry.retired == 0

    async with registry.using(busy):  # a stream on `busy` while the provider is edited again
        registry.configure(spec(3), {})
        current = registry.get("lab")
        await settle()
        assert not closed(busy) and registry.retired == 1
    await settle()
    assert closed(busy) and registry.retired == 0  # closed when its stream ended
    assert not closed(current)

    registry.configure({}, {})  # provider deleted: its client goes too
    await settle()
    assert closed(current)
    await registry.aclose()
