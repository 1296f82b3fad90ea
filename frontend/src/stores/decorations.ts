// File decorations: what the explorer and the tab bar show beside a file's name (source
// control's M/A/U/D letters and colours, ignored files dimmed). A feature (scm) sets them;
// views read them by path without knowing where they come from.
import { create } from "zustand";

export interface FileDecoration {
  /** One letter beside the name ("" for folders: only the colour). */
  letter: string;
  kind: "modified" | "added" | "deleted" | "untracked" | "conflict" | "ignored";
  tooltip: string;
}

export const useDecorations = create<{ byPath: Record<string, FileDecoration> }>(() => ({ byPath: {} }));

export function setDecorations(byPath: Record<string, FileDecoration>): void {
  useDecorations.setState({ byPath });
}

/** The decoration of one path (re-renders only when it changes). */
export function useDecoration(path: string | undefined): FileDecoration | undefined {
  return useDecorations((s) => (path === undefined ? undefined : s.byPath[path]));
}
