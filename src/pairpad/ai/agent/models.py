"""Request and response shapes of the agent routes and socket handlers (issue 14)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, StrictStr


class AgentStart(BaseModel):
    task: StrictStr = Field(description="What the agent should do")
    mode: Literal["ask", "edit", "auto"] = "edit"
    model: StrictStr | None = Field(default=None, description="`provider:model`; default: the "
                                    "chat role's model")


class PendingApproval(BaseModel):
    call_id: str
    tool: str
    args: dict[str, Any]
    risk: str
    detail: str


class RunSummary(BaseModel):
    id: str
    task: str
    mode: Literal["ask", "edit", "auto"]
    model: str
    status: Literal["running", "waiting", "finished", "interrupted"]
    reason: str | None
    created_at: str
    finished_at: str | None
    change_set_id: str | None
    steps: int
    usage: dict[str, int]
    pending_approval: PendingApproval | None = None


class RunList(BaseModel):
    runs: list[RunSummary]


class RunOut(BaseModel):
    run: RunSummary
    events: list[dict[str, Any]] = Field(description="AgentEvent objects, in seq order")


class RuleOut(BaseModel):
    path: str
    tokens: int
    globs: list[str]


class RulesOut(BaseModel):
    rules: list[RuleOut]
    total_tokens: int


class AllowListOut(BaseModel):
    user: list[list[str]] = Field(description="agent.allowed_commands of the user's config")
    workspace: list[list[str]] = Field(description="[agent] allowed_commands of the "
                                       "workspace's .pairpad/config.toml")
    workspace_approved: bool = Field(description="Whether the user approved the workspace's "
                                     "list as it is now (only then does it count)")
    error: str | None = None


class AllowListApprove(BaseModel):
    workspace: list[list[StrictStr]] = Field(description="The workspace list the user saw")


class McpToolOut(BaseModel):
    name: str = Field(description="The server's name for it")
    qualified: str = Field(description="As the model calls it: mcp__<server>__<tool>")
    description: str


class McpServerOut(BaseModel):
    name: str
    transport: Literal["stdio", "http"]
    state: Literal["starting", "ready", "failed", "stopped"]
    error: str | None
    trusted: bool
    tools: list[McpToolOut]


class McpStatusOut(BaseModel):
    servers: list[McpServerOut]
