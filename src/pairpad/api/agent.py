"""Agent runs (issue 14): their history and logs, the rules and MCP servers they use, and the
workspace's command allow-list. Runs are started, decided and cancelled over Socket.IO
(realtime/handlers/agent.py)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from pairpad.ai.agent.models import (
    AllowListApprove,
    AllowListOut,
    McpStatusOut,
    RulesOut,
    RunList,
    RunOut,
)
from pairpad.api.authz import authorized, record_event
from pairpad.api.deps import ServicesDep
from pairpad.api.openapi import errors

router = APIRouter(tags=["agent"])


@router.get("/api/agent/runs", dependencies=[authorized("read", "agent")])
async def list_runs(services: ServicesDep) -> RunList:
    """Newest first: running, waiting for a decision, finished (with the reason) or
    interrupted by a server restart."""
    return RunList(runs=await services.agent.runs())


@router.get("/api/agent/runs/{run_id}", dependencies=[authorized("read", "agent")],
            responses=errors({404: "No such run"}))
async def get_run(run_id: str, services: ServicesDep,
                  after_seq: Annotated[int, Query(ge=0)] = 0) -> RunOut:
    """The run and its log: every event after `after_seq`, in order."""
    return await services.agent.run(run_id, after_seq)


@router.get("/api/agent/rules", dependencies=[authorized("read", "agent")])
async def rules(services: ServicesDep) -> RulesOut:
    """The rule files (AGENTS.md, .cursor/rules …) a run's system prompt gets, and their cost."""
    return await services.agent.rules_out()


@router.get("/api/agent/mcp", dependencies=[authorized("read", "agent")])
async def mcp_servers(services: ServicesDep) -> McpStatusOut:
    """The configured MCP servers: state, error, trust and tools."""
    return services.agent.mcp_status()


@router.get("/api/agent/allow-list", dependencies=[authorized("read", "agent")])
async def allow_list(services: ServicesDep) -> AllowListOut:
    """The commands auto mode runs without asking."""
    view = await services.agent.allow_list.view()
    return AllowListOut(user=view.user, workspace=view.workspace,
                        workspace_approved=view.workspace_approved, error=view.error)


@router.post("/api/agent/allow-list/approve", dependencies=[authorized("admin", "agent")],
             responses=errors({409: "The workspace's list changed since it was shown"}))
async def approve_allow_list(body: AllowListApprove, services: ServicesDep,
                             request: Request) -> AllowListOut:
    """Approves the workspace's `[agent] allowed_commands` exactly as the user saw it."""
    view = await services.agent.allow_list.approve_workspace(body.workspace)
    await record_event(request, "agent.command_approved", scope="workspace allow-list",
                       commands="; ".join(" ".join(argv) for argv in body.workspace))
    return AllowListOut(user=view.user, workspace=view.workspace,
                        workspace_approved=view.workspace_approved, error=view.error)
