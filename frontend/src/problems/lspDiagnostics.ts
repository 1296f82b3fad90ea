// A language server's diagnostics (the `lsp:diagnostics` event: 0-based LSP ranges) as the
// panel's problems (1-based lines and columns; both count UTF-16 code units, so a column is
// the character + 1). Hints are not problems: editors do not list them (nor squiggle them).
import type { Problem } from "./model";

/** The event's shape (lsp-contract): one file's full list from one server. */
export interface LspDiagnosticsEvent {
  path: string;
  server: string;
  diagnostics: {
    range: { start: { line: number; character: number }; end: { line: number; character: number } };
    severity?: number | null;
    message: string;
    source?: string | null;
    code?: string | number | null;
  }[];
}

const SEVERITY: Record<number, Problem["severity"] | undefined> = { 1: "error", 2: "warning", 3: "info" };

/** The owner of a server's markers and problems. */
export function lspOwner(server: string): string {
  return `lsp:${server}`;
}

export function fromLspDiagnostics(event: LspDiagnosticsEvent): Problem[] {
  const out: Problem[] = [];
  for (const d of event.diagnostics) {
    // LSP: a diagnostic without a severity is the client's to interpret; treat it as an error.
    const severity = SEVERITY[d.severity ?? 1];
    if (!severity) continue;
    out.push({
      path: event.path,
      line: d.range.start.line + 1,
      column: d.range.start.character + 1,
      end_line: d.range.end.line + 1,
      end_column: d.range.end.character + 1,
      severity,
      message: d.message,
      tool: d.source || event.server,
      code: d.code == null || d.code === "" ? null : String(d.code),
    });
  }
  return out;
}
