"""The problem parsers on real output: ruff, mypy and pytest run live from this venv on a
copy of tests/fixtures/problems_project; tsc, eslint, cargo and gcc from captured samples
(samples/README.md names the versions)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pairpad.events.models import Problem
from pairpad.runtime.problems import (
    normalise,
    parse,
    parse_cargo,
    parse_eslint,
    parse_generic,
    parse_mypy,
    parse_pytest,
    parse_ruff,
    parse_tsc,
    relative_path,
    strip_ansi,
)

SAMPLES = Path(__file__).with_name("samples")
FIXTURE = Path(__file__).parents[2] / "fixtures" / "problems_project"
BIN = Path(sys.executable).parent


def sample(name: str) -> str:
    return (SAMPLES / name).read_text()


def rows(problems: list[Problem]) -> list[tuple[object, ...]]:
    return [(p.path, p.line, p.column, p.severity, p.code, p.tool) for p in problems]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    shutil.copytree(FIXTURE, root)
    return root


def run(argv: list[str], cwd: Path) -> str:
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=120,
                          check=False)
    return done.stdout + done.stderr


def test_ruff_concise(project: Path) -> None:
    (project / "syntax.py").write_text("x = (\n")
    (project / "calc" / "style.py").write_text("import sys\nx = 1 \n")
    output = run([str(BIN / "ruff"), "check", "--output-format=concise", "--no-fix",
                  "--select=F,W", "."], project)
    problems = parse_ruff(output)
    assert sorted(rows(problems)) == [
        ("calc/__init__.py", 3, 8, "error", "F401", "ruff"),
        ("calc/style.py", 1, 8, "error", "F401", "ruff"),
        ("calc/style.py", 2, 6, "warning", "W291", "ruff"),
        ("syntax.py", 2, 1, "error", "invalid-syntax", "ruff"),
    ]
    assert any(p.message == "`os` imported but unused" for p in problems)
    assert parse(output, "ruff") == problems


def test_mypy_errors_and_notes(project: Path) -> None:
    (project / "typed.py").write_text(
        'def f(x: int) -> str:\n    return x\n\n\nreveal_type(f)\n')
    output = run([str(BIN / "mypy"), "--show-column-numbers", "--show-error-end",
                  "--no-color-output", "--no-incremental", "typed.py"], project)
    problems = parse_mypy(output)
    assert rows(problems) == [("typed.py", 2, 12, "error", "return-value", "mypy"),
                              ("typed.py", 5, 13, "info", None, "mypy")]
    assert problems[0].message == 'Incompatible return value type (got "int", expected "str")'
    assert problems[0].end_line == 2 and problems[0].end_column == 13  # exclusive
    plain = run([str(BIN / "mypy"), "--no-color-output", "--no-incremental", "typed.py"],
                project)
    assert rows(parse_mypy(plain))[0] == ("typed.py", 2, 1, "error", "return-value", "mypy")


def test_pytest_failures_at_the_test_lines(project: Path) -> None:
    (project / "tests" / "test_more.py").write_text(
        "import pytest\n\n\ndef boom(x):\n    raise ValueError(f'bad {x}')\n\n\n"
        "class TestThings:\n    def test_raises(self) -> None:\n        boom(3)\n\n\n"
        "@pytest.mark.parametrize('n', [1, 2])\ndef test_param(n: int) -> None:\n"
        "    assert n == 1, 'only one'\n")
    output = run([sys.executable, "-m", "pytest", "-q", "-rfE", "-p", "no:randomly",
                  "-p", "no:cacheprovider"], project)
    problems = parse_pytest(output)
    assert [(p.path, p.line, p.severity, p.tool) for p in problems] == [
        ("tests/test_calc.py", 9, "error", "pytest"),
        ("tests/test_more.py", 10, "error", "pytest"),
        ("tests/test_more.py", 5, "error", "pytest"),  # where the ValueError was raised
        ("tests/test_more.py", 15, "error", "pytest"),
    ]
    assert problems[0].message == "test_subtract: assert 8 == 2"
    assert problems[1].message == "TestThings::test_raises: ValueError: bad 3"
    assert problems[2].message.endswith("(raised here)")
    assert problems[3].message == "test_param[2]: AssertionError: only one"
    assert parse(output, "auto") == problems  # auto sees pytest's output as pytest's


def test_pytest_collection_errors_and_no_traceback(project: Path) -> None:
    (project / "tests" / "test_broken.py").write_text("\n\nimport nonexistent_mod\n")
    output = run([sys.executable, "-m", "pytest", "-q", "-rfE", "-p", "no:cacheprovider"],
                 project)
    problems = parse_pytest(output)
    assert [(p.path, p.line) for p in problems] == [("tests/test_broken.py", 3)]
    assert "No module named 'nonexistent_mod'" in problems[0].message

    (project / "tests" / "test_broken.py").unlink()
    quiet = run([sys.executable, "-m", "pytest", "-q", "-rf", "--tb=no", "-p",
                 "no:cacheprovider"], project)
    found = parse_pytest(quiet, find_def=lambda path, name: {
        ("tests/test_calc.py", "test_subtract"): 8}.get((path, name)))
    assert [(p.path, p.line) for p in found] == [("tests/test_calc.py", 8)]


def test_tsc_plain_and_pretty() -> None:
    plain, pretty = parse_tsc(sample("tsc-plain.txt")), parse_tsc(sample("tsc-pretty.txt"))
    assert rows(plain) == rows(pretty) == [("bad.ts", 1, 7, "error", "TS2322", "tsc")]
    assert plain[0].message == pretty[0].message == \
        "Type 'string' is not assignable to type 'number'."


def test_eslint_stylish_and_unix() -> None:
    expected = [("/WORKSPACE/bad.js", 1, 7, "error", "no-unused-vars", "eslint"),
                ("/WORKSPACE/bad.js", 2, 5, "warning", "prefer-const", "eslint")]
    stylish = parse_eslint(sample("eslint-stylish.txt"))
    assert rows(stylish) == expected
    assert stylish[0].message == "'unused' is assigned a value but never used"
    assert rows(parse_eslint(sample("eslint-unix.txt"))) == expected
    assert rows(parse(sample("eslint-stylish.txt"), "auto")) == expected


def test_cargo_errors_and_warnings() -> None:
    problems = parse_cargo(sample("cargo.txt"))
    assert rows(problems) == [("src/main.rs", 3, 18, "error", "E0308", "cargo"),
                              ("src/main.rs", 7, 9, "warning", None, "cargo")]
    assert problems[1].message == "unused variable: `z`"
    assert parse(sample("cargo.txt"), "auto") == problems


def test_generic_gcc_go_and_flake8() -> None:
    gcc = parse(sample("gcc.txt"), "auto", tool="gcc")
    assert rows(gcc) == [("bad.c", 2, 11, "warning", None, "gcc"),
                         ("bad.c", 3, 10, "error", None, "gcc"),
                         ("bad.c", 3, 10, "info", None, "gcc"),
                         ("bad.c", 2, 7, "warning", None, "gcc")]
    go = parse_generic("# example.com/m\n./main.go:5:2: undefined: foo\nmain.go:7: x\n", "go")
    assert rows(go) == [("./main.go", 5, 2, "error", None, "go"),
                        ("main.go", 7, 1, "error", None, "go")]
    flake8 = parse("pkg/a.py:1:80: E501 line too long (88 > 79 characters)\n"
                   "pkg/a.py:3:1: W391 blank line at end of file\n", "flake8")
    assert rows(flake8) == [("pkg/a.py", 1, 80, "error", "E501", "flake8"),
                            ("pkg/a.py", 3, 1, "warning", "W391", "flake8")]
    # Not diagnostics: times, URLs, summaries.
    assert parse_generic("12:30:45: started\nhttp://x:80: no\nFound 1 error in a.ts:1\n") == []


def test_ansi_is_stripped() -> None:
    assert strip_ansi("\x1b[96ma.ts\x1b[0m:\x1b[93m1\x1b[0m") == "a.ts:1"
    colored = "\x1b[1ma.py\x1b[0m:3:1: \x1b[31mF401\x1b[0m unused\n"
    assert rows(parse(colored, "ruff")) == [("a.py", 3, 1, "error", "F401", "ruff")]


def test_normalise_paths(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    raw = [Problem(path=path, line=1, column=1, severity="error", message="m", tool="t")
           for path in (str(root / "src/a.py"), "./src/a.py", "src/../src/b.py", "/etc/passwd",
                        "../outside.py", ".env", "src/a.py")]
    kept = normalise(raw, root, keep=lambda rel: rel != ".env")
    assert [p.path for p in kept] == ["src/a.py", "src/b.py"]  # duplicates dropped
    many = [p.model_copy(update={"line": n}) for n, p in enumerate(raw[:1] * 50, 1)]
    assert len(normalise(many, root, keep=lambda rel: True, limit=10)) == 10
    assert relative_path(str(root), root) is None


def test_auto_takes_mypy_lines_by_their_code() -> None:
    text = "a.py:2:5: error: Bad  [arg-type]\nb.py:1:1: error: from some other tool\n"
    assert rows(parse(text, "auto", tool="make")) == [
        ("a.py", 2, 5, "error", "arg-type", "mypy"), ("b.py", 1, 1, "error", None, "make")]
