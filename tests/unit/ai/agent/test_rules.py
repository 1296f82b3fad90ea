"""Rule files for the agent's system prompt (ai/agent/rules.py) on a real temporary workspace."""

from __future__ import annotations

import os
from pathlib import Path

from pairpad.ai.agent.rules import (
    FILE_CAP,
    TOTAL_CAP,
    load_rules,
    rules_prompt,
    split_front_matter,
)
from pairpad.workspace.visibility import VisibilityPolicy


def count(text: str) -> int:
    return len(text) // 4 + 1


def write(root: Path, rel: str, text: str | bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_every_kind_of_rule_file_is_read_in_the_fixed_order(tmp_path: Path) -> None:
    write(tmp_path, ".pairpad/rules/b.md", "pairpad b")
    write(tmp_path, ".pairpad/rules/a.md", "pairpad a")
    write(tmp_path, ".pairpad/rules/notes.txt", "not a rule file")
    write(tmp_path, ".github/copilot-instructions.md", "copilot")
    write(tmp_path, ".cursor/rules/z.mdc", "cursor z")
    write(tmp_path, ".cursor/rules/m.mdc", "cursor m")
    write(tmp_path, ".cursorrules", "cursorrules")
    write(tmp_path, "CLAUDE.md", "claude")
    write(tmp_path, "AGENTS.md", "Use pytest.\n")
    write(tmp_path, "src/AGENTS.md", "nested files are not read")

    rules = load_rules(tmp_path, VisibilityPolicy(tmp_path), count)

    assert [r.path for r in rules] == [
        "AGENTS.md", "CLAUDE.md", ".cursorrules", ".cursor/rules/m.mdc", ".cursor/rules/z.mdc",
        ".github/copilot-instructions.md", ".pairpad/rules/a.md", ".pairpad/rules/b.md"]
    assert rules[0].text == "Use pytest.\n"
    assert rules[0].tokens == count("Use pytest.\n")
    assert rules[0].globs == []


def test_no_rule_files_give_no_rules_and_no_prompt(tmp_path: Path) -> None:
    assert load_rules(tmp_path, None, count) == []
    assert rules_prompt([]) == ""


def test_mdc_front_matter_gives_globs_and_is_not_in_the_text(tmp_path: Path) -> None:
    write(tmp_path, ".cursor/rules/py.mdc",
          "---\ndescription: Python style\nglobs: src/**/*.py, \"tests/*.py\"\n"
          "alwaysApply: false\n---\n\nUse type hints.\n")
    write(tmp_path, ".cursor/rules/web.mdc",
          "---\nglobs:\n  - \"*.ts\"\n  - 'web/*.{ts,tsx}'\n---\nNo any.\n")
    write(tmp_path, ".cursor/rules/flow.mdc",
          "---\nglobs: [\"*.md\", docs/*.{md,txt}]\n---\nWrap.\n")

    rules = {r.path: r for r in load_rules(tmp_path, None, count)}

    py = rules[".cursor/rules/py.mdc"]
    assert py.globs == ["src/**/*.py", "tests/*.py"]
    assert py.description == "Python style"
    assert py.text == "Use type hints.\n"
    assert rules[".cursor/rules/web.mdc"].globs == ["*.ts", "web/*.{ts,tsx}"]
    assert rules[".cursor/rules/flow.mdc"].globs == ["*.md", "docs/*.{md,txt}"]

    prompt = rules_prompt(list(rules.values()))
    assert "---" not in prompt and "alwaysApply" not in prompt
    assert ('<rule path=".cursor/rules/py.mdc">\n'
            "Applies when working on files matching `src/**/*.py`, `tests/*.py`.\n"
            "About: Python style\nUse type hints.\n</rule>") in prompt


def test_a_markdown_rule_line_at_the_top_is_not_taken_for_front_matter() -> None:
    text = "---\nThis project uses tabs, not spaces.\n---\nMore.\n"
    assert split_front_matter(text) == ({}, text)
    assert split_front_matter("---\nno end\n") == ({}, "---\nno end\n")
    meta, body = split_front_matter("---\nalwaysApply: true\n---\nBody")
    assert meta == {"alwaysApply": True} and body == "Body"


def test_secret_files_and_symlinks_to_secrets_or_outside_the_root_are_skipped(
        tmp_path: Path) -> None:
    root = tmp_path / "ws"
    outside = tmp_path / "outside"
    write(outside, "evil.md", "instructions from outside the workspace")
    write(root, ".env", "OPENAI_API_KEY=sk-secret")
    write(root, "AGENTS.md", "fine")
    os.symlink(outside / "evil.md", root / "CLAUDE.md")
    os.symlink(root / ".env", root / ".cursorrules")
    write(root, ".pairpad/rules/secret-notes.md", "top secret")
    (root / ".cursor").mkdir()
    os.symlink(outside, root / ".cursor" / "rules")  # a whole folder outside
    write(outside, "x.mdc", "outside mdc")

    policy = VisibilityPolicy(root, ["secret-*"])
    rules = load_rules(root, policy, count)

    assert [r.path for r in rules] == ["AGENTS.md"]
    # Without the policy the link to .env is still a file inside the root: only the
    # visibility policy knows it is a secret.
    assert ".cursorrules" in [r.path for r in load_rules(root, None, count)]


def test_a_symlink_inside_the_root_is_followed(tmp_path: Path) -> None:
    write(tmp_path, "docs/agents.md", "shared rules")
    os.symlink(tmp_path / "docs" / "agents.md", tmp_path / "AGENTS.md")
    assert [r.text for r in load_rules(tmp_path, VisibilityPolicy(tmp_path), count)] == [
        "shared rules"]


def test_non_utf8_and_binary_files_are_skipped(tmp_path: Path) -> None:
    write(tmp_path, "AGENTS.md", "caf\xe9".encode("latin-1"))
    write(tmp_path, "CLAUDE.md", b"bin\x00ary")
    write(tmp_path, ".cursorrules", "ok ✓".encode())
    assert [r.path for r in load_rules(tmp_path, None, count)] == [".cursorrules"]


def test_a_big_file_is_cut_at_a_line_and_says_so(tmp_path: Path) -> None:
    line = "Rule: write small functions with one job. ✓\n"
    write(tmp_path, "AGENTS.md", line * (3 * FILE_CAP // len(line)))
    [rule] = load_rules(tmp_path, None, count)
    body, note = rule.text.rsplit("\n[", 1)
    assert len(body.encode()) <= FILE_CAP
    assert body.endswith("✓\n") or body.endswith("✓")
    assert "cut: AGENTS.md is longer than the 32 KiB" in note
    assert rule.tokens == count(rule.text)


def test_the_total_is_capped_and_files_past_it_are_named_as_left_out(tmp_path: Path) -> None:
    chunk = ("x" * 99 + "\n") * (FILE_CAP // 100 - 1)
    n = TOTAL_CAP // len(chunk) + 2
    for i in range(n):
        write(tmp_path, f".pairpad/rules/{i:02}.md", chunk)
    rules = load_rules(tmp_path, None, count)
    assert len(rules) == n
    total = sum(len(r.text.encode()) for r in rules)
    assert total <= TOTAL_CAP + 200 * n  # notes are small
    assert rules[-1].text.startswith(f"[.pairpad/rules/{n - 1:02}.md is left out")
    assert "x" * 99 in rules[0].text


def test_prompt_lists_each_rule_under_its_path(tmp_path: Path) -> None:
    write(tmp_path, "AGENTS.md", "Run make test.\n")
    write(tmp_path, ".pairpad/rules/style.md", "---\nglobs: \"*.py\"\n---\nNo prints.")
    prompt = rules_prompt(load_rules(tmp_path, None, count))
    assert prompt.startswith("# Project rules\n")
    assert '<rule path="AGENTS.md">\nRun make test.\n</rule>' in prompt
    assert ('<rule path=".pairpad/rules/style.md">\nApplies when working on files matching '
            "`*.py`.\nNo prints.\n</rule>") in prompt
