// The problems every owner reports: the server's sources (a task's parsed output, replaced
// whole by `problems:changed`) and the markers Monaco's own workers set (JSON syntax errors).
import { create } from "zustand";
import type { Problem, ProblemItem } from "./model";

interface ProblemsState {
  /** The server's problems by source (`task:test`), as the last GET or event gave them. */
  sources: Record<string, Problem[]>;
  /** Monaco's markers of workspace files that no server source owns. */
  editorMarkers: ProblemItem[];
  filter: string;
  setSource: (source: string, problems: Problem[]) => void;
  setSources: (sources: Record<string, Problem[]>) => void;
  setEditorMarkers: (items: ProblemItem[]) => void;
  setFilter: (filter: string) => void;
}

export const useProblems = create<ProblemsState>((set) => ({
  sources: {},
  editorMarkers: [],
  filter: "",
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
