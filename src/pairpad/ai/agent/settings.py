"""Settings of agent runs (`[agent]` in the user's config.toml, `PAIRPAD_AGENT__*` in env).

A workspace's own `.pairpad/config.toml` cannot set these (a cloned repository must not raise
budgets or add MCP servers that run programs); its `[agent] allowed_commands` list is read
separately and counts only once the user approved it (policy.py).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator


class McpServerSettings(BaseModel):
    """One MCP server: a program spoken to over stdio (`command`) or a streamable HTTP `url`."""

    model_config = ConfigDict(extra="forbid")
    command: list[str] | None = Field(
        default=None, description="argv of a stdio server, e.g. [\"uvx\", \"mcp-server-git\"].")
    url: str | None = Field(default=None, description="Endpoint of a streamable HTTP server.")
    env: dict[str, str] = Field(
        default_factory=dict, description="Extra environment of a stdio server (it gets no "
        "API keys of Pairpad's providers).")
    headers: dict[str, str] = Field(default_factory=dict,
                                    description="Extra HTTP headers of an HTTP server.")
    trusted: bool = Field(default=False, description="Its tool calls run without asking.")
    enabled: bool = True
    start_timeout_s: float = Field(default=30.0, gt=0, description="A server not ready (started "
                                   "and its tools listed) this long after Pairpad starts fails.")
    call_timeout_s: float = Field(default=120.0, gt=0,
                                  description="A tool call answered not this long fails.")

    @model_validator(mode="after")
    def _one_transport(self) -> McpServerSettings:
        if (self.command is None) == (self.url is None):
            raise ValueError("an MCP server needs exactly one of `command` (stdio) or `url`")
        if self.command is not None and not self.command:
            raise ValueError("`command` must name a program")
        return self


class AgentSettings(BaseModel):
    max_steps: int = Field(default=40, ge=1, le=500,
                           description="Model turns per run before it stops (`max_steps`).")
    max_tokens: int = Field(default=400_000, ge=1000, description="Input + output tokens per "
                            "run before it stops (`max_tokens`).")
    repeat_limit: int = Field(default=3, ge=2, le=20, description="The same tool call with the "
                              "same arguments this many times in a row stops the run (`loop`).")
    reply_tokens: int = Field(default=4096, ge=64, description="max_tokens of one model turn.")
    temperature: float = Field(default=0.0, ge=0, le=2)
    output_chars: int = Field(default=16_000, ge=1000, description="A tool result longer than "
                              "this is cut (the model is told where).")
    command_timeout_s: float = Field(default=120.0, gt=0,
                                     description="Default timeout of `run_command`.")
    approval_timeout_s: float = Field(default=3600.0, gt=0, description="A run waiting this "
                                      "long for a decision ends with `error: no decision`.")
    allowed_commands: list[list[str]] = Field(
        default_factory=list, description="argv patterns auto mode runs without asking: each "
        "word exact, `*` any one word, a last `**` any rest; e.g. [[\"pytest\", \"**\"]].")
    mcp: dict[str, McpServerSettings] = Field(
        default_factory=dict, description="MCP servers whose tools the agent may call.")
