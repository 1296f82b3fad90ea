"""Task detection per ecosystem and the workspace's `[commands]` table."""

from __future__ import annotations

import json
from pathlib import Path

from pairpad.runtime.task_detect import detect_tasks, guess_matcher, load_tasks


def names(root: Path) -> dict[str, tuple[str, ...]]:
    return {task.name: task.argv for task in detect_tasks(root)}


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def test_nothing_to_detect(tmp_path: Path) -> None:
    assert detect_tasks(tmp_path) == []
    assert load_tasks(tmp_path).config_error is None


def test_pytest_from_each_config(tmp_path: Path) -> None:
    cases = {
        "pyproject": {"pyproject.toml": "[tool.pytest.ini_options]\naddopts = '-q'\n"},
        "ini": {"pytest.ini": "[pytest]\n"},
        "setup": {"setup.cfg": "[tool:pytest]\ntestpaths = tests\n"},
        "tox": {"tox.ini": "[pytest]\n"},
        "folder": {"tests/test_a.py": "def test_a(): pass\n"},
    }
    for name, files in cases.items():
        root = write(tmp_path / name, files)
        assert names(root)["test"] == ("python3", "-m", "pytest", "-q", "-rfE"), name
    assert "test" not in names(write(tmp_path / "no", {"tests/helper.py": "",
                                                       "setup.cfg": "[metadata]\n"}))


def test_the_workspace_venv_is_preferred(tmp_path: Path) -> None:
    root = write(tmp_path, {"pyproject.toml": "[tool.pytest.ini_options]\n[tool.ruff]\n"})
    for tool in ("python", "ruff"):
        path = root / ".venv" / "bin" / tool
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("#!/bin/sh\n")
        path.chmod(0o700)
    tasks = {task.name: task for task in detect_tasks(root)}
    assert tasks["test"].argv[0] == str(root / ".venv/bin/python")
    assert "virtualenv" in tasks["test"].detail
    assert tasks["lint"].argv == (str(root / ".venv/bin/ruff"), "check",
                                  "--output-format=concise", "--no-fix", ".")
    assert tasks["lint"].problem_matcher == "ruff"
    assert tasks["format"].argv[1:] == ("format", ".")


def test_flake8_and_mypy(tmp_path: Path) -> None:
    tasks = {t.name: t for t in detect_tasks(write(tmp_path, {
        "setup.cfg": "[flake8]\nmax-line-length = 100\n[mypy]\nstrict = True\n"}))}
    assert tasks["lint"].argv == ("flake8", ".") and tasks["lint"].problem_matcher == "flake8"
    assert tasks["typecheck"].argv[0] == "mypy" and tasks["typecheck"].problem_matcher == "mypy"
    assert "--show-column-numbers" in tasks["typecheck"].argv


def test_node_go_cargo_make(tmp_path: Path) -> None:
    node = write(tmp_path / "node", {"package.json": json.dumps(
        {"scripts": {"test": "vitest", "lint": "eslint .", "dev": "vite"}}),
        "pnpm-lock.yaml": ""})
    assert names(node) == {"test": ("pnpm", "run", "test"), "lint": ("pnpm", "run", "lint")}
    go = write(tmp_path / "go", {"go.mod": "module x\n"})
    assert names(go)["test"] == ("go", "test", "./...")
    assert names(go)["lint"] == ("go", "vet", "./...")
    rust = {t.name: t for t in detect_tasks(write(tmp_path / "rs", {"Cargo.toml": ""}))}
    assert rust["lint"].argv == ("cargo", "clippy") and rust["build"].problem_matcher == "cargo"
    make = write(tmp_path / "make", {"Makefile": "X := 1\ntest: build\n\tgo test\n"
                                                 "build:\n\tcc\nlint::\nformat := no\n"})
    assert names(make) == {"test": ("make", "test"), "build": ("make", "build")}
    both = write(tmp_path / "both", {"Makefile": "test:\n\ttrue\n", "go.mod": "module x\n"})
    assert names(both)["test"] == ("go", "test", "./...")  # the language's own first


def test_config_commands_override_and_validate(tmp_path: Path) -> None:
    root = write(tmp_path, {
        "pyproject.toml": "[tool.ruff]\n",
        ".pairpad/config.toml": (
            "[commands]\n"
            'lint = ["npx", "eslint", "."]\n'
            'check = { argv = ["make", "check"], timeout_s = 90, problem_matcher = "generic" }\n'
            'bad = "rm -rf /"\n'
            'slow = { argv = ["x"], timeout_s = -1 }\n'
            '"no spaces" = ["x"]\n'
            'odd = { argv = ["x"], problem_matcher = "nope" }\n')})
    listed = load_tasks(root)
    tasks = {t.name: t for t in listed.tasks}
    assert tasks["lint"].source == "config" and tasks["lint"].argv == ("npx", "eslint", ".")
    assert tasks["lint"].problem_matcher == "eslint"
    assert tasks["check"].timeout_s == 90 and tasks["check"].problem_matcher == "generic"
    assert tasks["format"].source == "detected"
    assert set(tasks) == {"lint", "check", "format"}
    error = listed.config_error or ""
    for part in ("commands.bad", "commands.slow", "commands.no spaces", "commands.odd",
                 "timeout_s", "problem_matcher"):
        assert part in error, part


def test_guess_matcher() -> None:
    assert guess_matcher(["python", "-m", "pytest"]) == "pytest"
    assert guess_matcher(["/v/bin/ruff", "check"]) == "ruff"
    assert guess_matcher(["npx", "tsc", "-b"]) == "tsc"
    assert guess_matcher(["make", "test"]) == "auto"
