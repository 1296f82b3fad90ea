// The problems every owner reports: the server's sources (a task's parsed output, replaced
// whole by `problems:changed`), the language servers' diagnostics and the markers Monaco's own
// workers set (JSON syntax errors).
import { create } from "zustand";
import type { Problem, ProblemItem } from "./model";

interface ProblemsState {
  /** The server's problems by source (`task:test`), as the last GET or event gave them. */
  sources: Record<string, Problem[]>;
  /** Monaco's markers of workspace files that no server source owns. */
  editorMarkers: ProblemItem[];
  /** The language servers' diagnostics: server → path → problems (`lsp:diagnostics`, one file at a time). */
  lsp: Record<string, Record<string, Problem[]>>;
  filter: string;
  setLspDiagnostics: (server: string, path: string, problems: Problem[]) => void;
  /** Drops a server's diagnostics (it crashed or stopped: they are stale). */
  clearLspServer: (server: string) => void;
  setSource: (source: string, problems: Problem[]) => void;
  setSources: (sources: Record<string, Problem[]>) => void;
  setEditorMarkers: (items: ProblemItem[]) => void;
  setFilter: (filter: string) => void;
}

function sameProblems(a: readonly Problem[] | undefined, b: readonly Problem[]): boolean {
  return !!a && a.length === b.length && JSON.stringify(a) === JSON.stringify(b);
}

export const useProblems = create<ProblemsState>((set) => ({
  sources: {},
  editorMarkers: [],
  lsp: {},
  filter: "",
  setLspDiagnostics: (server, path, problems) =>
    set((s) => {
      const files = { ...(s.lsp[server] ?? {}) };
      // Servers re-publish unchanged lists (basedpyright after every request): setting the
      // same markers again would cancel a code action menu the user just asked for.
      if (problems.length && sameProblems(files[path], problems)) return s;
      if (problems.length) files[path] = problems;
      else if (path in files) delete files[path];
      else return s;
      return { lsp: { ...s.lsp, [server]: files } };
    }),
  clearLspServer: (server) =>
    set((s) => {
      if (!(server in s.lsp)) return s;
      const lsp = { ...s.lsp };
      delete lsp[server];
      return { lsp };
    }),
  setSource: (source, problems) =>
    set((s) => {
      const sources = { ...s.sources };
      if (problems.length) sources[source] = problems;
      else delete sources[source];
      return { sources };
    }),
  setSources: (sources) => set({ sources }),
  setEditorMarkers: (editorMarkers) => set({ editorMarkers }),
  setFilter: (filter) => set({ filter }),
}));
