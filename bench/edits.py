"""The edit engine on real diffs (issue 13): apply success per noise kind, refusals, false applies.

    .venv/bin/python bench/edits.py [--quick] [--failures /tmp/edit-failures.md]

The corpus (bench/edit_corpus/): successive releases of pure-Python packages, downloaded from
PyPI into bench/.cache/edit-corpus/ (git-ignored), every changed file's hunks as
search/replace blocks and as a unified diff, clean and with model-like noise, plus negatives
that must be refused. Each case runs through
  - Pairpad's engine: parse_edits + plan_edits, `read` serving the original files;
  - an exact-match-only baseline (each SEARCH / diff old side must occur exactly once);
  - `git apply` (diff cases only), plain and with --recount --ignore-whitespace.
success: applied and every file equals the release exactly; refused: not applied;
false apply: reported applied but a file differs from the release (or, for a negative,
applied at all). Targets: clean 100 %, noisy >= 98 %, false apply 0.
"""

from __future__ import annotations

import argparse
import datetime
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from edit_corpus import PAIRS, QUICK_PAIRS, Case, Pair, build_corpus, changed_files, fetch_pair


@dataclass
class Outcome:
    applied: bool
    files: dict[str, str | None]
    error: str = ""
    crashed: bool = False


Runner = Callable[[Case], Outcome]


# -- Pairpad's engine -----------------------------------------------------------------------


def engine_runner() -> Runner | str:
    try:
        from pairpad.edits import (  # type: ignore[attr-defined,unused-ignore]
            EditParseError,
            parse_edits,
            plan_edits,
        )
    except ImportError as error:  # the engine not (fully) landed: say so, run the rest
        return f"pairpad.edits not importable: {error}"

    def run(case: Case) -> Outcome:
        try:
            parsed = parse_edits(case.edit_text, case.format)
        except EditParseError as error:
            return Outcome(False, {}, f"parse error: {error}")
        plan = plan_edits(parsed, case.original_files.get)
        files: dict[str, str | None] = {f.path: f.after for f in plan.files}
        errors = "; ".join(f"{f.path}: {f.error}" for f in plan.files if f.error)
        return Outcome(plan.status in ("ok", "already_applied"), files, errors)

    return run


# -- exact match only -----------------------------------------------------------------------

SR_BLOCK = re.compile(
    r"^(?P<path>[^\n]+)\n<<<<<<< SEARCH\n(?P<search>.*?)"
    r"^=======\n(?P<replace>.*?)^>>>>>>> REPLACE$",
    re.S | re.M,
)


def _udiff_blocks(text: str) -> list[tuple[str, str, str]]:
    blocks: list[tuple[str, str, str]] = []
    path, in_hunk = "", False
    old: list[str] = []
    new: list[str] = []
    for line in text.splitlines(keepends=True):
        if line.startswith("+++ "):
            path = line[4:].strip().removeprefix("b/")
            in_hunk = False
        elif line.startswith("@@"):
            if in_hunk:
                blocks.append((path, "".join(old), "".join(new)))
            old, new, in_hunk = [], [], True
        elif in_hunk and line[:1] in (" ", "-", "+"):
            if line[0] != "+":
                old.append(line[1:])
            if line[0] != "-":
                new.append(line[1:])
    if in_hunk:
        blocks.append((path, "".join(old), "".join(new)))
    return blocks


def exact_only(case: Case) -> Outcome:
    if case.format == "search_replace":
        blocks = [(m["path"], m["search"], m["replace"]) for m in SR_BLOCK.finditer(case.edit_text)]
    else:
        blocks = _udiff_blocks(case.edit_text)
    files: dict[str, str | None] = dict(case.original_files)
    for path, search, replace in blocks:
        text = files.get(path)
        if text is None or not search or text.count(search) != 1:
            found = 0 if text is None else text.count(search)
            return Outcome(False, {}, f"{path}: SEARCH found {found} times")
        files[path] = text.replace(search, replace, 1)
    return Outcome(bool(blocks), files)


# -- git apply ------------------------------------------------------------------------------


def git_apply_runner(root: Path, flags: list[str]) -> Runner:
    def run(case: Case) -> Outcome:
        for path, text in case.original_files.items():
            target = root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
        patch = root.parent / "case.diff"
        patch.write_text(case.edit_text)
        done = subprocess.run(
            ["git", "apply", *flags, str(patch)],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
        )
        files: dict[str, str | None] = {p: (root / p).read_text() for p in case.original_files}
        for path in case.original_files:
            (root / path).unlink()
        return Outcome(done.returncode == 0, files, done.stderr.strip()[:200])

    return run


