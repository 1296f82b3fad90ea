"""Parsing the three formats, auto-detection, and the messages of malformed texts."""

from __future__ import annotations

import pytest

from pairpad.edits import EditParseError, parse_edits
from pairpad.edits.detect import detect

SR_FENCED = """Here is the change.

src/app.py
```python
<<<<<<< SEARCH
x = 1
=======
x = 2
>>>>>>> REPLACE
```

```python
<<<<<<< SEARCH
y = 1
=======
y = 2
>>>>>>> REPLACE
```

```python
src/util.py
<<<<<<< SEARCH
=======
def util():
    pass
>>>>>>> REPLACE
```
"""

UDIFF = """diff --git a/src/app.py b/src/app.py
index 1111111..2222222 100644
--- a/src/app.py
+++ b/src/app.py
@@ -1,3 +1,3 @@
 a
-b
+B
 c
@@ -10,2 +10,3 @@ def f():
 x
+y
 z
diff --git a/new.txt b/new.txt
new file mode 100644
--- /dev/null
+++ b/new.txt
@@ -0,0 +1,2 @@
+hello
+world
diff --git a/old.txt b/old.txt
deleted file mode 100644
--- a/old.txt
+++ /dev/null
@@ -1 +0,0 @@
-bye
"""


def test_search_replace_blocks_in_fences_with_the_path_before_or_inside() -> None:
    parsed = parse_edits(SR_FENCED)
    assert parsed.format == "search_replace"
    assert [f.path for f in parsed.files] == ["src/app.py", "src/util.py"]
    app, util = parsed.files
    assert [(b.index, b.search, b.replace) for b in app.blocks] == [
        (0, "x = 1\n", "x = 2\n"),
        (1, "y = 1\n", "y = 2\n"),  # no path line: the previous block's file
    ]
    assert util.blocks[0].index == 2
    assert (util.blocks[0].search, util.blocks[0].replace) == ("", "def util():\n    pass\n")


def test_path_in_the_fence_info_string_and_decorated_path_lines() -> None:
    text = "```python src/a.py\n<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE\n```\n"
    assert parse_edits(text).files[0].path == "src/a.py"
    text = "**`./src/b.py`**:\n<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE\n"
    assert parse_edits(text).files[0].path == "src/b.py"


def test_blocks_of_one_file_scattered_in_the_text_are_grouped_in_order() -> None:
    block = "<<<<<<< SEARCH\n{0}\n=======\n{0}{0}\n>>>>>>> REPLACE\n"
    text = (
        "a.py\n" + block.format("1") + "b.py\n" + block.format("2") + "a.py\n" + block.format("3")
    )
    parsed = parse_edits(text)
    assert [(f.path, [b.index for b in f.blocks]) for f in parsed.files] == [
        ("a.py", [0, 2]),
        ("b.py", [1]),
    ]


def test_a_block_without_a_path_uses_the_given_path_or_is_refused() -> None:
    text = "<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE\n"
    assert parse_edits(text, path="open.py").files[0].path == "open.py"
    with pytest.raises(EditParseError, match="names no file: write the file's path"):
        parse_edits(text)


def test_unterminated_block_and_missing_divider_say_what_to_send() -> None:
    with pytest.raises(EditParseError, match=r"Block 1 \(starting at line 2.*no >>>>>>> REPLACE"):
        parse_edits("a.py\n<<<<<<< SEARCH\na\n=======\nb\n")
    with pytest.raises(EditParseError, match=r"Block 2 .*no ======= line"):
        parse_edits(
            "a.py\n<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE\n"
            "<<<<<<< SEARCH\na\n>>>>>>> REPLACE\n"
        )
    with pytest.raises(EditParseError, match="no <<<<<<< SEARCH block"):
        parse_edits("just prose", "search_replace")


