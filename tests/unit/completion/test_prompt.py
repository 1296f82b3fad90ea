"""The completion prompt: exact strings for a FIM model and a prefix-only one, the comment
syntax per language, and the token budget."""

from __future__ import annotations

import itertools

from pairpad.ai.completion.prompt import (
    CompletionPrompt,
    PromptInput,
    Snippet,
    build_prompt,
    comment_style,
)
from pairpad.ai.profiles import ModelProfile, builtin_profile
from pairpad.ai.providers.base import estimate_tokens

QWEN = builtin_profile("local", "qwen2.5-coder-1.5b-instruct")
SMOL = builtin_profile("local", "SmolLM2-360M-Instruct")
PREFIX = "import os\n\ndef main():\n    "
SUFFIX = "\n\nif __name__ == '__main__':\n    main()\n"
REQ = PromptInput("app/main.py", "python", PREFIX, SUFFIX)
SNIPPETS = [
    Snippet("recent_edit", "app/util.py", "def helper():\n    return 1\n"),
    Snippet("signature", "app/db.py", "def connect(url: str) -> Connection:"),
]
CONTEXT = ("# Path: app/main.py\n"
           "# Language: python\n"
           "# From app/db.py: def connect(url: str) -> Connection:\n"
           "# Recently edited in app/util.py:\n"
           "# def helper():\n"
           "#     return 1\n")


def build(req: PromptInput = REQ, profile: ModelProfile = QWEN,
          snippets: list[Snippet] = SNIPPETS, budget: int = 1000) -> CompletionPrompt:
    return build_prompt(req, profile, snippets, budget_tokens=budget, max_tokens_line=32,
                        max_tokens_block=128)


def test_fim_model_prompt_exact() -> None:
    assert QWEN.fim is not None
    assert build() == CompletionPrompt(prefix=CONTEXT + PREFIX, suffix=SUFFIX,
                                       stop=["\n\n\n"], max_tokens=128, multiline=True)
    # The provider renders Qwen's template from these two parts.
    assert QWEN.fim.render(CONTEXT + PREFIX, SUFFIX) == (
        f"<|fim_prefix|>{CONTEXT}{PREFIX}<|fim_suffix|>{SUFFIX}<|fim_middle|>")


def test_prefix_only_model_prompt_exact() -> None:
    assert SMOL.fim is None
    assert build(profile=SMOL) == CompletionPrompt(prefix=CONTEXT + PREFIX, suffix=None,
                                                   stop=["\n\n\n"], max_tokens=128,
                                                   multiline=True)


def test_single_line_position() -> None:
    req = PromptInput("app/main.py", "python", "x = os.path.", "\nprint(x)\n")
    prompt = build(req, snippets=[])
    assert prompt == CompletionPrompt(
        prefix="# Path: app/main.py\n# Language: python\nx = os.path.",
        suffix="\nprint(x)\n", stop=["\n"], max_tokens=32, multiline=False)


def test_comment_syntax_per_language() -> None:
    snippet = [Snippet("signature", "src/db.ts", "export function connect(url: string) {")]
    ts = build(PromptInput("src/a.ts", "typescript", "const c = ", ";\n"), snippets=snippet)
    assert ts.prefix == ("// Path: src/a.ts\n// Language: typescript\n"
                         "// From src/db.ts: export function connect(url: string) {\n"
                         "const c = ")
    sql = build(PromptInput("q.sql", "sql", "SELECT ", ""), snippets=[])
    assert sql.prefix == "-- Path: q.sql\n-- Language: sql\nSELECT "
    html = build(PromptInput("index.html", "html", "<p>", "</p>"), snippets=[])
    assert html.prefix == "<!-- Path: index.html -->\n<!-- Language: html -->\n<p>"
    assert comment_style("Python") == ("#", "")


def test_no_comment_syntax_no_header() -> None:
    for language in ("json", "plaintext", "some-new-language"):
        prompt = build(PromptInput("data.x", language, '{"a": ', "}"))
        assert comment_style(language) is None
        assert prompt.prefix == '{"a": '  # no header, no snippets