# -- scoring --------------------------------------------------------------------------------


@dataclass
class Tally:
    n: int = 0
    success: int = 0
    refused: int = 0
    false_apply: int = 0
    crashed: int = 0
    times: list[float] = field(default_factory=list)


@dataclass
class Failure:
    case: Case
    what: str


def score(case: Case, outcome: Outcome) -> tuple[str, str]:
    """('success' | 'refused' | 'false_apply', what went wrong)."""
    if case.expected_files is None:
        if outcome.applied:
            return "false_apply", "a negative was applied"
        return "refused", ""
    if not outcome.applied:
        return "refused", outcome.error or "not applied"
    for path, want in case.expected_files.items():
        got = outcome.files.get(path)
        if got != want:
            return "false_apply", _first_difference(path, want, got)
    return "success", ""


def _first_difference(path: str, want: str, got: str | None) -> str:
    if got is None:
        return f"{path}: reported applied, no result"
    a, b = want.splitlines(), got.splitlines()
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return f"{path} line {i + 1}: want {x!r}, got {y!r}"
    return f"{path}: {len(a)} lines wanted, {len(b)} got"


def run_all(
    cases: list[Case], systems: dict[str, Runner]
) -> tuple[dict[str, dict[tuple[str, str], Tally]], dict[str, list[Failure]]]:
    tallies: dict[str, dict[tuple[str, str], Tally]] = {s: defaultdict(Tally) for s in systems}
    failures: dict[str, list[Failure]] = {s: [] for s in systems}
    for case in cases:
        for system, runner in systems.items():
            if system.startswith("git apply") and case.format != "udiff":
                continue
            start = time.perf_counter()
            try:
                outcome = runner(case)
            except Exception as error:  # a crash is a refusal, counted apart
                outcome = Outcome(False, {}, f"{type(error).__name__}: {error}", crashed=True)
            elapsed = time.perf_counter() - start
            verdict, what = score(case, outcome)
            tally = tallies[system][(case.format, case.noise)]
            tally.n += 1
            tally.times.append(elapsed)
            tally.crashed += outcome.crashed
            setattr(tally, verdict, getattr(tally, verdict) + 1)
            wrong = verdict == "false_apply" or (verdict == "refused" and case.kind == "positive")
            if wrong:
                failures[system].append(Failure(case, what or "refused"))
    return tallies, failures


# -- report ---------------------------------------------------------------------------------

NEGATIVES = ("foreign", "ambiguous")
ORDER = ("clean", "trailing_ws", "dedent", "tabs", "blank_dropped", "stale_numbers", "typo",
         "combined")


def _cell(t: Tally | None, negative: bool) -> str:
    if t is None or t.n == 0:
        return "-"
    good = t.refused if negative else t.success
    mark = f" FA{t.false_apply}" if t.false_apply else ""
    return f"{100 * good / t.n:5.1f}%{mark}"


def report(cases: list[Case], tallies: dict[str, dict[tuple[str, str], Tally]]) -> str:
    systems = list(tallies)
    out = []
    header = f"| {'format':14} | {'case kind':16} | {'n':>4} | " + " | ".join(systems) + " |"
    out += [header, "|" + "---|" * (3 + len(systems))]
    keys = sorted(
        {(c.format, c.noise) for c in cases},
        key=lambda k: (k[0], k[1] in NEGATIVES, (ORDER + NEGATIVES).index(k[1])),
    )
    for fmt, noise in keys:
        negative = noise in NEGATIVES
        n = sum(1 for c in cases if (c.format, c.noise) == (fmt, noise))
        label = f"{noise} (refused)" if negative else noise
        cells = [_cell(tallies[s].get((fmt, noise)), negative) for s in systems]
        out.append(f"| {fmt:14} | {label:16} | {n:>4} | " + " | ".join(cells) + " |")
    out.append("")
    out.append("Cells: success rate (negatives: refusal rate); FAn = n false applies.")
    out.append("")
    out.append("| totals | " + " | ".join(systems) + " |")
    out.append("|---|" + "---|" * len(systems))

    def total(system: str, pick: Callable[[str, str], bool], attr: str) -> str:
        ts = [t for (f, k), t in tallies[system].items() if pick(f, k)]
        n = sum(t.n for t in ts)
        if not n:
            return "-"
        good = sum(getattr(t, attr) for t in ts)
        return f"{100 * good / n:.1f}% ({good}/{n})"

    rows: list[tuple[str, Callable[[str, str], bool], str]] = [
        ("clean success", lambda f, k: k == "clean", "success"),
        ("noisy success", lambda f, k: k not in NEGATIVES and k != "clean", "success"),
        ("negatives refused", lambda f, k: k in NEGATIVES, "refused"),
    ]
    for label, pick, attr in rows:
        out.append(f"| {label} | " + " | ".join(total(s, pick, attr) for s in systems) + " |")
    false_applies = [sum(t.false_apply for t in tallies[s].values()) for s in systems]
    out.append("| false applies | " + " | ".join(str(n) for n in false_applies) + " |")
    crashes = [sum(t.crashed for t in tallies[s].values()) for s in systems]
    out.append("| crashes | " + " | ".join(str(n) for n in crashes) + " |")
    medians = []
    for s in systems:
        times = [x for t in tallies[s].values() for x in t.times]
        medians.append(f"{1000 * statistics.median(times):.2f} ms" if times else "-")
    out.append("| median wall time per case | " + " | ".join(medians) + " |")
    return "\n".join(out)


