"""The one visibility policy: hidden, ignored and secret, the same for every reader."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from pairpad.codebase.index_settings import IndexSettings
from pairpad.codebase.walker import walk
from pairpad.workspace.files import FileService
from pairpad.workspace.finder import FileFinder
from pairpad.workspace.search import SearchQuery, SearchService
from pairpad.workspace.visibility import SecretRules, VisibilityPolicy

DEFAULT_SECRETS = [
    ".env", ".env.local", ".env.production", ".envrc", "app/.env", ".npmrc", ".pypirc",
    ".netrc", ".aws/credentials", ".aws/config", "home/.ssh/known_hosts", "id_rsa",
    "keys/id_rsa.pub", "keys/id_ed25519", "deploy/server.pem", "deploy/tls.key",
]
NOT_SECRETS = [
    ".env.example", "config/.env.sample", "README.md", "src/env.py", "src/keys.py",
    "environment.ts", "docs/aws.md", "monkey.txt",
]


@pytest.mark.parametrize("rel", DEFAULT_SECRETS)
def test_default_secrets(rel: str) -> None:
    assert SecretRules().matches(rel)


@pytest.mark.parametrize("rel", NOT_SECRETS)
def test_ordinary_files_and_templates_are_not_secrets(rel: str) -> None:
    assert not SecretRules().matches(rel)


@pytest.mark.parametrize("rel", [".ENV", ".Env.Local", "ID_RSA", "Deploy/Server.PEM",
                                 ".AWS/credentials", ".NpmRC", ".env.", "Tls.KEY "])
def test_secret_names_compare_case_insensitively(rel: str) -> None:
    assert SecretRules().matches(rel)


def test_a_secret_folder_is_itself_flagged_and_everything_below_it() -> None:
    rules = SecretRules()
    assert rules.matches(".aws", is_dir=True) and rules.matches(".ssh/x/y")
    assert not rules.matches(".aws", is_dir=False)  # a file named .aws is no folder of keys


def test_user_patterns_add_name_path_and_folder_rules() -> None:
    rules = SecretRules(["*.vault", "private", "config/prod/*.yaml", "deploy/keys/", "/Top.txt"])
    assert rules.matches("a/b/db.vault") and rules.matches("A/DB.VAULT")
    assert rules.matches("private") and rules.matches("x/private/notes.md")
    assert rules.matches("config/prod/db.yaml") and not rules.matches("config/dev/db.yaml")
    assert rules.matches("deploy/keys/a.txt") and rules.matches("deploy/keys", is_dir=True)
    assert not rules.matches("deploy/keys", is_dir=False)  # a trailing / means a folder
    assert rules.matches("top.txt") and not rules.matches("sub/top.txt")
    assert not rules.matches("src/main.py")


def test_a_pattern_cannot_remove_a_default_secret() -> None:
    rules = SecretRules(["!.env", "!*.pem", ""])
    assert rules.matches(".env") and rules.matches("server.pem")


def test_hidden_is_git_and_temp_files_in_any_spelling(tmp_path: Path) -> None:
    policy = VisibilityPolicy(tmp_path)
    assert policy.is_hidden(".git") and policy.is_hidden(".git/config")
    assert policy.is_hidden(".GIT/config") and policy.is_hidden("sub/.Git/HEAD")
    assert policy.is_hidden(".pairpad-tmp-0123456789abcdef.tmp")
    assert not policy.is_hidden(".gitignore") and not policy.is_hidden("src/git.py")
    seen = policy.of(".env")
    assert (seen.hidden, seen.ignored, seen.secret) == (False, False, True)


def test_a_symlink_to_a_secret_is_a_secret_target(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("KEY=1\n")
    (tmp_path / "notes.txt").symlink_to(tmp_path / ".env")
    (tmp_path / "plain.txt").write_text("hello\n")
    policy = VisibilityPolicy(tmp_path)
    assert not policy.is_secret("notes.txt")  # by name, no
    assert policy.is_secret_target("notes.txt")  # by what it opens, yes
    assert not policy.is_secret_target("plain.txt")
    assert not policy.is_secret_target("bad\0name")  # refused elsewhere; no crash here


def _write(root: Path, rel: str, text: str = "needle\n") -> None:
    (root / rel).parent.mkdir(parents=True, exist_ok=True)
    (root / rel).write_text(text)


def test_tree_search_finder_and_index_share_the_ignore_rules(tmp_path: Path) -> None:
    """`.pairpadignore` (root), `.ignore` and `.gitignore` mean the same to every reader:
    dimmed in the tree, absent from search, the finder and the index."""
    _write(tmp_path, ".pairpadignore", "generated/\n")
    _write(tmp_path, "lib/.ignore", "*.snap\n")
    _write(tmp_path, ".gitignore", "*.log\n")
    for rel in ("generated/out.py", "lib/a.snap", "debug.log", "src/main.py"):
        _write(tmp_path, rel)
    policy = VisibilityPolicy(tmp_path)
    hidden_from_readers = {"generated/out.py", "lib/a.snap", "debug.log"}
    for rel in hidden_from_readers:
        assert policy.is_ignored(rel), rel
    assert not policy.is_ignored("src/main.py")

    async def readers() -> tuple[set[str], set[str], dict[str, bool], dict[str, bool]]:
        search = SearchService(tmp_path, timeout=10, max_file_size=1 << 20, policy=policy)
        found = await search.search(SearchQuery(text="needle"))
        finder = FileFinder(tmp_path, timeout=10, policy=policy)
        listed = await finder.find("", 100)
        files = FileService(tmp_path, max_file_size=1 << 20, visibility=policy)
        root = await files.tree("")
        lib = await files.tree("lib")
        tree = {e.path: e.ignored for e in [*root.entries, *lib.entries]}
        return ({m.path for m in found.results}, {m.path for m in listed.results}, tree,
                {e.path: e.secret for e in root.entries})

    searched, finder_paths, tree, _ = asyncio.run(readers())
    indexed = {f.path for f in walk(tmp_path, IndexSettings(), policy).files}
    for reader in (searched, finder_paths, indexed):
        assert "src/main.py" in reader
        assert not reader & hidden_from_readers, reader
    assert tree["generated"] and tree["lib/a.snap"] and tree["debug.log"]
    assert not tree["src"]


def test_user_secret_patterns_reach_the_tree_and_the_indexer(tmp_path: Path) -> None:
    _write(tmp_path, "vault/token.py", "TOKEN = 'x'\n")
    _write(tmp_path, "src/app.py", "x = 1\n")
    policy = VisibilityPolicy(tmp_path, ["vault/"])
    result = walk(tmp_path, IndexSettings(), policy)
    assert {s.path: s.reason for s in result.skipped}["vault/token.py"] == "secret"
    assert "src/app.py" in {f.path for f in result.files}
    without = walk(tmp_path, IndexSettings(), VisibilityPolicy(tmp_path))
    assert "vault/token.py" in {f.path for f in without.files}
    tree = asyncio.run(FileService(tmp_path, 1 << 20, policy).tree(""))
    assert {e.path: e.secret for e in tree.entries} == {"src": False, "vault": True}
