"""What Pairpad tells a server it can do, and which server capability a method needs."""

from __future__ import annotations

from typing import Any

# Code actions come with their edit (no resolveSupport: one round trip for the editor);
# workspace edits as `changes` or text-only documentChanges (no file operations).
CLIENT_CAPABILITIES: dict[str, Any] = {
    "general": {"positionEncodings": ["utf-16"]},
    "window": {"workDoneProgress": True, "showMessage": {}},
    "workspace": {
        "applyEdit": True,
        "workspaceEdit": {"documentChanges": True, "resourceOperations": []},
        "configuration": True,
        "workspaceFolders": True,
        "didChangeConfiguration": {"dynamicRegistration": False},
        "didChangeWatchedFiles": {"dynamicRegistration": False},
        "executeCommand": {"dynamicRegistration": False},
    },
    "textDocument": {
        "synchronization": {"dynamicRegistration": False, "didSave": True,
                            "willSave": False, "willSaveWaitUntil": False},
        "publishDiagnostics": {"relatedInformation": True, "versionSupport": True,
                               "codeDescriptionSupport": True, "dataSupport": True,
                               "tagSupport": {"valueSet": [1, 2]}},
        "hover": {"contentFormat": ["markdown", "plaintext"]},
        "signatureHelp": {"signatureInformation": {
            "documentationFormat": ["markdown", "plaintext"],
            "parameterInformation": {"labelOffsetSupport": True}}},
        "definition": {"linkSupport": True},
        "typeDefinition": {"linkSupport": True},
        "implementation": {"linkSupport": True},
        "references": {},
        "documentHighlight": {},
        "rename": {"prepareSupport": True},
        "formatting": {},
        "rangeFormatting": {},
        "codeAction": {
            "codeActionLiteralSupport": {"codeActionKind": {"valueSet": [
                "", "quickfix", "refactor", "refactor.extract", "refactor.inline",
                "refactor.rewrite", "source", "source.organizeImports", "source.fixAll"]}},
            "isPreferredSupport": True, "disabledSupport": True, "dataSupport": True,
        },
    },
}

# method -> the server capability that says it can do it
PROVIDERS: dict[str, str] = {
    "textDocument/hover": "hoverProvider",
    "textDocument/signatureHelp": "signatureHelpProvider",
    "textDocument/definition": "definitionProvider",
    "textDocument/typeDefinition": "typeDefinitionProvider",
    "textDocument/implementation": "implementationProvider",
    "textDocument/references": "referencesProvider",
    "textDocument/documentHighlight": "documentHighlightProvider",
    "textDocument/prepareRename": "renameProvider",
    "textDocument/rename": "renameProvider",
    "textDocument/formatting": "documentFormattingProvider",
    "textDocument/rangeFormatting": "documentRangeFormattingProvider",
    "textDocument/codeAction": "codeActionProvider",
    "codeAction/resolve": "codeActionProvider",
    "workspace/executeCommand": "executeCommandProvider",
}
METHODS = frozenset(PROVIDERS)


def supports(capabilities: dict[str, Any], method: str, params: Any = None) -> bool:
    provider = capabilities.get(PROVIDERS.get(method, ""))
    if not provider:
        return False
    if method == "textDocument/prepareRename":
        return isinstance(provider, dict) and bool(provider.get("prepareProvider"))
    if method == "codeAction/resolve":
        return isinstance(provider, dict) and bool(provider.get("resolveProvider"))
    if method == "workspace/executeCommand":
        command = params.get("command") if isinstance(params, dict) else None
        return isinstance(provider, dict) and command in provider.get("commands", [])
    return True
