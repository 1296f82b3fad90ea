// The language servers' state as the server reports it (`GET /api/lsp/status`, `lsp:status`)
// and which servers serve which Monaco language. A base store because two features read it:
// lsp/ (providers, status bar) and symbols/ (the tag index answers only where no server does).
import { create } from "zustand";
import type { ServerEvents } from "../api/schema";

/** A configured server as `lsp:status` reports it; `detail` says why it crashed or failed. */
export type ServerStatus = ServerEvents["lsp:status"]["servers"][number];
export type ServerState = ServerStatus["state"];

interface LanguageServersState {
  /** Null until the first status arrived (then the served languages are known). */
  servers: ServerStatus[] | null;
  setServers: (servers: ServerStatus[]) => void;
}

export const useLanguageServers = create<LanguageServersState>((set) => ({
  servers: null,
  setServers: (servers) => set({ servers }),
}));

/** The configured servers of a language (any state), in the server's order. */
export function serversFor(servers: readonly ServerStatus[] | null, language: string): ServerStatus[] {
  return (servers ?? []).filter((s) => s.languages.includes(language));
}

/** Whether a server of `language` runs or is starting: then its answers replace the tag index's. */
export function hasLiveServer(language: string, servers = useLanguageServers.getState().servers): boolean {
  return serversFor(servers, language).some((s) => s.state === "ready" || s.state === "starting");
}

/** Every language some configured server serves. */
export function servedLanguages(servers: readonly ServerStatus[] | null): Set<string> {
  return new Set((servers ?? []).flatMap((s) => s.languages));
}

/**
 * The one line the status bar shows for a language's servers: the worst state wins (crashed
 * over starting over ready), with each server's state and reason for the tooltip.
 */
export function summarize(servers: readonly ServerStatus[]): { state: ServerState; tooltip: string } | null {
  if (servers.length === 0) return null;
  const rank: Record<ServerState, number> = { failed: 0, crashed: 1, starting: 2, not_started: 3, ready: 4 };
  const worst = [...servers].sort((a, b) => rank[a.state] - rank[b.state])[0].state;
  const tooltip = servers
    .map((s) => `${s.name}: ${s.state.replace("_", " ")}${s.detail ? ` — ${s.detail}` : ""}`)
    .join("\n");
  return { state: worst, tooltip };
}
