"""The agent's policy: what runs unasked, what asks, what is refused."""

from __future__ import annotations

import pytest

from pairpad.ai.agent import policy


@pytest.mark.parametrize(("argv", "allowed"), [
    (["pytest"], True),
    (["pytest", "-q"], False),  # a word more: not the pattern ["pytest"]
    (["pytest; rm -rf ~"], False),  # one word that is not `pytest`: never a string prefix
    (["pytestx"], False),
    (["python3", "-m", "pytest", "tests/test_a.py", "-k", "x"], True),
    (["python3", "-m", "pip", "install", "evil"], False),
    (["ruff", "check", "src"], True),
    (["ruff", "check", "src", "tests"], False),  # `*` is one word
    (["ruff", "format"], False),
])
def test_allow_list_matches_the_parsed_argv_word_for_word(argv: list[str],
                                                          allowed: bool) -> None:
    patterns = [["pytest"], ["python3", "-m", "pytest", "**"], ["ruff", "check", "*"]]
    assert policy.matches_allowed(argv, patterns) is allowed


@pytest.mark.parametrize("path", [
    ".pairpad/config.toml", ".vscode/settings.json", ".github/workflows/ci.yml", "AGENTS.md",
    ".cursor/rules/x.mdc", "CLAUDE.md", ".mcp.json", ".husky/pre-commit", "sub/.npmrc",
    ".pre-commit-config.yaml", ".VSCode/tasks.json", "agents.md",
])
def test_control_files_are_recognised_case_insensitively(path: str) -> None:
    assert policy.is_control(policy.normalise(path))


@pytest.mark.parametrize("path", ["src/app.py", "README.md", "docs/vscode.md", "github/x"])
def test_ordinary_files_are_not_control_files(path: str) -> None:
    assert not policy.is_control(policy.normalise(path))


@pytest.mark.parametrize(("raw", "message"), [
    ("../outside.txt", "outside the workspace"),
    ("a/../../x", "outside the workspace"),
    ("/etc/passwd", "absolute"),
    ("C:\\Windows\\x", "absolute"),
    (".git/config", ".git"),
    ("sub/.GIT/hooks/pre-commit", ".git"),
    ("", "empty"),
    ("a\x00b", "empty or not text"),
])
def test_paths_outside_the_workspace_or_in_git_are_refused(raw: str, message: str) -> None:
    with pytest.raises(policy.PathRefused, match=message):
        policy.normalise(raw)


def test_paths_are_normalised_before_any_check() -> None:
    assert policy.normalise("./src//app.py") == "src/app.py"
    assert policy.normalise("src\\pkg\\..\\.vscode\\x.json") == "src/.vscode/x.json"
    assert policy.is_control(policy.normalise("docs/../.vscode/settings.json"))


def test_modes_decide_who_asks() -> None:
    assert policy.decide("ask", "read_file").verdict == "run"
    assert policy.decide("ask", "edit_file").verdict == "refuse"
    assert policy.decide("ask", "run_command", argv=["ls"]).verdict == "refuse"
    assert policy.decide("edit", "edit_file").verdict == "run"
    assert policy.decide("edit", "run_command", argv=["pytest"],
                         allowed=[["pytest"]]).verdict == "ask"  # edit: every command asks
    assert policy.decide("auto", "run_command", argv=["pytest"],
                         allowed=[["pytest"]]).verdict == "run"
    assert policy.decide("auto", "run_command", argv=["pytest", "-x"],
                         allowed=[["pytest"]]).verdict == "ask"
    for mode in ("edit", "auto"):
        decision = policy.decide(mode, "write_file", control=True)  # type: ignore[arg-type]
        assert (decision.verdict, decision.risk) == ("ask", "control_file")
    assert policy.decide("auto", "mcp__git__status").verdict == "ask"
    assert policy.decide("auto", "mcp__git__status", trusted=True).verdict == "run"


def test_an_approval_is_bound_to_the_exact_call() -> None:
    digest = policy.call_digest("run_command", {"argv": ["pytest", "-q"]})
    assert digest == policy.call_digest("run_command", {"argv": ["pytest", "-q"]})
    assert digest != policy.call_digest("run_command", {"argv": ["pytest", "-q", "-x"]})
    assert digest != policy.call_digest("run_command", {"argv": ["pytest", "-q"],
                                                        "timeout_s": 5})
    assert policy.command_line(["python3", "-c", "print('a b')"]) == \
        "python3 -c 'print('\"'\"'a b'\"'\"')'"
