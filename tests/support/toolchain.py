"""This test run's virtualenv (pytest, ruff) made visible inside the sandbox.

The sandbox's /tmp is private: a checkout under /tmp (as CI's clean clone may be) would hide
its own .venv from the tasks that run it. `runtime.readonly_paths` is the user's setting for
exactly that; the tests set it as such a user would.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

VENV = Path(sys.prefix).resolve()
READONLY_PATHS = [VENV]
READONLY_PATHS_ENV = {"PAIRPAD_RUNTIME__READONLY_PATHS": json.dumps([str(VENV)])}
