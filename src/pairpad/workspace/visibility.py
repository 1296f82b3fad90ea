"""One visibility policy per workspace: what is hidden, what is ignored, what is a secret.

Every reader of the workspace asks this one object — the explorer's tree, text search and
the file finder (through the ripgrep arguments it derives), the codebase indexer's walker,
and every path that feeds a model (chat mentions, the active file, `@codebase` results);
next the agent's tools and the sandbox's mounts.

- hidden: `.git` and Pairpad's temp files. Never listed, searched, indexed or sent.
- ignored: `.gitignore` (any depth), `.ignore`/`.rgignore`, `.git/info/exclude` and the
  root `.pairpadignore` — ripgrep's own rule set. Dimmed in the tree; left out of search,
  the finder and the index.
- secret: credentials and keys by name (the defaults below, which no setting removes) plus
  the user's `secret_patterns`. Listed and openable by the user — they are the user's own
  files — but never sent to a model unless the user attaches that one file and confirms
  (`allow_secrets` in a chat request).

Names compare as a case-insensitive, normalising file system sees them (`names.name_key`),
so `.ENV` or `Id_RSA` is a secret too.
"""

from __future__ import annotations

import fnmatch
import os
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pairpad.workspace.ignore import FOLDER_IGNORE_FILES, PAIRPADIGNORE, IgnoreRules
from pairpad.workspace.names import is_git_dir_name, name_key
from pairpad.workspace.paths import TEMP_PREFIX

# Files whose change changes what is ignored.
IGNORE_FILES = frozenset({*FOLDER_IGNORE_FILES, PAIRPADIGNORE})
# ripgrep options every reader shares: .gitignore honoured even outside a git repository,
# hidden files included (like VS Code), no user ripgrep config changing the output.
RG_OPTIONS = ("--no-config", "--hidden", "--no-require-git")

# Credentials and keys by name. Indexed text and chat context can be sent to a remote model,
# so these never are (unless explicitly attached and confirmed).
SECRET_NAMES = frozenset({
    ".npmrc", ".yarnrc", ".yarnrc.yml", ".pypirc", ".netrc", "_netrc", ".pgpass",
    ".git-credentials", ".htpasswd", ".dockercfg", "credentials", ".boto", ".s3cfg",
    "terraform.tfstate", "terraform.tfstate.backup",
})
SECRET_GLOBS = (
    ".env*", "*.pem", "*.key", "*.p12", "*.pfx", "*.jks", "*.keystore", "*.ppk", "*.tfvars",
    "id_rsa*", "id_dsa*", "id_ecdsa*", "id_ed25519*", "*.kdbx", "*.gpg",
)
# One regex for them all: a workspace walk checks every name (45k in a repo with a venv).
_SECRET_GLOB = re.compile("|".join(fnmatch.translate(glob) for glob in SECRET_GLOBS))
# Everything below one of these folders is a secret.
SECRET_DIRS = frozenset({".ssh", ".gnupg", ".aws", ".azure", ".kube", ".docker"})
# Templates committed on purpose, with placeholders instead of values (`.env.example`).
NOT_SECRET_SUFFIXES = (".example", ".sample", ".template", ".dist")

def _pattern_key(pattern: str) -> str:
    """A user pattern compared the way names are: case-folded and NFC-normalised."""
    return unicodedata.normalize("NFC", pattern.strip().casefold())


@dataclass(frozen=True)
class Visibility:
    hidden: bool
    ignored: bool
    secret: bool


