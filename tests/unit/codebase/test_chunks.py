"""Chunks follow syntax: small definitions are never cut, big ones are split inside."""

from __future__ import annotations

import itertools

import pytest

from pairpad.codebase.analyze import analyze
from pairpad.codebase.chunks import Chunk, chunk_text


def _function(language: str, index: int, body_lines: int) -> str:
    body = [f"x{index}_{n} = {n}" for n in range(body_lines)]
    if language == "python":
        return f"def f{index}():\n" + "".join(f"    {b}\n" for b in body) + "\n"
    if language == "go":
        return f"func f{index}() {{\n" + "".join(f"\t{b}\n".replace(" = ", " := ")
                                                  for b in body) + "}\n\n"
    if language == "rust":
        return f"fn f{index}() {{\n" + "".join(f"    let {b};\n" for b in body) + "}\n\n"
    if language == "java":
        return f"  void f{index}() {{\n" + "".join(f"    int {b};\n" for b in body) + "  }\n\n"
    # C, C++, JavaScript, TypeScript: C-like bodies
    decl = {"c": "void", "cpp": "void", "javascript": "function", "typescript": "function"}
    var = {"c": "int", "cpp": "int", "javascript": "let", "typescript": "let"}
    return (f"{decl[language]} f{index}() {{\n"
            + "".join(f"  {var[language]} {b};\n" for b in body) + "}\n\n")


FILES = {"python": "m.py", "go": "m.go", "rust": "m.rs", "java": "M.java", "c": "m.c",
         "cpp": "m.cpp", "javascript": "m.js", "typescript": "m.ts"}


def _source(language: str, sizes: list[int]) -> str:
    text = "".join(_function(language, i, n) for i, n in enumerate(sizes))
    if language == "go":
        return "package m\n\n" + text
    if language == "java":
        return "class M {\n" + text + "}\n"
    return text


def _check_cover(chunks: list[Chunk]) -> None:
    for before, after in itertools.pairwise(chunks):
        assert before.end_line < after.start_line, "chunks overlap"


@pytest.mark.parametrize("language", sorted(FILES))
def test_small_functions_are_never_split(language: str) -> None:
    source = _source(language, [5, 12, 3, 20, 8, 15, 4, 9])
    record = analyze(FILES[language], source.encode(), 0.0, 30)
    assert len(record.chunks) > 1
    _check_cover(record.chunks)
    functions = [t for t in record.tags if t.kind == "def" and t.name.startswith("f")]
    assert len(functions) == 8
    for function in functions:
        assert any(c.start_line <= function.start_line and function.end_line <= c.end_line
                   for c in record.chunks), f"{function.name} was cut across chunks"
    for chunk in record.chunks:
        assert chunk.end_line - chunk.start_line + 1 <= 30


@pytest.mark.parametrize("language", ["python", "typescript", "go", "rust", "java", "cpp"])
def test_a_function_bigger_than_the_budget_is_split_inside(language: str) -> None:
    source = _source(language, [3, 100, 3])
    record = analyze(FILES[language], source.encode(), 0.0, 30)
    _check_cover(record.chunks)
    big = next(t for t in record.tags if t.name == "f1")
    inside = [c for c in record.chunks if c.end_line >= big.start_line
              and c.start_line <= big.end_line]
    assert len(inside) >= 4
    assert all(c.end_line - c.start_line + 1 <= 30 for c in record.chunks)
    lines = source.split("\n")
    covered = {n for c in record.chunks for n in range(c.start_line, c.end_line + 1)}
    for number, line in enumerate(lines, start=1):
        if line.strip():
            assert number in covered, f"line {number} lost"


def test_text_without_a_grammar_is_chunked_by_paragraphs() -> None:
    text = "\n\n".join("\n".join(f"p{p} line {n}" for n in range(8)) for p in range(6))
    chunks = chunk_text(text, 20)
    _check_cover(chunks)
    assert all(c.text.split("\n")[0].endswith("line 0") for c in chunks)
    assert sum(c.text.count("line") for c in chunks) == 48
