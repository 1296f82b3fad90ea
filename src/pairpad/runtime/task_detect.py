"""A workspace's tasks: its `[commands]` table in `.pairpad/config.toml`, and those Pairpad
detects where that table sets none (pytest, ruff, flake8, mypy, npm scripts, go, cargo,
make).

The workspace file is untrusted (a cloned repository wrote it): its tasks are only read here;
tasks.py runs them in the sandbox only, and a config task only once the user approved its
exact argv. Detected tasks are Pairpad's own choice of command.

    [commands]
    test = ["python", "-m", "pytest", "-q"]
    lint = { argv = ["ruff", "check", "."], timeout_s = 120, problem_matcher = "ruff" }
"""

from __future__ import annotations

import configparser
import json
import os
import re
import shutil
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pairpad.runtime.problems import MATCHERS, Matcher

CONFIG_FILE = ".pairpad/config.toml"
MAX_CONFIG_BYTES = 256 * 1024
MAX_TASKS = 64
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")
STANDARD = ("test", "lint", "format", "build")

Source = Literal["config", "detected"]


@dataclass(frozen=True)
class Task:
    name: str
    argv: tuple[str, ...]
    source: Source
    detail: str
    problem_matcher: Matcher = "auto"
    timeout_s: float | None = None


@dataclass
class TaskList:
    tasks: list[Task] = field(default_factory=list)
    config_error: str | None = None

    def get(self, name: str) -> Task | None:
        return next((task for task in self.tasks if task.name == name), None)


def guess_matcher(argv: tuple[str, ...] | list[str]) -> Matcher:
    """The problem matcher of a command, from the tools it names."""
    names = [os.path.basename(item) for item in argv[:4]]
    for tool in ("pytest", "ruff", "flake8", "mypy", "tsc", "eslint", "cargo"):
        if tool in names:
            return tool
    return "auto"


def load_tasks(root: Path) -> TaskList:
    """Config tasks first, then detected ones of other names."""
    configured, error = read_config_tasks(root)
    names = {task.name for task in configured}
    detected = [task for task in detect_tasks(root) if task.name not in names]
    return TaskList([*configured, *detected][:MAX_TASKS], error)


# ---- the workspace's [commands] ----------------------------------------------------------


def read_config_tasks(root: Path) -> tuple[list[Task], str | None]:
    """The `[commands]` of the workspace config; a broken file or entry is named in the
    error (the good entries still count)."""
    path = root / CONFIG_FILE
    try:
        if not path.is_file():
            return [], None
        if path.stat().st_size > MAX_CONFIG_BYTES:
            return [], f"{CONFIG_FILE} is larger than {MAX_CONFIG_BYTES} bytes; its commands " \
                       "are ignored."
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as failure:
        return [], f"{CONFIG_FILE} could not be read ({failure}); its commands are ignored."
    except tomllib.TOMLDecodeError as failure:
        return [], f"{CONFIG_FILE} is not valid TOML ({failure}); its commands are ignored."
    commands = data.get("commands")
    if commands is None:
        return [], None
    if not isinstance(commands, dict):
        return [], f"{CONFIG_FILE}: [commands] must be a table of name = [argv …]."
    tasks: list[Task] = []
    errors: list[str] = []
    for name, value in commands.items():
        task, problem = _config_task(str(name), value)
        if task is not None:
            tasks.append(task)
        else:
            errors.append(f"commands.{name}: {problem}")
    message = f"{CONFIG_FILE}: " + "; ".join(errors) + " (those are ignored)." if errors else None
    return tasks, message


def _config_task(name: str, value: Any) -> tuple[Task | None, str]:
    if not NAME.match(name):
        return None, "a task name is letters, digits, `_ . : -` (at most 64)"
    timeout: float | None = None
    matcher: Any = None
    if isinstance(value, dict):
        unknown = set(value) - {"argv", "timeout_s", "problem_matcher"}
        if unknown:
            return None, f"unknown keys {sorted(unknown)} (argv, timeout_s, problem_matcher)"
        timeout_value, matcher, value = (value.get("timeout_s"), value.get("problem_matcher"),
                                         value.get("argv"))
        if timeout_value is not None:
            if isinstance(timeout_value, bool) or not isinstance(timeout_value, int | float) \
                    or timeout_value <= 0:
                return None, "timeout_s must be a number of seconds > 0"
            timeout = float(timeout_value)
        if matcher is not None and matcher not in MATCHERS:
            return None, f"problem_matcher must be one of {', '.join(MATCHERS)}"
    if not isinstance(value, list) or not value or not all(
            isinstance(item, str) and "\0" not in item for item in value) or not value[0]:
        return None, "must be a non-empty array of strings (the program and its arguments; " \
                     "no shell string)"
    argv = tuple(value)
    return Task(name, argv, "config", f"from {CONFIG_FILE}",
                matcher or guess_matcher(argv), timeout), ""


# ---- detection ---------------------------------------------------------------------------


def detect_tasks(root: Path) -> list[Task]:
    """Each ecosystem's tasks; of two with one name the first found wins (Python, Node, Go,
    Rust, then make)."""
    found: dict[str, Task] = {}
    for task in [*_python(root), *_node(root), *_go(root), *_cargo(root), *_make(root)]:
        found.setdefault(task.name, task)
    return list(found.values())


def _read(path: Path, limit: int = 1024 * 1024) -> str | None:
    try:
        if not path.is_file() or path.stat().st_size > limit:
            return None
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def _pyproject(root: Path) -> dict[str, Any]:
    text = _read(root / "pyproject.toml")
    if text is None:
        return {}
    try:
        tool = tomllib.loads(text).get("tool", {})
    except tomllib.TOMLDecodeError:
        return {}
    return tool if isinstance(tool, dict) else {}


