// Every problem the panel lists: the server's sources, the language servers' diagnostics, then
// Monaco's own markers.
import { useMemo } from "react";
import { mergeProblems } from "./model";
import type { ProblemItem } from "./model";
import { useProblems } from "./problemsStore";

export function useAllProblems(): ProblemItem[] {
  const sources = useProblems((s) => s.sources);
  const lsp = useProblems((s) => s.lsp);
  const editorMarkers = useProblems((s) => s.editorMarkers);
  return useMemo(() => mergeProblems(sources, lsp, editorMarkers), [sources, lsp, editorMarkers]);
}
