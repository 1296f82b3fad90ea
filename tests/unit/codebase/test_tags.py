"""Definitions and references per language family, from real tree-sitter grammars."""

from __future__ import annotations

import pytest

from pairpad.codebase.analyze import analyze

CASES: dict[str, tuple[str, set[tuple[str, str]], set[str]]] = {
    "m.py": (
        "import os\nfrom app.util import helper\n\nLIMIT = 3\n\n"
        "class Cache(Base):\n    def get(self, key):\n        return helper(key)\n\n"
        "@cached\ndef load(path):\n    return os.path.join(path)\n",
        {("LIMIT", "constant"), ("Cache", "class"), ("get", "function"), ("load", "function")},
        {"helper", "Base", "cached", "join"},
    ),
    "m.js": (
        "import { useState } from 'react';\nexport function Counter() { return useState(0); }\n"
        "const double = (x) => x * 2;\nclass Shape { area() { return 0; } }\n"
        "new Shape().area();\n",
        {("Counter", "function"), ("double", "function"), ("Shape", "class"), ("area", "method")},
        {"useState", "Shape", "area"},
    ),
    "m.ts": (
        "interface Props { title: string }\ntype Id = string;\nenum Color { Red }\n"
        "export class Panel { render(p: Props): Id { return format(p.title); } }\n",
        {("Props", "interface"), ("Id", "type"), ("Color", "enum"), ("Panel", "class"),
         ("render", "method")},
        {"Props", "Id", "format"},
    ),
    "m.tsx": (
        "export function App(): JSX.Element { return <Panel title='x' />; }\n",
        {("App", "function")},
        {"Panel"},
    ),
    "m.go": (
        "package m\n\ntype Ring struct{ n int }\n\nconst Max = 3\n\n"
        "func New() *Ring { return &Ring{} }\n\nfunc (r *Ring) Shard(k string) int "
        "{ return hash(k) % r.n }\n",
        {("Ring", "type"), ("Max", "constant"), ("New", "function"), ("Shard", "method")},
        {"Ring", "hash"},
    ),
    "m.rs": (
        "pub struct Lru { cap: usize }\npub trait Cache { fn get(&self); }\n"
        "impl Lru { pub fn new() -> Self { Lru { cap: helper() } } }\n"
        "macro_rules! m { () => {} }\nfn main() { println!(\"x\"); Lru::new(); }\n",
        {("Lru", "struct"), ("Cache", "interface"), ("get", "function"), ("new", "function"),
         ("m", "macro"), ("main", "function")},
        {"helper", "println", "new", "Lru"},
    ),
    "M.java": (
        "package p;\npublic class Checksum implements Sum {\n"
        "  public Checksum() {}\n  long adler(byte[] d) { return Util.mix(d); }\n}\n"
        "interface Sum {}\n",
        {("Checksum", "class"), ("adler", "method"), ("Sum", "interface")},
        {"mix", "Sum"},
    ),
    "m.c": (
        "#define POLY 1\nstruct block { int n; };\ntypedef int word;\n"
        "static int crc(const struct block *b) { return update(b->n); }\n",
        {("POLY", "macro"), ("block", "struct"), ("word", "type"), ("crc", "function")},
        {"update", "block"},
    ),
    "m.cpp": (
        "namespace kv {\nclass Ring { public: void push(int v) { grow(); } };\n"
        "int Ring::size() { return 0; }\n}\n",
        {("kv", "module"), ("Ring", "class"), ("push", "method"), ("size", "method")},
        {"grow"},
    ),
    "m.kt": (  # no tag query: the generic fallback still finds definitions and calls
        "class Greeter { fun greet(): String = \"hi\" }\nfun main() { println(Greeter()) }\n",
        {("Greeter", "class"), ("greet", "function"), ("main", "function")},
        {"println"},
    ),
}


@pytest.mark.parametrize("path", sorted(CASES))
def test_definitions_and_references(path: str) -> None:
    source, expected_defs, expected_refs = CASES[path]
    record = analyze(path, source.encode(), 0.0, 50)
    defs = {(t.name, t.symbol_kind) for t in record.tags if t.kind == "def"}
    refs = {t.name for t in record.tags if t.kind == "ref"}
    assert expected_defs <= defs, f"missing {expected_defs - defs}"
    assert expected_refs <= refs, f"missing {expected_refs - refs}"


def test_positions_and_signature() -> None:
    source = b"x = 1\n\nclass Cache:\n    def get(self, key):\n        return key\n"
    tags = analyze("m.py", source, 0.0, 50).tags
    get = next(t for t in tags if t.name == "get")
    assert (get.line, get.column, get.end_column) == (4, 8, 11)
    assert (get.start_line, get.end_line) == (4, 5)
    assert get.signature == "    def get(self, key):"


def test_a_definition_name_is_not_also_a_reference() -> None:
    tags = analyze("m.ts", b"interface Props { a: string }\n", 0.0, 50).tags
    assert [(t.name, t.kind) for t in tags if t.name == "Props"] == [("Props", "def")]


def test_data_files_and_unknown_extensions_have_no_tags_but_have_chunks() -> None:
    for path in ("c.json", "notes.txt", "README.md"):
        record = analyze(path, b'{"a": 1}\n\nmore text\n', 0.0, 50)
        assert record.tags == []
        assert record.chunks, path
