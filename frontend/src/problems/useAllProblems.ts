// Every problem the panel lists: the server's sources, then Monaco's own markers.
import { useMemo } from "react";
import { fromTaskProblem, type ProblemItem } from "./model";
import { useProblems } from "./problemsStore";

export function useAllProblems(): ProblemItem[] {
  const sources = useProblems((s) => s.sources);
  const editorMarkers = useProblems((s) => s.editorMarkers);
  return useMemo(
    () => [
      ...Object.entries(sources).flatMap(([owner, list]) => list.map((p) => fromTaskProblem(owner, p))),
      ...editorMarkers,
    ],
    [sources, editorMarkers],
  );
}
