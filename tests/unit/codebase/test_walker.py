"""What gets indexed: ignore files honoured; binaries, minified, oversized files listed."""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any

import pytest

from pairpad.codebase import walker
from pairpad.codebase.index_settings import IndexSettings
from pairpad.codebase.walker import included, walk


def test_ignore_files_and_skips_with_reasons(repo: Path) -> None:
    (repo / "build").mkdir()
    (repo / "build" / "out.py").write_text("x = 1\n")
    (repo / "debug.log").write_text("noise\n")
    (repo / "secrets").mkdir()
    (repo / "secrets" / "key.py").write_text("KEY = 'x'\n")
    (repo / ".git").mkdir()
    (repo / ".git" / "config").write_text("[core]\n")
    (repo / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(200))
    (repo / "web" / "vendor.min.js").write_text("var a=1;" * 50)
    (repo / "web" / "bundle.js").write_text("var a=1;" * 2000)  # one 16 KB line
    (repo / "big.txt").write_text("word\n" * 400_000)
    (repo / "package-lock.json").write_text("{}\n")
    (repo / "link.py").symlink_to(repo / "kvstore" / "store.py")

    result = walk(repo, IndexSettings(max_file_size=1_000_000))
    paths = {f.path for f in result.files}
    reasons = {s.path: s.reason for s in result.skipped}

    assert "kvstore/store.py" in paths and "web/src/client.ts" in paths
    assert ".gitignore" in paths  # hidden files are indexed unless ignored
    for ignored in ("build/out.py", "debug.log", "secrets/key.py", ".git/config", "link.py"):
        assert ignored not in paths and ignored not in reasons, ignored
    assert reasons["logo.png"] == "binary"
    assert reasons["web/vendor.min.js"] == "minified"
    assert reasons["web/bundle.js"] == "minified"
    assert reasons["big.txt"].startswith("oversized")
    assert reasons["package-lock.json"] == "lockfile"


def test_extra_exclude_patterns_and_file_limit(repo: Path) -> None:
    result = walk(repo, IndexSettings(exclude=["native/"], max_files=3))
    assert not any(f.path.startswith("native/") for f in result.files)
    assert len(result.files) == 3
    assert any(s.reason.startswith("over the file limit") for s in result.skipped)


def test_single_path_check_uses_the_same_rules(repo: Path) -> None:
    (repo / "build").mkdir()
    (repo / "build" / "x.py").write_text("")
    (repo / "secrets").mkdir()
    (repo / "secrets" / "k.py").write_text("")
    asked = ["kvstore/store.py", "build/x.py", "secrets/k.py", "gone/none.py", "README.md"]
    assert included(repo, asked, IndexSettings()) == {"kvstore/store.py", "README.md"}


def test_unreadable_vanished_and_special_files_are_not_fatal(
    repo: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Permission bits do not stop root (the tests run as root here): make reading fail.
    (repo / "locked.py").write_text("x = 1\n")
    real_open = Path.open

    def refusing_open(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self.name == "locked.py":
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refusing_open)
    os.mkfifo(repo / "pipe.py")  # reading a FIFO would block the walk forever
    listed = walker.rg_files

    def with_a_vanished_file(*args: Any, **kwargs: Any) -> list[str]:
        return [*listed(*args, **kwargs), "gone/vanished.py"]  # deleted after the listing

    monkeypatch.setattr(walker, "rg_files", with_a_vanished_file)
    result = walk(repo, IndexSettings())
    paths = {f.path for f in result.files}
    reasons = {s.path: s.reason for s in result.skipped}
    assert reasons["locked.py"] == "unreadable (Permission denied)"
    assert "pipe.py" not in paths and "gone/vanished.py" not in paths
    assert "kvstore/store.py" in paths  # the rest is indexed as usual

SECRETS = {
    ".env": "STRIPE_KEY=sk_live_zebracorn\n",
    ".env.production": "DB_PASSWORD=zebracorn\n",
    ".npmrc": "//registry.npmjs.org/:_authToken=zebracorn\n",
    ".pypirc": "[pypi]\npassword = zebracorn\n",
    ".netrc": "machine example.com login me password zebracorn\n",
    "deploy/server.pem": "-----BEGIN PRIVATE KEY-----\nzebracorn\n",
    "deploy/tls.key": "zebracorn\n",
    "keys/id_rsa": "-----BEGIN OPENSSH PRIVATE KEY-----\nzebracorn\n",
    "keys/id_ed25519.pub": "ssh-ed25519 zebracorn\n",
    ".aws/credentials": "[default]\naws_secret_access_key = zebracorn\n",
    ".aws/config": "[default]\nregion = zebracorn\n",
}


def test_secret_files_are_skipped_as_secret(repo: Path) -> None:
    for rel, text in SECRETS.items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text(text)
    (repo / ".env.example").write_text("STRIPE_KEY=put-yours-here\n")
    result = walk(repo, IndexSettings())
    paths = {f.path for f in result.files}
    reasons = {s.path: s.reason for s in result.skipped}
    for rel in SECRETS:
        assert rel not in paths, rel
        assert reasons.get(rel) == "secret", rel
    assert ".env.example" in paths  # a template, not a secret
    assert ".gitignore" in paths  # other dotfiles are still indexed
