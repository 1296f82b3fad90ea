"""Diagnostics in a task's output, parsed into `Problem`s for the Problems panel and markers.

Pure functions, one per format; `parse()` picks them by the task's `problem_matcher`
(`auto` tries them all) and `normalise()` makes the paths workspace-relative and drops what
the panel must not show. Lines and columns are 1-based; `end_column` is exclusive (Monaco's).

Formats: generic `path:line[:col]: [error|warning|note:] message` (gcc, go, flake8 with its
`E501` code), mypy (`path:line[:col[:eline:ecol]]: error|note: msg  [code]`), ruff's concise
output (`path:line:col: CODE msg`), tsc (`path(line,col): error TS…` and the pretty
`path:line:col - error TS…`), eslint (stylish: a path line, then `  line:col  error  msg
rule`; and the unix formatter `path:line:col: msg [Error/rule]`), cargo/rustc (`error[E0308]:
msg` and its ` --> path:line:col`) and pytest (failure sections, their `path:line: Error`
traceback locations, and the `FAILED path::test - msg` summary lines).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Literal

from pairpad.events.models import Problem

Matcher = Literal["auto", "pytest", "ruff", "flake8", "mypy", "tsc", "eslint", "cargo",
                  "generic"]
MATCHERS: tuple[Matcher, ...] = ("auto", "pytest", "ruff", "flake8", "mypy", "tsc", "eslint",
                                 "cargo", "generic")
Severity = Literal["error", "warning", "info"]
MAX_PROBLEMS = 1000
MAX_MESSAGE = 2000
FindDef = Callable[[str, str], int | None]  # (path, function name) -> its `def` line

ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")
_PATH = r"(?P<path>[^\s:()][^\s:()]*)"  # no spaces: a log line's words are not a path


def strip_ansi(text: str) -> str:
    return ANSI.sub("", text).replace("\r\n", "\n")


def _lines(text: str) -> list[str]:
    return strip_ansi(text).split("\n")


def _severity(word: str | None, default: Severity = "error") -> Severity:
    word = (word or "").lower()
    if word in ("error", "fatal error", "fatal"):
        return "error"
    if word == "warning":
        return "warning"
    if word in ("note", "info", "message", "help"):
        return "info"
    return default


def _problem(path: str, line: str | int, column: str | int | None, severity: Severity,
             message: str, tool: str, code: str | None = None, end_line: int | None = None,
             end_column: int | None = None) -> Problem:
    return Problem(path=path, line=max(1, int(line)), column=max(1, int(column or 1)),
                   end_line=end_line, end_column=end_column, severity=severity,
                   message=message.strip()[:MAX_MESSAGE], code=code, tool=tool)


# ---- generic: gcc, go, flake8, and anything `path:line:col: message` ------------------

_GENERIC = re.compile(_PATH + r":(?P<line>\d+)(?::(?P<col>\d+))?:\s*(?P<msg>\S.*)$")
_LEVEL = re.compile(r"^(?P<level>fatal error|error|warning|note|info)\s*:\s*", re.IGNORECASE)
_LINT_CODE = re.compile(r"^(?P<code>[A-Z]{1,4}\d{2,4})\s+(?P<msg>.+)$")


def match_generic(line: str, tool: str = "generic") -> Problem | None:
    found = _GENERIC.match(line)
    if found is None or not re.search(r"[A-Za-z_]", found["path"]):
        return None
    message, code = found["msg"], None
    severity: Severity = "error"
    level = _LEVEL.match(message)
    if level is not None:
        severity, message = _severity(level["level"]), message[level.end():]
    elif (lint := _LINT_CODE.match(message)) is not None:
        code, message = lint["code"], lint["msg"]
        severity = "warning" if code.startswith("W") else "error"
    return _problem(found["path"], found["line"], found["col"], severity, message, tool, code)


def parse_generic(text: str, tool: str = "generic") -> list[Problem]:
    return [p for line in _lines(text) if (p := match_generic(line, tool)) is not None]


# ---- mypy ------------------------------------------------------------------------------

_MYPY = re.compile(r"(?P<path>[^\s:()]+\.pyi?):(?P<line>\d+)(?::(?P<col>\d+))?"
                   r"(?::(?P<eline>\d+):(?P<ecol>\d+))?: (?P<level>error|warning|note): "
                   r"(?P<msg>.*?)(?:  \[(?P<code>[\w-]+)\])?$")


def match_mypy(line: str) -> Problem | None:
    found = _MYPY.match(line)
    if found is None:
        return None
    end_line = int(found["eline"]) if found["eline"] else None
    end_col = int(found["ecol"]) + 1 if found["ecol"] else None  # mypy's end is inclusive
    return _problem(found["path"], found["line"], found["col"], _severity(found["level"]),
                    found["msg"], "mypy", found["code"], end_line, end_col)


def parse_mypy(text: str) -> list[Problem]:
    return [p for line in _lines(text) if (p := match_mypy(line)) is not None]


# ---- ruff (--output-format=concise) ----------------------------------------------------

_RUFF = re.compile(_PATH + r":(?P<line>\d+):(?P<col>\d+): (?:(?P<code>[A-Z]+[0-9]+)|"
                   r"(?P<syntax>invalid-syntax|SyntaxError):) (?:\[\*\] )?(?P<msg>.+)$")


def match_ruff(line: str) -> Problem | None:
    found = _RUFF.match(line)
    if found is None:
        return None
    code = found["code"] or found["syntax"]
    severity: Severity = "warning" if (found["code"] or "").startswith("W") else "error"
    return _problem(found["path"], found["line"], found["col"], severity, found["msg"], "ruff",
                    code)


def parse_ruff(text: str) -> list[Problem]:
    return [p for line in _lines(text) if (p := match_ruff(line)) is not None]


# ---- tsc -------------------------------------------------------------------------------

_TSC = re.compile(r"(?P<path>[^\s()][^()]*?)\((?P<line>\d+),(?P<col>\d+)\): "
                  r"(?P<level>error|warning|message) (?P<code>TS\d+): (?P<msg>.+)$")
_TSC_PRETTY = re.compile(_PATH + r":(?P<line>\d+):(?P<col>\d+) - (?P<level>error|warning|"
                         r"message) (?P<code>TS\d+): (?P<msg>.+)$")


def match_tsc(line: str) -> Problem | None:
    found = _TSC.match(line) or _TSC_PRETTY.match(line)
    if found is None:
        return None
    return _problem(found["path"], found["line"], found["col"], _severity(found["level"]),
                    found["msg"], "tsc", found["code"])


def parse_tsc(text: str) -> list[Problem]:
    return [p for line in _lines(text) if (p := match_tsc(line)) is not None]


# ---- eslint ----------------------------------------------------------------------------

_ESLINT_UNIX = re.compile(_PATH + r":(?P<line>\d+):(?P<col>\d+): (?P<msg>.+) "
                          r"\[(?P<level>Error|Warning)(?:/(?P<rule>[^\]]+))?\]$")
_ESLINT_ROW = re.compile(r"^\s+(?P<line>\d+):(?P<col>\d+)\s+(?P<level>error|warning)\s+"
                         r"(?P<msg>.+?)(?:\s{2,}(?P<rule>\S+))?\s*$")
_ESLINT_FILE = re.compile(r"^(?P<path>[^\s✖].*\S)$")


def match_eslint_unix(line: str) -> Problem | None:
    found = _ESLINT_UNIX.match(line)
    if found is None:
        return None
    return _problem(found["path"], found["line"], found["col"], _severity(found["level"]),
                    found["msg"], "eslint", found["rule"])


def parse_eslint_stylish(text: str) -> list[Problem]:
    problems: list[Problem] = []
    current: str | None = None
    for line in _lines(text):
        if not line.strip():
            current = None
        elif (row := _ESLINT_ROW.match(line)) is not None and current is not None:
            problems.append(_problem(current, row["line"], row["col"],
                                     _severity(row["level"]), row["msg"], "eslint",
                                     row["rule"]))
        elif (head := _ESLINT_FILE.match(line)) is not None and not _GENERIC.match(line):
            current = head["path"]
    return problems


def parse_eslint(text: str) -> list[Problem]:
    unix = [p for line in _lines(text) if (p := match_eslint_unix(line)) is not None]
    return unix + parse_eslint_stylish(text)


# ---- cargo / rustc ---------------------------------------------------------------------

_RUST_HEAD = re.compile(r"^(?P<level>error|warning)(?:\[(?P<code>[A-Za-z]*\d+)\])?: "
                        r"(?P<msg>.+)$")
_RUST_AT = re.compile(r"^\s*--> (?P<path>.+?):(?P<line>\d+):(?P<col>\d+)$")
_RUST_LOOKAHEAD = 3  # the ` --> ` line follows its header directly (or after a note line)


def parse_cargo(text: str) -> list[Problem]:
    lines = _lines(text)
    problems: list[Problem] = []
    for index, line in enumerate(lines):
        head = _RUST_HEAD.match(line)
        if head is None:
            continue
        for after in lines[index + 1:index + 1 + _RUST_LOOKAHEAD]:
            if _RUST_HEAD.match(after):
                break
            if (at := _RUST_AT.match(after)) is not None:
                problems.append(_problem(at["path"], at["line"], at["col"],
                                         _severity(head["level"]), head["msg"], "cargo",
                                         head["code"]))
                break
    return problems


# ---- pytest ----------------------------------------------------------------------------

_PYTEST_SECTION = re.compile(r"^_{3,} (?P<name>.+?) _{3,}$")
_PYTEST_BANNER = re.compile(r"^={3,} .* ={3,}$")
_PYTEST_AT = re.compile(r"^(?P<path>[^\s:][^:]*\.py):(?P<line>\d+): ?(?P<what>.*)$")
_PYTEST_E = re.compile(r"^E\s+(?P<msg>.*\S)")
_PYTEST_SUMMARY = re.compile(r"^(?P<kind>FAILED|ERROR) (?P<path>[^\s:]+?\.py)"
                             r"(?:::(?P<test>\S+?))?(?: - (?P<msg>.*))?$")
_PYTEST_SIGNS = ("short test summary info", "= FAILURES =", "= ERRORS =")


class _Section:
    def __init__(self, name: str) -> None:
        self.name = name
        self.at: list[tuple[str, int, str]] = []  # (path, line, what) of each traceback entry
        self.errors: list[str] = []  # the `E   …` lines


def _pytest_sections(lines: list[str]) -> list[_Section]:
    sections: list[_Section] = []
    current: _Section | None = None
    for line in lines:
        if (head := _PYTEST_SECTION.match(line)) is not None:
            current = _Section(head["name"])
            sections.append(current)
        elif _PYTEST_BANNER.match(line):
            current = None
        elif current is not None:
            if (at := _PYTEST_AT.match(line)) is not None:
                current.at.append((at["path"], int(at["line"]), at["what"].strip()))
            elif (error := _PYTEST_E.match(line)) is not None:
                current.errors.append(error["msg"])
    return sections


def looks_like_pytest(text: str) -> bool:
    return any(sign in text for sign in _PYTEST_SIGNS)


def parse_pytest(text: str, find_def: FindDef | None = None) -> list[Problem]:
    """One problem per failed or erroring test: at its frame in the test file (else the
    `def` of the test, found by `find_def`), with the summary's message; plus one where the
    exception was raised when that is another place."""
    lines = _lines(text)
    sections = _pytest_sections(lines)
    problems: list[Problem] = []
    used: set[int] = set()
    for line in lines:
        summary = _PYTEST_SUMMARY.match(line)
        if summary is None:
            continue
        path, test = summary["path"], summary["test"]
        name = test.replace("::", ".") if test else f"collecting {path}"
        found = next((i for i, s in enumerate(sections) if i not in used and (
            s.name == name or s.name.endswith(f" {name}"))), None)
        section = sections[found] if found is not None else None
        if found is not None:
            used.add(found)
        message = summary["msg"] or (section.errors[0] if section and section.errors else
                                     f"{summary['kind'].lower()}: {test or path}")
        label = f"{test or path}: {message}" if test else message
        problems += _pytest_places(path, test, section, label, find_def)
    if not problems:  # no summary lines (`-rN`): the sections alone
        for section in sections:
            message = section.errors[0] if section.errors else section.name
            places = [at for at in section.at if at[2]]
            if places:
                path, line_no, _ = places[-1]
                problems.append(_problem(path, line_no, 1, "error",
                                         f"{section.name}: {message}", "pytest"))
    return problems


def _pytest_places(path: str, test: str | None, section: _Section | None, label: str,
                   find_def: FindDef | None) -> list[Problem]:
    line_no: int | None = None
    raised: tuple[str, int, str] | None = None
    if section is not None:
        line_no = next((at[1] for at in section.at if at[0] == path), None)
        raised = section.at[-1] if section.at else None
    if line_no is None and test and find_def is not None:
        line_no = find_def(path, test.split("::")[-1].split("[")[0])
    found = [_problem(path, line_no or 1, 1, "error", label, "pytest")]
    if raised is not None and (raised[0], raised[1]) != (path, line_no or 1):
        found.append(_problem(raised[0], raised[1], 1, "error",
                              f"{label} (raised here)", "pytest"))
    return found


# ---- choosing and cleaning -------------------------------------------------------------

def _match_mypy_coded(line: str) -> Problem | None:
    """A mypy line only by its `[code]`: `a.py:1: error: x` alone could be any tool's."""
    problem = match_mypy(line)
    return problem if problem is not None and problem.code else None


