"""The AI layer's long-lived parts, built once per server and started/stopped with it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pairpad.ai.chat import ChatService
from pairpad.ai.conversations import ConversationStore
from pairpad.ai.inline_edit import InlineEditService
from pairpad.ai.provider_config import AISettings
from pairpad.ai.provider_store import AISettingsService
from pairpad.ai.providers.local import LocalModelServer
from pairpad.ai.providers.registry import ProviderRegistry
from pairpad.ai.secrets import SecretBox
from pairpad.ai.sources.base import ContextSource, FileReader
from pairpad.ai.sources.gate import SecretCheck
from pairpad.ai.sources.mentions import MentionSource
from pairpad.ai.sources.request import RequestSource
from pairpad.events.bus import Publish
from pairpad.storage.db import Database
from pairpad.storage.owner import Owner


@dataclass
class AIServices:
    """A Component: `start()` loads the provider settings and, when a role uses the embedded
    model, starts its server in the background (`ai.local.preload`), never delaying start-up."""

    local_server: LocalModelServer
    registry: ProviderRegistry
    config: AISettingsService
    conversations: ConversationStore
    chat: ChatService
    inline_edit: InlineEditService
    preload: bool = True

    async def start(self) -> None:
        await self.local_server.start()
        await self.config.load()
        if self.preload and self.uses_local_model():
            self.local_server.preload()

    def uses_local_model(self) -> bool:
        specs = self.registry.specs
        return any(spec.config.kind == "local" for role, ref in self.registry.roles.items()
                   if role != "embed" and (spec := specs.get(ref.provider)) is not None)

    async def stop(self) -> None:
        await self.chat.stop()
        await self.inline_edit.stop()
        await self.registry.aclose()
        await self.local_server.stop()  # kills the llama.cpp process group


def build_ai(
    settings: AISettings, data_dir: Path, db: Database, files: FileReader, events: Publish,
    local_server: LocalModelServer | None = None, *, secrets: SecretCheck, owner: Owner,
    secret_box: SecretBox | None = None, allow_env_keys: bool = True,
) -> AIServices:
    """`secrets`: the workspace's visibility policy; no secret file reaches a model.
    `owner`: whose rows the stores read and write (storage/owner.py).
    `secret_box`: encrypts the stored API keys (default: the data dir's key file); the team
    server hands every workspace of a team the same box. `allow_env_keys` False (team mode):
    no provider key ever comes from the server's environment variables."""
    server = local_server or LocalModelServer(settings.local, data_dir / "logs")
    registry = ProviderRegistry(server)
    box = secret_box if secret_box is not None else SecretBox(data_dir)
    config = AISettingsService(settings, db, box, registry, owner,
                               allow_env_keys=allow_env_keys)
    conversations = ConversationStore(db, owner)
    sources: list[ContextSource] = [RequestSource(files, secrets), MentionSource(files, secrets)]
    chat = ChatService(conversations, registry, settings, sources, events)
    inline_edit = InlineEditService(registry, secrets, events)  # Ctrl/Cmd+K, the `edit` role
    return AIServices(server, registry, config, conversations, chat, inline_edit,
                      settings.local.preload)
