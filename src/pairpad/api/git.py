"""Source control: the workspace's git repository (workspace/git_service.py)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field, model_validator

from pairpad.api.authz import authorized
from pairpad.api.deps import ServicesDep
from pairpad.workspace.git_models import (
    BranchList,
    CommitResult,
    FileAtRef,
    FileDiff,
    GitOutput,
    GitStatus,
    Hunk,
)

router = APIRouter(prefix="/api/git", tags=["git"])

PathQuery = Annotated[str, Query(description="Workspace-relative POSIX path")]
_READ = [authorized("read", "git")]
_WRITE = [authorized("write", "git")]
_ERRORS: dict[int | str, dict[str, str]] = {
    400: {"description": "A path names the workspace root, not a file (or the body is not JSON)"},
    403: {"description": "Path outside the workspace or inside .git"},
    404: {"description": "Not a git repository, or no such hunk"},
    409: {"description": "git refused (its message), or the diff changed since it was shown"},
    422: {"description": "Bad input (empty message, invalid branch name, binary file)"},
}


class PathsRequest(BaseModel):
    paths: list[str] = Field(min_length=1, max_length=10_000)


class HunkRequest(BaseModel):
    """One hunk of the file's diff: its ranges as `GET /api/git/diff` gave them, or its
    position in that list."""

    path: str = Field(min_length=1)
    hunk: Hunk | None = None
    index: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _one_of(self) -> HunkRequest:
        if (self.hunk is None) == (self.index is None):
            raise ValueError("give either `hunk` (its ranges) or `index`")
        return self

    def choice(self) -> Hunk | int:
        return self.hunk if self.hunk is not None else int(self.index or 0)


class CommitRequest(BaseModel):
    # Not only spaces: the document says so with a pattern; the service checks it, with a
    # message that says what to do (pydantic's would quote the regex).
    message: str = Field(max_length=100_000, json_schema_extra={"pattern": r"\S"})
    run_hooks: bool = Field(
        default=False,
        description="Run the repository's hooks (outside the sandbox); off by default.")


class BranchRequest(BaseModel):
    name: str = Field(min_length=1, max_length=255)
    create: bool = False


@router.get("/status", dependencies=_READ)
async def status(services: ServicesDep, ignored: bool = False) -> GitStatus:
    """Branch, ahead/behind and the changed files by group; `repository: false` outside one."""
    return await services.git.status(ignored)


@router.get("/file", dependencies=_READ, responses=_ERRORS)
async def file_at(services: ServicesDep, path: PathQuery,
                  ref: Literal["HEAD", "index"] = "HEAD") -> FileAtRef:
    """A file's text at HEAD or in the index (`exists: false` when it is not there)."""
    return await services.git.file_at(path, ref)


@router.get("/diff", dependencies=_READ, responses=_ERRORS)
async def diff(services: ServicesDep, path: PathQuery, staged: bool = False) -> FileDiff:
    """Zero-context hunks: index ↔ working tree, or HEAD ↔ index (`staged`)."""
    return await services.git.diff(path, staged)


@router.post("/stage", dependencies=_WRITE, responses=_ERRORS)
async def stage(services: ServicesDep, body: PathsRequest) -> GitStatus:
    return await services.git.stage(body.paths)


@router.post("/unstage", dependencies=_WRITE, responses=_ERRORS)
async def unstage(services: ServicesDep, body: PathsRequest) -> GitStatus:
    return await services.git.unstage(body.paths)


@router.post("/discard", dependencies=_WRITE, responses=_ERRORS)
async def discard(services: ServicesDep, body: PathsRequest) -> GitStatus:
    """Unstaged changes back to the index's version; untracked files deleted."""
    return await services.git.discard(body.paths)


@router.post("/stage-hunk", dependencies=_WRITE, responses=_ERRORS)
async def stage_hunk(services: ServicesDep, body: HunkRequest) -> GitStatus:
    return await services.git.stage_hunk(body.path, body.choice())


@router.post("/unstage-hunk", dependencies=_WRITE, responses=_ERRORS)
async def unstage_hunk(services: ServicesDep, body: HunkRequest) -> GitStatus:
    return await services.git.unstage_hunk(body.path, body.choice())


@router.post("/discard-hunk", dependencies=_WRITE, responses=_ERRORS)
async def discard_hunk(services: ServicesDep, body: HunkRequest) -> GitStatus:
    return await services.git.discard_hunk(body.path, body.choice())


@router.post("/commit", dependencies=_WRITE, responses=_ERRORS)
async def commit(services: ServicesDep, body: CommitRequest) -> CommitResult:
    """Commits what is staged; hooks run only with `run_hooks`."""
    return await services.git.commit(body.message, hooks=body.run_hooks)


@router.get("/branches", dependencies=_READ, responses=_ERRORS)
async def branches(services: ServicesDep) -> BranchList:
    return await services.git.branches()


@router.post("/branch", dependencies=_WRITE, responses=_ERRORS)
async def switch_branch(services: ServicesDep, body: BranchRequest) -> BranchList:
    """Switch to a branch, or create one at HEAD and switch to it (`create`)."""
    return await services.git.switch(body.name, create=body.create)


@router.post("/init", dependencies=_WRITE, responses=_ERRORS)
async def init(services: ServicesDep) -> GitStatus:
    return await services.git.init()


@router.post("/pull", dependencies=_WRITE, responses=_ERRORS)
async def pull(services: ServicesDep) -> GitOutput:
    """`git pull --ff-only`; git's error when there is no remote or no network."""
    return await services.git.pull()


@router.post("/push", dependencies=_WRITE, responses=_ERRORS)
async def push(services: ServicesDep) -> GitOutput:
    return await services.git.push()
