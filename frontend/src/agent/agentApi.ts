// The agent's server side: REST for runs, rules and MCP servers; Socket.IO for start, join,
// decide and cancel (each answered by an ack object, `{error, status}` when refused).
import { api } from "../api/http";
import { getSocket } from "../api/socket";
import type { Ack, AgentMode, AgentRules, AgentRunDetail, AgentRunSummary, McpServer } from "./types";

const enc = encodeURIComponent;

export const agentApi = {
  runs: () => api<{ runs: AgentRunSummary[] }>("/api/agent/runs"),
  run: (id: string, afterSeq = 0) =>
    api<AgentRunDetail>(`/api/agent/runs/${enc(id)}`, { query: { after_seq: afterSeq } }),
  rules: () => api<AgentRules>("/api/agent/rules"),
  mcp: () => api<{ servers: McpServer[] }>("/api/agent/mcp"),
};

export const ACK_TIMEOUT_MS = 30_000;

/** Emits and waits for the ack; a lost connection answers as an error instead of throwing. */
export async function emitAck<T>(event: string, body: unknown): Promise<Ack<T>> {
  try {
    return (await getSocket().timeout(ACK_TIMEOUT_MS).emitWithAck(event, body)) as Ack<T>;
  } catch {
    return { error: "The server did not answer (connection lost?). Try again.", status: 0 };
  }
}

export interface StartRequest {
  task: string;
  mode: AgentMode;
  /** `provider:model`; left out: the server's default. */
  model?: string;
}

export const agentSocket = {
  start: (body: StartRequest) => emitAck<{ run_id: string }>("agent:start", body),
  join: (runId: string, afterSeq: number) =>
    emitAck<{ ok: boolean; status: string }>("agent:join", { run_id: runId, after_seq: afterSeq }),
  decide: (runId: string, callId: string, approve: boolean) =>
    emitAck<{ ok: boolean }>("agent:decide", { run_id: runId, call_id: callId, approve }),
  cancel: (runId: string) => emitAck<{ ok: boolean }>("agent:cancel", { run_id: runId }),
};
