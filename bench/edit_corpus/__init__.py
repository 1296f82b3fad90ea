"""The real-diff edit corpus (issue 13): released versions of pure-Python packages, downloaded
from PyPI at run time (never committed), turned into search/replace and unified-diff edits,
clean, with model-like noise, and negatives that must be refused."""

from .build import Case, build_corpus
from .download import PAIRS, QUICK_PAIRS, DownloadError, Pair, changed_files, fetch_pair

__all__ = [
    "PAIRS",
    "QUICK_PAIRS",
    "Case",
    "DownloadError",
    "Pair",
    "build_corpus",
    "changed_files",
    "fetch_pair",
]
