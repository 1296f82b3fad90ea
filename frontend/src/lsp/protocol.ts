// The Language Server Protocol shapes the editor exchanges with the server's language servers
// (docs: the LSP 3.17 specification). Paths replace URIs on the wire: every `uri`/`targetUri`
// is a workspace-relative path the server converted (lsp-contract).

/** 0-based line and UTF-16 code unit offset. */
export interface LspPosition {
  line: number;
  character: number;
}

export interface LspRange {
  start: LspPosition;
  end: LspPosition;
}

export interface TextEdit {
  range: LspRange;
  newText: string;
}

/** A rename/code action edit, keyed by workspace path (documentChanges flattened by the server). */
export interface WorkspaceEdit {
  changes?: Record<string, TextEdit[]>;
}

export interface Location {
  uri: string;
  range: LspRange;
}

export interface LocationLink {
  targetUri: string;
  targetRange: LspRange;
  targetSelectionRange: LspRange;
  originSelectionRange?: LspRange;
}

export interface MarkupContent {
  kind: "plaintext" | "markdown";
  value: string;
}

export type MarkedString = string | { language: string; value: string };

export interface Hover {
  contents: MarkupContent | MarkedString | MarkedString[];
  range?: LspRange;
}

export interface ParameterInformation {
  label: string | [number, number];
  documentation?: string | MarkupContent;
}

export interface SignatureInformation {
  label: string;
  documentation?: string | MarkupContent;
  parameters?: ParameterInformation[];
  activeParameter?: number;
}

export interface SignatureHelp {
  signatures: SignatureInformation[];
  activeSignature?: number;
  activeParameter?: number;
}

export interface DocumentHighlight {
  range: LspRange;
  /** 1 text, 2 read, 3 write. */
  kind?: number;
}

export interface Diagnostic {
  range: LspRange;
  /** 1 error, 2 warning, 3 information, 4 hint. */
  severity?: number;
  code?: string | number | null;
  source?: string | null;
  message: string;
  /** 1 unnecessary, 2 deprecated. */
  tags?: number[];
  /** Server data a code action needs back (ruff's fixes). */
  data?: unknown;
}

export interface Command {
  title: string;
  command: string;
  arguments?: unknown[];
  pairpadServer?: string;
}

export interface CodeAction {
  title: string;
  kind?: string;
  diagnostics?: Diagnostic[];
  isPreferred?: boolean;
  disabled?: { reason: string };
  edit?: WorkspaceEdit;
  command?: Command;
  data?: unknown;
  /** Which server offered it (the backend merges every server's actions and routes by this). */
  pairpadServer?: string;
}

export type { ServerState, ServerStatus } from "../stores/languageServers";

export interface DiagnosticsEvent {
  path: string;
  server: string;
  diagnostics: Diagnostic[];
}
