"""Index build benchmark on a large tree nobody here wrote (the Python standard library).

Prints files/s and MB/s of a full build beside the `rg --files` walk and raw tree-sitter
parsing of the same files (ratios), peak memory, a no-change rebuild, and the latency of a
one-file update (p50/p95). Figures are printed, never asserted.

    .venv/bin/python bench/index.py [--tree PATH] [--max-files N] [--with-site-packages]
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

from pairpad.codebase.index_settings import IndexSettings
from pairpad.codebase.indexer import Indexer
from pairpad.codebase.languages import language_for
from pairpad.codebase.parsing import parse
from pairpad.codebase.walker import rg_files, walk


def settings_for(args: argparse.Namespace) -> IndexSettings:
    exclude = [] if args.with_site_packages else ["site-packages/"]
    return IndexSettings(exclude=exclude, max_files=args.max_files)


def child_build(tree: Path, data: Path, settings_json: str) -> None:
    """Runs in a subprocess so its peak RSS is the build's alone."""
    indexer = Indexer(tree, data, IndexSettings.model_validate_json(settings_json))
    start = time.perf_counter()
    indexer.build()
    elapsed = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": elapsed, "parsed": indexer.status.parsed,
                      "total": indexer.status.total, "peak_mib": peak_kib / 1024}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tree", type=Path, default=Path(sysconfig.get_paths()["stdlib"]))
    parser.add_argument("--max-files", type=int, default=100_000)
    parser.add_argument("--with-site-packages", action="store_true")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_build(Path(args.child[0]), Path(args.child[1]), args.child[2])
        return
    settings = settings_for(args)
    with tempfile.TemporaryDirectory() as scratch:
        # A private copy: the update benchmark edits files, never the real installation's.
        tree = Path(scratch) / "tree"
        ignore = None if args.with_site_packages else shutil.ignore_patterns("site-packages")
        shutil.copytree(args.tree.resolve(), tree, ignore=ignore, symlinks=True)
        run(tree, args, settings)


def run(tree: Path, args: argparse.Namespace, settings: IndexSettings) -> None:

    start = time.perf_counter()
    listed = rg_files(tree, settings)
    rg_seconds = time.perf_counter() - start
    start = time.perf_counter()
    walked = walk(tree, settings)
    walk_seconds = time.perf_counter() - start
    files = walked.files
    total_bytes = sum(f.size for f in files)
    mib = total_bytes / 2**20

    start = time.perf_counter()
    parsed = 0
    for entry in files:
        language = language_for(entry.path)
        if language and parse((tree / entry.path).read_bytes(), language) is not None:
            parsed += 1
    parse_seconds = time.perf_counter() - start

    with tempfile.TemporaryDirectory() as data:
        done = subprocess.run(
            [sys.executable, __file__, "--child", str(tree), data, settings.model_dump_json()],
            capture_output=True, text=True, check=True)
        build = json.loads(done.stdout.strip().splitlines()[-1])
        indexer = Indexer(tree, Path(data), settings)
        start = time.perf_counter()
        indexer.build()
        noop_seconds = time.perf_counter() - start
        noop_parsed = indexer.status.parsed
        latencies = one_file_updates(indexer, files[len(files) // 2].path)
        db_mib = indexer.db_path.stat().st_size / 2**20
        indexer.store.close()

    seconds = build["seconds"]
    print(f"tree: copy of {args.tree}  ({len(listed)} files listed by rg, {len(files)} indexable, "
          f"{len(walked.skipped)} skipped, {mib:.1f} MiB; site-packages "
          f"{'included' if args.with_site_packages else 'excluded'})")
    print(f"rg --files walk:        {rg_seconds:8.3f} s")
    print(f"walk + filters:         {walk_seconds:8.3f} s")
    print(f"raw tree-sitter parse:  {parse_seconds:8.3f} s  ({parsed} files with a grammar, "
          f"{mib / parse_seconds:.1f} MiB/s)")
    print(f"full index build:       {seconds:8.3f} s  ({build['parsed']} files, "
          f"{build['parsed'] / seconds:.0f} files/s, {mib / seconds:.2f} MiB/s)")
    print(f"  ratio build / rg walk: {seconds / rg_seconds:.0f}x;  build / raw parse: "
          f"{seconds / parse_seconds:.1f}x")
    print(f"  peak RSS of the build process: {build['peak_mib']:.0f} MiB;  index size: "
          f"{db_mib:.0f} MiB")
    print(f"rebuild, nothing changed: {noop_seconds:.3f} s  (parsed {noop_parsed})")
    print(f"one-file update (edit + index, {len(latencies)} runs): p50 "
          f"{statistics.median(latencies) * 1000:.1f} ms, p95 "
          f"{statistics.quantiles(latencies, n=20)[18] * 1000:.1f} ms")


def one_file_updates(indexer: Indexer, rel: str, runs: int = 30) -> list[float]:
    """Append a line to one file and index it, as the watcher's callback does (the watcher's
    own debounce, 150 ms by default, comes on top)."""
    path = indexer.root / rel
    original = path.read_bytes()
    latencies: list[float] = []
    for run in range(runs):
        path.write_bytes(original + f"\n# bench edit {run}\n".encode())
        start = time.perf_counter()
        indexer.update([rel])
        latencies.append(time.perf_counter() - start)
    return latencies

if __name__ == "__main__":
    main()