class SecretRules:
    """The secret-file rules: the defaults plus extra patterns, matched case-insensitively.

    A pattern without `/` is a glob on a name: it matches a file of that name, or a folder
    of that name and so everything below it (`vault`, `*.secret`). A pattern with `/` is a
    glob on the whole relative path (`config/prod/*.yaml`); a trailing `/` makes it a
    folder (`deploy/keys/`). A pattern cannot make a default secret visible.
    """

    def __init__(self, patterns: Iterable[str] = ()) -> None:
        self.patterns = tuple(p for p in (_pattern_key(p) for p in patterns) if p.strip("/"))
        self._names = tuple(p for p in self.patterns if "/" not in p)
        self._name_glob = (re.compile("|".join(fnmatch.translate(p) for p in self._names))
                           if self._names else None)
        self._paths = tuple(p.lstrip("/") for p in self.patterns if "/" in p)

    def matches(self, rel: str, is_dir: bool = False) -> bool:
        parts = [name_key(part) for part in rel.replace(os.sep, "/").split("/") if part]
        return self.matches_keys(parts, is_dir)

    def matches_keys(self, parts: list[str], is_dir: bool = False) -> bool:
        """`matches` on a path already split into name keys (a walk keeps its parents')."""
        if not parts:
            return False
        return self._default(parts, is_dir) or self._extra(parts, is_dir)

    def _default(self, parts: list[str], is_dir: bool) -> bool:
        folders = parts if is_dir else parts[:-1]
        if any(part in SECRET_DIRS for part in folders):
            return True
        if is_dir:
            return False
        name = parts[-1]
        if name.endswith(NOT_SECRET_SUFFIXES):
            return False
        return name in SECRET_NAMES or _SECRET_GLOB.match(name) is not None

    def _extra(self, parts: list[str], is_dir: bool) -> bool:
        # A name glob matches the path's own name or the name of any folder above it.
        if self._name_glob and any(self._name_glob.match(part) for part in parts):
            return True
        if not self._paths:
            return False
        # A path glob matches the path itself, or a folder above it (and so all it holds).
        prefixes = ["/".join(parts[:n]) for n in range(1, len(parts) + 1)]
        for pattern in self._paths:
            folder_only = pattern.endswith("/")
            glob = pattern.rstrip("/")
            for n, prefix in enumerate(prefixes, start=1):
                itself = n == len(parts)
                if fnmatch.fnmatchcase(prefix, glob) and (not itself or is_dir or not folder_only):
                    return True
        return False


_DEFAULT_RULES = SecretRules()


def is_default_secret(rel: str) -> bool:
    """The default secret rules alone (for code with no policy at hand)."""
    return _DEFAULT_RULES.matches(rel)


class VisibilityPolicy:
    """Built once per workspace by the composition root (`services.py`)."""

    def __init__(self, root: Path, secret_patterns: Sequence[str] = ()) -> None:
        self.root = Path(os.path.realpath(root))
        self.ignores = IgnoreRules(self.root)
        self.secrets = SecretRules(secret_patterns)

    # ---- decisions -----------------------------------------------------------------

    @staticmethod
    def is_hidden_name(name: str) -> bool:
        return is_git_dir_name(name) or name.startswith(TEMP_PREFIX)

    def is_hidden(self, rel: str) -> bool:
        return any(self.is_hidden_name(part) for part in rel.split("/") if part)

    def is_ignored(self, rel: str, is_dir: bool = False) -> bool:
        return self.ignores.is_ignored(rel, is_dir)

    def is_secret(self, rel: str, is_dir: bool = False) -> bool:
        return self.secrets.matches(rel, is_dir)

    def of(self, rel: str, is_dir: bool = False) -> Visibility:
        return Visibility(self.is_hidden(rel), self.is_ignored(rel, is_dir),
                          self.is_secret(rel, is_dir))

    def is_secret_target(self, rel: str) -> bool:
        """Whether this path, or the file a symlink at it leads to, is a secret: a link
        `notes.txt -> .env` must not carry `.env` to a model under another name."""
        if self.is_secret(rel):
            return True
        try:
            real = os.path.realpath(self.root / rel)
        except (OSError, ValueError):  # a NUL, a loop: the file service refuses it anyway
            return False
        if os.path.commonpath([str(self.root), real]) != str(self.root):
            return False  # outside: the file service refuses it anyway
        target = os.path.relpath(real, self.root).replace(os.sep, "/")
        return target != "." and (self.is_secret(target) or self.is_hidden(target))

    # ---- ripgrep -------------------------------------------------------------------

    def rg_options(self) -> tuple[str, ...]:
        """Options before the caller's arguments: the shared defaults, plus the root
        `.pairpadignore` (ripgrep reads `.gitignore`, `.ignore` and `.rgignore` itself)."""
        ignore_file = self.root / PAIRPADIGNORE
        if ignore_file.is_file():
            return (*RG_OPTIONS, f"--ignore-file={ignore_file}")
        return RG_OPTIONS

    def rg_excludes(self) -> tuple[str, ...]:
        """Globs after the caller's arguments: of several matching globs rg obeys the last,
        so no user glob (`*`, `.git/**`) can re-include a hidden path."""
        return self.rg_excludes_default()

    @staticmethod
    def rg_excludes_default() -> tuple[str, ...]:
        return ("--iglob=!.git", f"--glob=!{TEMP_PREFIX}*")