def test_unified_diff_hunks_creation_and_deletion() -> None:
    parsed = parse_edits(UDIFF)
    assert parsed.format == "udiff"
    app, new, old = parsed.files
    assert app.path == "src/app.py"
    first, second = app.blocks
    assert (first.search, first.replace, first.line_hint) == ("a\nb\nc\n", "a\nB\nc\n", 1)
    assert (second.search, second.replace, second.line_hint) == ("x\nz\n", "x\ny\nz\n", 10)
    assert (new.path, new.blocks[0].kind, new.blocks[0].replace) == (
        "new.txt",
        "create",
        "hello\nworld\n",
    )
    assert (old.path, old.blocks[0].kind, old.blocks[0].index) == ("old.txt", "delete", 3)


def test_unified_diff_no_newline_marker_and_plain_diff_paths() -> None:
    text = "--- x.txt\n+++ x.txt\n@@ -1 +1 @@\n-a\n+b\n\\ No newline at end of file\n"
    (block,) = parse_edits(text).files[0].blocks
    assert parse_edits(text).files[0].path == "x.txt"  # no a/ b/ pair: the path as written
    assert (block.search, block.replace, block.final_newline) == ("a\n", "b\n", False)


def test_unified_diff_malformed() -> None:
    with pytest.raises(EditParseError, match="before any '---'/'\\+\\+\\+' file header"):
        parse_edits("@@ -1 +1 @@\n-a\n+b\n", "udiff")
    with pytest.raises(EditParseError, match="renames"):
        parse_edits("--- a/x\n+++ b/y\n@@ -1 +1 @@\n-a\n+b\n")
    with pytest.raises(EditParseError, match="holds no unified diff"):
        parse_edits("hello", "udiff")


def test_whole_file_fenced_with_a_path_line_or_raw_with_the_given_path() -> None:
    parsed = parse_edits("Here is the file:\n\nsrc/a.py\n```python\nprint(1)\n```\n")
    assert parsed.format == "whole"
    (f,) = parsed.files
    assert (f.path, f.blocks[0].kind, f.blocks[0].replace) == ("src/a.py", "whole", "print(1)\n")
    raw = parse_edits("# Title\n\ntext\n", path="README.md")
    assert raw.files[0].blocks[0].replace == "# Title\n\ntext\n"
    fenced = parse_edits("```\nx = 1\n```", path="a.py")
    assert fenced.files[0].blocks[0].replace == "x = 1\n"


def test_whole_file_errors() -> None:
    with pytest.raises(EditParseError, match="names no file"):
        parse_edits("print(1)\n")
    with pytest.raises(EditParseError, match="not closed"):
        parse_edits("a.py\n```python\nprint(1)\n", "whole")


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (SR_FENCED, "search_replace"),
        (UDIFF, "udiff"),
        ("--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n", "udiff"),
        ("src/a.py\n```python\nprint(1)\n```\n", "whole"),
        ("a -- b\n--- not a diff\n", "whole"),
    ],
)
def test_auto_detects_each_format(text: str, kind: str) -> None:
    assert detect(text) == kind


@pytest.mark.parametrize(
    "line",
    ["src/a.ts", "# src/a.ts", "// src/a.ts", "### File: src/a.ts", "`src/a.ts`:", "**src/a.ts**"],
)
def test_path_lines_as_models_decorate_them(line: str) -> None:
    text = f"```ts\n{line}\n<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE\n```\n"
    assert parse_edits(text).files[0].path == "src/a.ts"


@pytest.mark.parametrize("line", ["Here is the fix:", "python", "Done", "<<<<<<< HEAD"])
def test_prose_is_no_path_line(line: str) -> None:
    text = f"{line}\n<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE\n"
    assert parse_edits(text, path="open.py").files[0].path == "open.py"


def test_a_unified_diff_beside_the_blocks_is_refused_not_dropped() -> None:
    text = ("a.py\n<<<<<<< SEARCH\nx = 1\n=======\nx = 2\n>>>>>>> REPLACE\n"
            "--- /dev/null\n+++ b/n.py\n@@ -0,0 +1 @@\n+n = 1\n")
    with pytest.raises(EditParseError, match="mixes SEARCH/REPLACE blocks with a unified diff"):
        parse_edits(text)
