"""Fetch pinned successive releases of pure-Python packages and pair their changed files.

Wheels (`--only-binary :all:`), not sdists: a pure-Python wheel holds the same .py files, and
getting it runs no build backend (an sdist's metadata step needs flit/hatch/... installed
with --no-build-isolation, and runs the package's code). pip uses the machine's configured
index. Downloads are cached in bench/.cache/edit-corpus/ (git-ignored) and reused.
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

CACHE = Path(__file__).resolve().parent.parent / ".cache" / "edit-corpus"


@dataclass(frozen=True)
class Pair:
    name: str
    old: str
    new: str


# Successive releases with real source changes (bug fixes, features, typing, refactors).
PAIRS: tuple[Pair, ...] = (
    Pair("six", "1.15.0", "1.16.0"),
    Pair("idna", "3.6", "3.7"),
    Pair("tomli", "2.0.0", "2.0.1"),
    Pair("itsdangerous", "2.1.1", "2.1.2"),
    Pair("pluggy", "1.4.0", "1.5.0"),
    Pair("click", "8.1.6", "8.1.7"),
    Pair("jinja2", "3.1.3", "3.1.4"),
    Pair("packaging", "23.1", "23.2"),
    Pair("attrs", "23.1.0", "23.2.0"),
)
# Two small ones for the test: a few files, seconds to download.
QUICK_PAIRS: tuple[Pair, ...] = (PAIRS[0], PAIRS[4])


class DownloadError(RuntimeError):
    """pip could not fetch a release (no network or index); the message says which."""


def _fetch(name: str, version: str, cache: Path) -> Path:
    target = cache / "dist" / f"{name}-{version}"
    found = sorted(p for p in target.glob("*") if p.suffix in (".whl", ".gz", ".zip"))
    if found:
        return found[0]
    target.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:",
        "--disable-pip-version-check", "--quiet", "-d", str(target), f"{name}=={version}",
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    found = sorted(p for p in target.glob("*") if p.suffix in (".whl", ".gz", ".zip"))
    if done.returncode != 0 or not found:
        detail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise DownloadError(
            f"pip download {name}=={version} failed (exit {done.returncode}): "
            + " | ".join(detail)
            + " — check the network/PyPI index (pip config list)"
        )
    return found[0]


def _python_sources(archive: Path) -> dict[str, str]:
    """The .py files of a wheel or sdist, by path inside the package (sdist's top dir cut)."""
    files: dict[str, str] = {}
    if archive.suffix == ".whl" or archive.suffix == ".zip":
        with zipfile.ZipFile(archive) as zipped:
            for member in zipped.namelist():
                if member.endswith(".py") and ".dist-info/" not in member:
                    files[member] = zipped.read(member).decode("utf-8", errors="replace")
    else:
        with tarfile.open(archive) as tar:
            for info in tar.getmembers():
                if info.isfile() and info.name.endswith(".py"):
                    handle = tar.extractfile(info)
                    if handle is not None:
                        path = info.name.split("/", 1)[1] if "/" in info.name else info.name
                        files[path] = handle.read().decode("utf-8", errors="replace")
    return files


def fetch_pair(pair: Pair, cache: Path = CACHE) -> tuple[dict[str, str], dict[str, str]]:
    """The .py sources of the old and the new release."""
    old = _python_sources(_fetch(pair.name, pair.old, cache))
    new = _python_sources(_fetch(pair.name, pair.new, cache))
    return old, new


def changed_files(old: dict[str, str], new: dict[str, str]) -> list[tuple[str, str, str]]:
    """(path, old text, new text) for the .py files present in both releases that changed."""
    return [
        (path, old[path], new[path])
        for path in sorted(old.keys() & new.keys())
        if old[path] != new[path] and "\r" not in old[path] + new[path]
    ]
