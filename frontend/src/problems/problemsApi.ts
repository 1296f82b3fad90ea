// The server's problems: `GET /api/problems` (every source's list) and `DELETE` of one source.
import { api } from "../api/http";
import type { Problem } from "./model";

export interface ProblemsResponse {
  sources: Record<string, Problem[]>;
}

export const problemsApi = {
  all: () => api<ProblemsResponse>("/api/problems"),
  clear: (source: string) => api<unknown>(`/api/problems/${encodeURIComponent(source)}`, { method: "DELETE" }),
};