_LINE_MATCHERS: tuple[Callable[[str], Problem | None], ...] = (
    _match_mypy_coded, match_tsc, match_eslint_unix)


def parse_auto(text: str, find_def: FindDef | None = None, tool: str = "generic"
               ) -> list[Problem]:
    """Every format: pytest output is taken as pytest's alone (its traceback lines would
    read as generic ones); else each line by the first line format that matches it (mypy
    for `.py` paths with a `[code]`, tsc, eslint's unix one, else generic, named `tool`: ruff's and
    flake8's lines are generic ones), plus the multi-line ones (eslint stylish, cargo)."""
    if looks_like_pytest(text):
        return parse_pytest(text, find_def)
    by_line = [p for line in _lines(text) if (p := _first(line, tool)) is not None]
    return by_line + parse_eslint_stylish(text) + parse_cargo(text)


def _first(line: str, tool: str) -> Problem | None:
    for match in _LINE_MATCHERS:
        if (problem := match(line)) is not None:
            return problem
    return match_generic(line, tool)


def parse(text: str, matcher: Matcher, find_def: FindDef | None = None,
          tool: str = "generic") -> list[Problem]:
    """The raw problems (paths as the tool printed them) of one run's output; `tool` names
    the generic matches (the task's program: `make`, `go` …)."""
    if matcher == "pytest":
        return parse_pytest(text, find_def)
    if matcher == "auto":
        return parse_auto(text, find_def, tool)
    if matcher in ("generic", "flake8"):
        return parse_generic(text, tool if matcher == "generic" else "flake8")
    parsers: dict[str, Callable[[str], list[Problem]]] = {
        "ruff": parse_ruff, "mypy": parse_mypy, "tsc": parse_tsc, "eslint": parse_eslint,
        "cargo": parse_cargo}
    return parsers[matcher](text)