def failures_markdown(failures: list[Failure], per_kind: int = 3) -> str:
    by_kind: dict[tuple[str, str], list[Failure]] = defaultdict(list)
    for failure in failures:
        by_kind[(failure.case.format, failure.case.noise)].append(failure)
    out = []
    for (fmt, noise), items in sorted(by_kind.items()):
        out.append(f"## {fmt} / {noise}: {len(items)} failing\n")
        for failure in items[:per_kind]:
            out.append(f"- `{failure.case.name}`: {failure.what}")
            out.append("  <details><summary>edit text</summary>\n")
            out.append("```\n" + failure.case.edit_text[:2500] + "\n```\n  </details>")
        out.append("")
    return "\n".join(out)


def load(pairs: tuple[Pair, ...]) -> tuple[list[Case], list[str]]:
    files = []
    for pair in pairs:
        old, new = fetch_pair(pair)
        label = f"{pair.name} {pair.old}->{pair.new}"
        files += [(label, *changed) for changed in changed_files(old, new)]
    return build_corpus(files)


def cpu_model() -> str:
    done = subprocess.run(["lscpu"], capture_output=True, text=True, check=False)
    for line in done.stdout.splitlines():
        if line.startswith("Model name"):
            return line.split(":", 1)[1].strip()
    return "unknown CPU"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="two small packages only")
    parser.add_argument("--failures", type=Path, help="write the engine's failing cases here")
    args = parser.parse_args()

    pairs = QUICK_PAIRS if args.quick else PAIRS
    cases, skipped = load(pairs)
    positives = sum(c.kind == "positive" for c in cases)
    print(f"corpus: {len(cases)} cases ({positives} positive, {len(cases) - positives} negative)")
    print("releases: " + ", ".join(f"{p.name} {p.old}->{p.new}" for p in pairs))
    for line in skipped:
        print(f"skipped {line}")

    systems: dict[str, Runner] = {}
    engine = engine_runner()
    if isinstance(engine, str):
        print(f"ENGINE NOT RUN: {engine}")
    else:
        systems["pairpad"] = engine
    systems["exact only"] = exact_only
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "repo"
        root.mkdir()
        subprocess.run(["git", "init", "-q"], cwd=root, check=True)
        systems["git apply"] = git_apply_runner(root, [])
        systems["git apply --recount --ignore-whitespace"] = git_apply_runner(
            root, ["--recount", "--ignore-whitespace"]
        )
        started = time.perf_counter()
        tallies, failures = run_all(cases, systems)
        wall = time.perf_counter() - started

    print(f"machine: {cpu_model()}; Python {sys.version.split()[0]}; {datetime.date.today()}")
    print(f"total run time {wall:.1f} s (git apply cases are diff cases only)\n")
    print(report(cases, tallies))
    if "pairpad" in failures:
        bad = failures["pairpad"]
        print(f"\npairpad: {len(bad)} failing cases")
        if args.failures is not None:
            args.failures.write_text(
                "# Edit engine failures on the real-diff corpus (bench/edits.py)\n\n"
                + (failures_markdown(bad) if bad else "None.\n")
            )
            print(f"written to {args.failures}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
