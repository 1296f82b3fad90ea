"""The edit engine (issue 13): pure parse/apply of the edits a model writes, no I/O.

Formats: SEARCH/REPLACE blocks, unified diffs, whole-file replacement (`auto` detects which).
Each SEARCH goes through a ladder of ever more tolerant matchers; ambiguity and no-match are
refused with a message a model can act on; a retried edit is reported as already applied; a
plan with any failed file is failed as a whole (nothing may be written).
"""

from pairpad.edits.apply import apply_block
from pairpad.edits.models import (
    BlockOutcome,
    Closest,
    EditBlock,
    EditError,
    EditParseError,
    EditPlan,
    FileEdits,
    FilePlan,
    Format,
    ParsedEdits,
)
from pairpad.edits.plan import parse_edits, plan_edits

__all__ = [
    "BlockOutcome",
    "Closest",
    "EditBlock",
    "EditError",
    "EditParseError",
    "EditPlan",
    "FileEdits",
    "FilePlan",
    "Format",
    "ParsedEdits",
    "apply_block",
    "parse_edits",
    "plan_edits",
]
