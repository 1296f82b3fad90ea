"""The JSON Schema of every server → client event, for the front end's generated socket types.

`python -m pairpad.events.schema` prints one JSON document: `events` maps each wire name to
its payload's model name, `$defs` holds the models (pydantic's JSON Schema).
"""

from __future__ import annotations

import json
import sys
from typing import Any

from pydantic.json_schema import models_json_schema

from pairpad.events.models import SERVER_EVENTS


def events_schema() -> dict[str, Any]:
    _, schema = models_json_schema(
        [(kind, "serialization") for kind in SERVER_EVENTS],
        ref_template="#/$defs/{model}",
        title="Pairpad server events",
    )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **schema,
        "events": {kind.name: kind.__name__ for kind in SERVER_EVENTS},
    }


def main() -> None:
    json.dump(events_schema(), sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
