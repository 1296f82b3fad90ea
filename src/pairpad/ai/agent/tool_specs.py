"""The agent's tools as the model sees them: names, descriptions, JSON arguments.

The names and arguments are public (models, tests and the UI use them). Each tool's
arguments are also a pydantic model, so a call with wrong types becomes an error
observation naming the argument, never a crash.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr

from pairpad.ai.providers.base import ToolSpec


class _Args(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ListFiles(_Args):
    path: StrictStr = Field(default="", description="Folder to list (default: the workspace).")
    glob: StrictStr | None = Field(default=None, description="Only paths matching, e.g. *.py")


class ReadFile(_Args):
    path: StrictStr
    start_line: StrictInt | None = Field(default=None, ge=1, description="1-based, inclusive")
    end_line: StrictInt | None = Field(default=None, ge=1, description="1-based, inclusive")


class SearchText(_Args):
    query: StrictStr = Field(min_length=1)
    regex: StrictBool = False
    glob: StrictStr | None = None


class SearchCode(_Args):
    query: StrictStr = Field(min_length=1)


class RepoMap(_Args):
    pass


class EditFile(_Args):
    path: StrictStr
    old_text: StrictStr = Field(description="The exact lines to replace (enough to be unique)")
    new_text: StrictStr
    replace_all: StrictBool = False


class WriteFile(_Args):
    path: StrictStr
    content: StrictStr


class DeleteFile(_Args):
    path: StrictStr


class RunCommand(_Args):
    argv: list[StrictStr] = Field(min_length=1, description="Program and arguments; no shell")
    timeout_s: StrictInt | None = Field(default=None, ge=1, le=3600)


ARGS: dict[str, type[_Args]] = {
    "list_files": ListFiles, "read_file": ReadFile, "search_text": SearchText,
    "search_code": SearchCode, "repo_map": RepoMap, "edit_file": EditFile,
    "write_file": WriteFile, "delete_file": DeleteFile, "run_command": RunCommand,
}

DESCRIPTIONS = {
    "list_files": "List the workspace's files (not ignored ones), under `path`, matching `glob`.",
    "read_file": "Read a text file, numbered lines; give start_line/end_line for a part of a "
                 "large file.",
    "search_text": "Search the files' text (ripgrep): a literal string, or a regex with "
                   "regex=true; glob limits the files.",
    "search_code": "Find the code most relevant to a question (symbols, text and meaning).",
    "repo_map": "A map of the repository: its files and their most important symbols.",
    "edit_file": "Replace old_text by new_text in a file. old_text must match one place "
                 "(copy it from read_file, without line numbers); replace_all changes every "
                 "exact occurrence. An empty old_text creates the file.",
    "write_file": "Create or overwrite a whole file (parent folders are created).",
    "delete_file": "Delete a file.",
    "run_command": "Run a program in the workspace's sandbox (no network, no shell: argv is a "
                   "list, e.g. [\"python\", \"-m\", \"pytest\", \"-q\"]). Returns the exit code "
                   "and output.",
}


def _schema(model: type[_Args]) -> dict[str, Any]:
    schema = model.model_json_schema()
    schema.pop("title", None)
    for prop in schema.get("properties", {}).values():
        prop.pop("title", None)
    schema.setdefault("properties", {})
    return schema


def tool_specs(names: list[str]) -> list[ToolSpec]:
    return [ToolSpec(name, DESCRIPTIONS[name], _schema(ARGS[name])) for name in names]
