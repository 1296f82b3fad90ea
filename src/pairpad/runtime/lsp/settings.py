"""`[lsp]` settings: which language servers run for which Monaco language ids.

Only the user's config (or env/arguments) may set these: a server command is a program that
runs with the user's rights, so a workspace's `.pairpad/config.toml` cannot (config_workspace
ignores the `lsp` table like every key it does not list).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class LspServerSettings(BaseModel):
    command: list[str] = Field(min_length=1, description="argv of a stdio language server; a "
                               "bare program name is looked up in the venv, tools/lsp, PATH.")
    languages: list[str] = Field(min_length=1, description="Monaco language ids it serves.")
    initialization_options: dict[str, Any] = Field(default_factory=dict)
    enabled: bool = True


def _default_servers() -> dict[str, LspServerSettings]:
    typescript = ["typescript", "javascript", "typescriptreact", "javascriptreact"]
    return {
        "basedpyright": LspServerSettings(command=["basedpyright-langserver", "--stdio"],
                                          languages=["python"]),
        "ruff": LspServerSettings(command=["ruff", "server"], languages=["python"]),
        "typescript": LspServerSettings(command=["typescript-language-server", "--stdio"],
                                        languages=typescript),
    }


class LspSettings(BaseModel):
    enabled: bool = Field(default=True, description="Run language servers at all.")
    servers: dict[str, LspServerSettings] = Field(
        default_factory=_default_servers,
        description="Language servers by name; a user's table replaces a default of the same "
        "name and adds others (gopls, rust-analyzer …).")
    request_timeout: float = Field(default=20.0, gt=0, description="Seconds a request may take "
                                   "before it is cancelled ($/cancelRequest) and answered 504.")
    start_timeout: float = Field(default=60.0, gt=0,
                                 description="Seconds a server has to answer `initialize`.")
    restart_delays: list[float] = Field(
        default_factory=lambda: [0.0, 2.0, 10.0],
        description="Wait before the n-th restart after crashes in a row; then it stays failed.")

    def model_post_init(self, _context: Any) -> None:
        # A user's `[lsp.servers.gopls]` adds to the defaults rather than replacing them all.
        merged = _default_servers()
        merged.update(self.servers)
        self.servers = merged
