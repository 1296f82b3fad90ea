"""The JSON Schema export the front end's socket types are generated from."""

from __future__ import annotations

import json
import subprocess
import sys

from pairpad.events.models import SERVER_EVENTS
from pairpad.events.schema import events_schema


def test_the_schema_names_every_event_and_describes_its_payload() -> None:
    schema = events_schema()
    assert schema["events"] == {
        "fs:changed": "FsChanged", "git:changed": "GitChanged",
        "index:progress": "IndexProgress",
        "chat:started": "ChatStarted", "chat:delta": "ChatDelta", "chat:done": "ChatDone",
        "chat:error": "ChatError", "inline_edit:delta": "InlineEditDelta",
        "inline_edit:done": "InlineEditDone", "inline_edit:error": "InlineEditError",
        "run:output": "RunOutput", "run:exit": "RunExit",
        "term:output": "TerminalOutput", "term:exit": "TerminalExit",
        "problems:changed": "ProblemsChanged", "review:changed": "ReviewChanged",
        "agent:event": "AgentEvent", "agent:approval": "AgentApproval",
        "lsp:diagnostics": "LspDiagnostics", "lsp:status": "LspStatus", "lsp:edit": "LspEdit",
    }
    defs = schema["$defs"]
    for kind in SERVER_EVENTS:
        assert set(defs[kind.__name__]["properties"]) == set(kind.model_fields)
        assert defs[kind.__name__]["additionalProperties"] is False
    assert defs["ChatDelta"]["required"] == ["conversation_id", "message_id", "text"]
    assert defs["ChatStarted"]["properties"]["context"]["items"] == {
        "$ref": "#/$defs/ContextEntry"}
    assert defs["FsChangeEntry"]["properties"]["type"]["enum"] == ["added", "modified",
                                                                   "deleted"]


def test_the_module_prints_one_json_document() -> None:
    out = subprocess.run([sys.executable, "-m", "pairpad.events.schema"], check=True,
                         capture_output=True, text=True).stdout
    assert json.loads(out) == json.loads(json.dumps(events_schema()))
