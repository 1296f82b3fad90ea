"""The shadow git repository: where checkpoints keep file contents, outside the workspace.

A bare repository in the data dir (one per workspace), driven by the `git` command with argv
lists and a timeout. Contents go in as blobs; a checkpoint is a commit whose tree holds the
files a change set touched as they were before it (a file that did not exist is absent from
the tree and named in the message), chained on `refs/pairpad/checkpoints` and pinned by
`refs/pairpad/cp/<id>` so that git never collects it. The user's own repository, config and
hooks are never involved: the environment names this repository and no global config.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from pairpad.errors import InternalError

_TIMEOUT_S = 30
_CHAIN = "refs/pairpad/checkpoints"


class ShadowRepo:
    def __init__(self, git_dir: Path) -> None:
        self.git_dir = git_dir
        self._git = shutil.which("git")

    def _env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
        env.update(GIT_DIR=str(self.git_dir), GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull,
                   GIT_AUTHOR_NAME="Pairpad", GIT_AUTHOR_EMAIL="checkpoints@pairpad.invalid",
                   GIT_COMMITTER_NAME="Pairpad",
                   GIT_COMMITTER_EMAIL="checkpoints@pairpad.invalid", **extra)
        return env

    def _run(self, *args: str, data: bytes | None = None, **env: str) -> bytes:
        if self._git is None:
            raise InternalError("git is not installed: checkpoints need it (install git)")
        done = subprocess.run(
            [self._git, *args], input=data, capture_output=True, timeout=_TIMEOUT_S,
            env=self._env(**env), check=False)
        if done.returncode != 0:
            message = done.stderr.decode(errors="replace").strip()
            raise InternalError(f"The checkpoint store ({self.git_dir}) failed: git "
                                f"{args[0]}: {message}")
        return done.stdout

    def ensure(self) -> None:
        if not (self.git_dir / "HEAD").exists():
            self.git_dir.parent.mkdir(parents=True, exist_ok=True)
            self._run("init", "--bare", "--quiet", str(self.git_dir))

    def put(self, text: str) -> str:
        """Stores a text; returns its blob id."""
        return self._run("hash-object", "-w", "--stdin",
                         data=text.encode("utf-8", "surrogatepass")).decode().strip()

    def get(self, blob: str) -> str:
        return self._run("cat-file", "blob", blob).decode("utf-8", "surrogatepass")

    def snapshot(self, checkpoint_id: str, files: dict[str, str | None], message: str) -> str:
        """Commits `files` (path -> blob id, None: did not exist); returns the commit id."""
        with tempfile.TemporaryDirectory(prefix="pairpad-cp-") as folder:
            index = str(Path(folder, "index"))
            for path, blob in sorted(files.items()):
                if blob is not None:
                    self._run("update-index", "--add", "--cacheinfo", f"100644,{blob},{path}",
                              GIT_INDEX_FILE=index)
            if any(blob is not None for blob in files.values()):
                tree = self._run("write-tree", GIT_INDEX_FILE=index).decode().strip()
            else:  # the empty tree: every file was new
                tree = self._run("mktree", data=b"").decode().strip()
        absent = [path for path, blob in sorted(files.items()) if blob is None]
        body = message + ("\n\nDid not exist: " + ", ".join(absent) if absent else "")
        parent = self._chain_head()
        commit = self._run("commit-tree", tree, *(["-p", parent] if parent else []),
                           data=body.encode()).decode().strip()
        self._run("update-ref", f"refs/pairpad/cp/{checkpoint_id}", commit)
        self._run("update-ref", _CHAIN, commit)
        return commit

    def _chain_head(self) -> str | None:
        try:
            return self._run("rev-parse", "--verify", "--quiet", _CHAIN).decode().strip() or None
        except InternalError:
            return None
