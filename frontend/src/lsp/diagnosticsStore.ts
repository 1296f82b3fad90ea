// The language servers' raw diagnostics by file and server: code actions send them back to the
// server (ruff's quick fixes ride in a diagnostic's `data`). The Problems panel and the markers
// are the problems feature's; this keeps only what the requests need.
import type { Diagnostic, DiagnosticsEvent, LspRange } from "./protocol";

const byPath = new Map<string, Map<string, Diagnostic[]>>();

export function recordDiagnostics(event: DiagnosticsEvent): void {
  let servers = byPath.get(event.path);
  if (!servers) byPath.set(event.path, (servers = new Map<string, Diagnostic[]>()));
  if (event.diagnostics.length) servers.set(event.server, event.diagnostics);
  else servers.delete(event.server);
  if (servers.size === 0) byPath.delete(event.path);
}

/** Drops a server's diagnostics (it crashed: what it said is stale). */
export function forgetServer(server: string): void {
  for (const [path, servers] of byPath) {
    servers.delete(server);
    if (servers.size === 0) byPath.delete(path);
  }
}

function before(a: { line: number; character: number }, b: { line: number; character: number }): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

/** Whether two ranges touch (a cursor on a diagnostic's edge counts). */
export function rangesTouch(a: LspRange, b: LspRange): boolean {
  return !before(a.end, b.start) && !before(b.end, a.start);
}

/** The diagnostics of every server on `path` touching `range`. */
export function diagnosticsAt(path: string, range: LspRange): Diagnostic[] {
  const servers = byPath.get(path);
  if (!servers) return [];
  return [...servers.values()].flat().filter((d) => rangesTouch(d.range, range));
}
