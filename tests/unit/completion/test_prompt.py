"""The completion prompt: exact strings for a FIM model and a prefix-only one, the comment
syntax per language, and the token budget."""

from __future__ import annotations

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
    # About three quarters for the prefix.
    assert 0.7 < len(prefix) / (len(prefix) + len(prompt.suffix)) < 0.8
    # A prefix-only model spends the whole file budget on the prefix.
    only = build(req, profile=SMOL, snippets=[], budget=200)
    assert only.suffix is None and len(only.prefix) > len(prompt.prefix)
    assert estimate_tokens(only.prefix) <= 200


def test_a_short_suffix_leaves_its_share_to_the_prefix() -> None:
    above = "".join(f"line_{i:03} = {i}\n" for i in range(200))
    req = PromptInput("big.py", "python", above, "\n")
    prompt = build(req, snippets=[], budget=200)
    assert prompt.suffix == "\n"
    assert estimate_tokens(prompt.prefix) > 190


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
