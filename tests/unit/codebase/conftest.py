"""Fixtures for the context engine: a copy of the fixture repo and an indexer over it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pairpad.codebase.index_settings import IndexSettings
from pairpad.codebase.indexer import Indexer

FIXTURE_REPO = Path(__file__).parents[2] / "fixtures" / "context_repo"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    target = tmp_path / "repo"
    shutil.copytree(FIXTURE_REPO, target)
    return target


@pytest.fixture
def indexer(repo: Path, tmp_path: Path) -> Indexer:
    built = Indexer(repo, tmp_path / "data", IndexSettings(batch_size=4))
    yield built  # type: ignore[misc]
    if built._store is not None:
        built._store.close()
