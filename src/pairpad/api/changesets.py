"""AI change sets under review and the checkpoints taken before each: list, read, accept or
reject (a file, a hunk, everything pending), and restore a checkpoint."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter

from pairpad.api.authz import authorized
from pairpad.api.deps import ServicesDep
from pairpad.api.openapi import errors
from pairpad.changes.models import (
    ChangeSetList,
    ChangeSetOut,
    CheckpointList,
    RestoreResult,
    ReviewRequest,
)

router = APIRouter(tags=["edits"])
_REVIEW_ERRORS = errors({
    400: "A hunk without its path",
    404: "No such change set, file or hunk",
    409: "You changed those lines since (nothing reverted), or the set was undone by a restore"})


@router.get("/api/changesets", dependencies=[authorized("read", "files")])
async def list_change_sets(services: ServicesDep,
                           status: Literal["pending", "all"] = "pending") -> ChangeSetList:
    """Newest first, with the counts of files and hunks still waiting for review."""
    return await services.changes.change_sets(pending_only=status == "pending")


@router.get("/api/changesets/{change_set_id}", dependencies=[authorized("read", "files")],
            responses=errors({404: "No such change set"}))
async def get_change_set(change_set_id: str, services: ServicesDep) -> ChangeSetOut:
    """Each file before and as the set leaves it now, with its hunks and their states."""
    return await services.changes.get(change_set_id)


@router.post("/api/changesets/{change_set_id}/accept",
             dependencies=[authorized("write", "files")], responses=_REVIEW_ERRORS)
async def accept(change_set_id: str, body: ReviewRequest,
                 services: ServicesDep) -> ChangeSetOut:
    """Keeps the change (nothing on disk changes)."""
    return await services.changes.review(change_set_id, "accepted", body.path, body.hunk)


@router.post("/api/changesets/{change_set_id}/reject",
             dependencies=[authorized("write", "files")], responses=_REVIEW_ERRORS)
async def reject(change_set_id: str, body: ReviewRequest,
                 services: ServicesDep) -> ChangeSetOut:
    """Puts exactly those lines back on disk, keeping what the user wrote elsewhere."""
    return await services.changes.review(change_set_id, "rejected", body.path, body.hunk)


@router.get("/api/checkpoints", dependencies=[authorized("read", "files")])
async def list_checkpoints(services: ServicesDep) -> CheckpointList:
    """One before every change set and before every step of an agent run, newest first."""
    return await services.changes.checkpoints()


@router.post("/api/checkpoints/{checkpoint_id}/restore",
             dependencies=[authorized("write", "files")],
             responses=errors({404: "No such checkpoint",
                               409: "Your edits overlap the AI's changes (nothing restored; "
                                    "`conflicts` lists them)"}))
async def restore(checkpoint_id: str, services: ServicesDep) -> RestoreResult:
    """Undoes the AI's changes since the checkpoint, keeping the user's; undoable itself."""
    return await services.changes.restore(checkpoint_id)