def _ini_sections(path: Path) -> set[str]:
    text = _read(path)
    if text is None:
        return set()
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text)
    except configparser.Error:
        return set()
    return set(parser.sections())


def _venv_tool(root: Path, tool: str) -> tuple[str, bool]:
    """The workspace virtualenv's `tool` (absolute) if it has one, else the one on the
    server's PATH (absolute: the task list shows what will run), else the bare name (the run
    then says the program was not found)."""
    for venv in (".venv", "venv"):
        candidate = root / venv / "bin" / tool
        if os.access(candidate, os.X_OK) and candidate.is_file():
            return str(candidate), True
    return shutil.which(tool) or tool, False


def _python(root: Path) -> list[Task]:
    tool = _pyproject(root)
    setup_cfg = _ini_sections(root / "setup.cfg")
    tox = _ini_sections(root / "tox.ini")
    python, in_venv = _venv_tool(root, "python")
    if not in_venv:
        python = "python3"
    venv_note = " (the workspace's virtualenv)" if in_venv else ""
    tasks: list[Task] = []

    why: str | None = None
    if "pytest" in tool:
        why = "pyproject.toml [tool.pytest]"
    elif (root / "pytest.ini").is_file():
        why = "pytest.ini"
    elif "tool:pytest" in setup_cfg:
        why = "setup.cfg [tool:pytest]"
    elif "pytest" in tox:
        why = "tox.ini [pytest]"
    elif _has_tests(root / "tests") or _has_tests(root / "test"):
        why = "a tests/ folder with test_*.py"
    if why:
        tasks.append(Task("test", (python, "-m", "pytest", "-q", "-rfE"), "detected",
                          f"pytest found: {why}{venv_note}", "pytest"))

    ruff_why = ("pyproject.toml [tool.ruff]" if "ruff" in tool else
                next((name for name in ("ruff.toml", ".ruff.toml") if (root / name).is_file()),
                     None))
    if ruff_why:
        ruff, _ = _venv_tool(root, "ruff")
        tasks.append(Task("lint", (ruff, "check", "--output-format=concise", "--no-fix", "."),
                          "detected", f"ruff found: {ruff_why}", "ruff"))
        tasks.append(Task("format", (ruff, "format", "."), "detected",
                          f"ruff found: {ruff_why}", "generic"))
    else:
        flake8_why = (".flake8" if (root / ".flake8").is_file() else
                      "setup.cfg [flake8]" if "flake8" in setup_cfg else
                      "tox.ini [flake8]" if "flake8" in tox else None)
        if flake8_why:
            flake8, _ = _venv_tool(root, "flake8")
            tasks.append(Task("lint", (flake8, "."), "detected",
                              f"flake8 found: {flake8_why}", "flake8"))

    mypy_why = ("pyproject.toml [tool.mypy]" if "mypy" in tool else
                next((name for name in ("mypy.ini", ".mypy.ini") if (root / name).is_file()),
                     None) or ("setup.cfg [mypy]" if "mypy" in setup_cfg else None))
    if mypy_why:
        mypy, _ = _venv_tool(root, "mypy")
        tasks.append(Task("typecheck", (mypy, "--show-column-numbers", "--no-color-output",
                                        "--no-pretty", "."), "detected",
                          f"mypy found: {mypy_why}", "mypy"))
    return tasks


def _has_tests(folder: Path) -> bool:
    try:
        if not folder.is_dir():
            return False
        with os.scandir(folder) as entries:
            return any(entry.name.startswith("test_") and entry.name.endswith(".py")
                       for entry in entries)
    except OSError:
        return False


def _node(root: Path) -> list[Task]:
    text = _read(root / "package.json")
    if text is None:
        return []
    try:
        scripts = json.loads(text).get("scripts", {})
    except (json.JSONDecodeError, AttributeError):
        return []
    if not isinstance(scripts, dict):
        return []
    runner = ("pnpm" if (root / "pnpm-lock.yaml").is_file() else
              "yarn" if (root / "yarn.lock").is_file() else "npm")
    return [Task(name, (runner, "run", name), "detected",
                 f"package.json script {name!r}: {str(scripts[name])[:80]}", "auto")
            for name in STANDARD if isinstance(scripts.get(name), str)]


def _go(root: Path) -> list[Task]:
    if not (root / "go.mod").is_file():
        return []
    detail = "go.mod found"
    return [Task("test", ("go", "test", "./..."), "detected", detail, "generic"),
            Task("lint", ("go", "vet", "./..."), "detected", detail, "generic"),
            Task("build", ("go", "build", "./..."), "detected", detail, "generic"),
            Task("format", ("gofmt", "-l", "-w", "."), "detected", detail, "generic")]


def _cargo(root: Path) -> list[Task]:
    if not (root / "Cargo.toml").is_file():
        return []
    detail = "Cargo.toml found"
    return [Task("test", ("cargo", "test"), "detected", detail, "cargo"),
            Task("lint", ("cargo", "clippy"), "detected", detail, "cargo"),
            Task("build", ("cargo", "build"), "detected", detail, "cargo"),
            Task("format", ("cargo", "fmt"), "detected", detail, "cargo")]


_MAKE_TARGET = re.compile(r"^(?P<target>[A-Za-z][\w.-]*)\s*:(?![=:])", re.MULTILINE)


def _make(root: Path) -> list[Task]:
    for name in ("GNUmakefile", "makefile", "Makefile"):
        text = _read(root / name)
        if text is not None:
            targets = {m["target"] for m in _MAKE_TARGET.finditer(text)}
            return [Task(target, ("make", target), "detected", f"{name} target {target!r}",
                         "auto") for target in STANDARD if target in targets]
    return []
