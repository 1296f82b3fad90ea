"""Retrieval quality on a labelled set from real git history: each commit's message is the
query and the files it touched (that still exist) are the answer. recall@5 and recall@10 of
hybrid retrieval, BM25 alone, and a ripgrep keyword baseline. Printed, never asserted.

No repository with history was found on this machine besides this project's own (the others
are shallow clones), so the default is Pairpad's own history, indexed at HEAD:

    .venv/bin/python bench/retrieval.py [--repo PATH] [--min-files 1] [--max-files 12]
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
from collections import Counter
from pathlib import Path

from pairpad.codebase.index_settings import IndexSettings
from pairpad.codebase.indexer import Indexer
from pairpad.codebase.repomap import RepoMap
from pairpad.codebase.retrieval import Retriever, query_terms
from pairpad.codebase.walker import rg_binary


def labelled_set(repo: Path, indexed: set[str], min_files: int, max_files: int
                 ) -> list[tuple[str, set[str]]]:
    def git(*argv: str) -> str:
        return subprocess.run(["git", *argv], cwd=repo, capture_output=True, text=True,
                              check=True).stdout

    cases = []
    for commit in git("log", "--no-merges", "--format=%H").split():
        subject = git("show", "-s", "--format=%s", commit).strip()
        touched = set(git("show", "--name-only", "--format=", commit).split()) & indexed
        if min_files <= len(touched) <= max_files and len(subject) > 10:
            cases.append((subject, touched))
    return cases


def ranked_files(snippets: list[str], k: int) -> list[str]:
    return list(dict.fromkeys(snippets))[:k]


def ripgrep_baseline(tree: Path, query: str, k: int) -> list[str]:
    """Files ranked by how many distinct query words they contain, then by total hits."""
    distinct: Counter[str] = Counter()
    hits: Counter[str] = Counter()
    for word in query_terms(query).words:
        out = subprocess.run([rg_binary(), "-c", "-i", "-F", "-w", word], cwd=tree,
                             capture_output=True, text=True, check=False).stdout
        for line in out.splitlines():
            path, _, count = line.rpartition(":")
            distinct[path] += 1
            hits[path] += int(count)
    return sorted(distinct, key=lambda p: (-distinct[p], -hits[p], p))[:k]


def recall(found: list[str], answer: set[str]) -> float:
    return len(set(found) & answer) / len(answer)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repo", type=Path, default=Path(__file__).resolve().parents[1])
    parser.add_argument("--min-files", type=int, default=1)
    parser.add_argument("--max-files", type=int, default=12)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        tree = Path(scratch) / "tree"
        tree.mkdir()  # HEAD exactly as committed: no untracked or uncommitted files
        archive = subprocess.run(["git", "archive", "HEAD"], cwd=args.repo,
                                 capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
        indexer = Indexer(tree, Path(scratch) / "data", IndexSettings())
        indexer.build()
        indexed = set(indexer.store.file_states())
        cases = labelled_set(args.repo, indexed, args.min_files, args.max_files)
        retriever = Retriever(indexer.store, RepoMap(indexer.store))
        methods = {
            "hybrid (bm25+symbol+repomap)": lambda q, k: ranked_files(
                [s.path for s in retriever.search(q, 40)], k),
            "bm25+symbol (no repomap)": lambda q, k: ranked_files(
                [s.path for s in retriever.search(q, 40, signals=("bm25", "symbol"))], k),
            "bm25 only": lambda q, k: ranked_files(
                [s.path for s in retriever.search(q, 40, signals=("bm25",))], k),
            "ripgrep keywords": lambda q, k: ripgrep_baseline(tree, q, k),
        }
        print(f"repository: {args.repo} at HEAD ({len(indexed)} files indexed); "
              f"{len(cases)} commits with {args.min_files}-{args.max_files} surviving files")
        print(f"{'method':32} recall@5  recall@10")
        for name, method in methods.items():
            r5 = sum(recall(method(q, 5), a) for q, a in cases) / max(1, len(cases))
            r10 = sum(recall(method(q, 10), a) for q, a in cases) / max(1, len(cases))
            print(f"{name:32} {r5:8.3f}  {r10:9.3f}")
        indexer.store.close()


if __name__ == "__main__":
    main()
