"""The agent's system prompt: how to work, what the mode allows, and the workspace's rules."""

from __future__ import annotations

from pairpad.ai.agent.policy import Mode

_MODES = {
    "ask": "Mode: ask. You may only read (list_files, read_file, search_text, search_code, "
           "repo_map). Answer the user's question; change nothing.",
    "edit": "Mode: edit. You may read and change files; every command you run needs the "
            "user's approval, so run only what the task needs (usually its tests).",
    "auto": "Mode: auto. You may read and change files and run commands; commands outside "
            "the user's allow-list need their approval.",
}


def system_prompt(mode: Mode, rules_section: str) -> str:
    parts = [
        "You are Pairpad's coding agent, working in the user's workspace (a code "
        "repository) through tools. Work in small steps: look at the code that matters "
        "(search_code, search_text, read_file), make the change with edit_file (old_text "
        "copied exactly from read_file, without the line numbers) or write_file, check it "
        "(run the tests with run_command when the task is about behaviour), then answer "
        "with a short summary of what you changed and why — without calling a tool.",
        "Paths are relative to the workspace root. Commands run in a sandbox without "
        "network; argv is a list, not a shell line. Secret files (.env, keys) cannot be "
        "read. Control files (.pairpad/, .vscode/, .github/workflows/, agent rules) ask the "
        "user first. If a tool call fails, read its message and fix the call; do not "
        "repeat the same call.",
        _MODES[mode],
    ]
    if rules_section.strip():
        parts.append(rules_section)
    return "\n\n".join(parts)