def test_budget_cuts_the_prefix_from_the_top_and_the_suffix_from_the_bottom() -> None:
    above = "".join(f"line_{i:03} = {i}\n" for i in range(200))  # 16 chars a line
    below = "".join(f"after_{i:03} = {i}\n" for i in range(200))  # 17 chars a line
    req = PromptInput("big.py", "python", above + "x = ", "\n" + below)
    prompt = build(req, snippets=[], budget=200)
    header = "# Path: big.py\n# Language: python\n"
    assert prompt.prefix.startswith(header)
    prefix = prompt.prefix[len(header):]
    assert prompt.suffix is not None
    # The text nearest the cursor stays, each side whole lines.
    assert prefix.endswith("line_199 = 199\nx = ") and above.endswith(prefix[:-4])
    assert prefix.startswith("line_") and prompt.suffix.startswith("\nafter_000 = 0\n")
    assert prompt.suffix.endswith("\n") and below.startswith(prompt.suffix[1:])
    used = estimate_tokens(header) + estimate_tokens(prefix) + estimate_tokens(prompt.suffix)
    assert 190 <= used <= 200
    # About three quarters for the prefix (less up to one cut step: `_keep_tail`'s grid).
    assert 0.5 < len(prefix) / (len(prefix) + len(prompt.suffix)) < 0.8
    # A prefix-only model spends the whole file budget on the prefix.
    only = build(req, profile=SMOL, snippets=[], budget=200)
    assert only.suffix is None and len(only.prefix) > len(prompt.prefix)
    assert estimate_tokens(only.prefix) <= 200


def test_a_short_suffix_leaves_its_share_to_the_prefix() -> None:
    above = "".join(f"line_{i:03} = {i}\n" for i in range(200))
    req = PromptInput("big.py", "python", above, "\n")
    prompt = build(req, snippets=[], budget=200)
    assert prompt.suffix == "\n"
    # All of the budget but at most one cut step (a quarter) of it: see the next test.
    assert estimate_tokens(prompt.prefix) > 0.7 * 200


def test_the_prefix_cut_stays_put_while_typing_so_a_prompt_cache_is_reused() -> None:
    """Each new line below must not move the prompt's start (llama.cpp reuses its work only for
    an unchanged start); the start moves in steps of a quarter of the budget."""
    above = "".join(f"line_{i:03} = {i}\n" for i in range(400))
    starts = []
    typed = ""
    for i in range(30):  # thirty new lines of 15 characters, typed a character at a time
        for ch in f"new_{i:03} = {i:03}\n":
            typed += ch
            prompt = build(PromptInput("big.py", "python", above + typed, ""), profile=SMOL,
                           snippets=[], budget=400)
            starts.append(prompt.prefix.split("\n")[2])
    changes = sum(1 for a, b in itertools.pairwise(starts) if a != b)
    # 450 characters typed against a step of ~(400 * 4 / 4) = 400 characters: one or two moves,
    # where a cut that followed every line moved 30 times.
    assert 1 <= changes <= 2
    assert estimate_tokens(prompt.prefix) <= 400


def test_snippets_only_as_far_as_the_budget_allows() -> None:
    signature = Snippet("signature", "lib/a.py", "def alpha(x: int) -> int:")
    edit = Snippet("recent_edit", "lib/b.py", "y = 2\n" * 40)  # ~60 tokens
    req = PromptInput("m.py", "python", "alpha(", ")\n")
    both = build(req, snippets=[edit, signature], budget=200)
    assert "# From lib/a.py: def alpha(x: int) -> int:\n" in both.prefix
    assert "# Recently edited in lib/b.py:\n" in both.prefix
    assert both.prefix.index("From lib/a.py") < both.prefix.index("Recently edited")
    # Too little room for the edit: the signature still fits and comes first.
    tight = build(req, snippets=[edit, signature], budget=40)
    assert "# From lib/a.py: def alpha(x: int) -> int:\n" in tight.prefix
    assert "Recently edited" not in tight.prefix
    assert tight.prefix.endswith("alpha(") and tight.suffix == ")\n"


def test_a_large_file_leaves_snippets_a_quarter_of_the_budget() -> None:
    above = "".join(f"line_{i:03} = {i}\n" for i in range(400))
    edit = Snippet("recent_edit", "lib/b.py", "y = 2\n" * 20)  # ~35 tokens
    prompt = build(PromptInput("m.py", "python", above, ""), snippets=[edit], budget=400)
    assert "Recently edited in lib/b.py" in prompt.prefix
    assert estimate_tokens(prompt.prefix) <= 400


def test_signatures_open_the_prompt_in_a_stable_order_not_by_closeness() -> None:
    """The same names nearer or farther from the cursor (a new line) give the same prompt
    start, so the prompt cache is not lost."""
    a = Snippet("signature", "lib/a.py", "def alpha(x: int) -> int:")
    b = Snippet("signature", "lib/b.py", "def beta() -> None:")
    edit = Snippet("recent_edit", "notes.py", "total = 1")
    req = PromptInput("main.py", "python", "x = alpha(beta())\n", "")
    first = build(req, profile=SMOL, snippets=[a, b, edit], budget=400)
    second = build(req, profile=SMOL, snippets=[b, a, edit], budget=400)
    assert first.prefix == second.prefix
    assert first.prefix.index("lib/a.py") < first.prefix.index("lib/b.py")
    assert first.prefix.index("lib/b.py") < first.prefix.index("notes.py")