def relative_path(raw: str, root: Path) -> str | None:
    """`raw` (absolute, or relative to the workspace root where tasks run) as a normalised
    workspace-relative path with `/`; None when it is outside the workspace."""
    raw = raw.strip()
    if not raw or "\0" in raw:
        return None
    joined = os.path.normpath(raw if os.path.isabs(raw) else os.path.join(root, raw))
    base = os.path.normpath(root)
    if os.path.commonpath([base, joined]) != base or joined == base:
        return None
    return os.path.relpath(joined, base).replace(os.sep, "/")


def normalise(problems: Iterable[Problem], root: Path, keep: Callable[[str], bool],
              limit: int = MAX_PROBLEMS) -> list[Problem]:
    """Workspace-relative paths; outside ones and those `keep` refuses (secret, hidden,
    missing) dropped; duplicates dropped; at most `limit`."""
    seen: set[tuple[object, ...]] = set()
    kept: list[Problem] = []
    for problem in problems:
        rel = relative_path(problem.path, root)
        if rel is None or not keep(rel):
            continue
        key = (rel, problem.line, problem.column, problem.message, problem.code)
        if key in seen:
            continue
        seen.add(key)
        kept.append(problem.model_copy(update={"path": rel}))
        if len(kept) >= limit:
            break
    return kept
