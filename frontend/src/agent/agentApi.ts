// The agent's server side: REST for runs, rules and MCP servers; Socket.IO for start, join,
// decide and cancel (each answered by an ack object, `{error, status}` when refused).
import { call, type Schema } from "../api/schema";
import { getSocket } from "../api/socket";
import type { Ack, AgentEvent, AgentMode, AgentRunDetail, AgentRunSummary } from "./types";

/** The summary's open `usage` object, read as the two counts the server puts in it. */
export function readSummary(raw: Schema<"RunSummary">): AgentRunSummary {
  const { input_tokens = 0, output_tokens = 0 } = raw.usage;
  return { ...raw, usage: { input_tokens, output_tokens } };
}

export const ALLOW_LIST_KEY = ["agent", "allow-list"] as const;

export const agentApi = {
  runs: () => call("get", "/api/agent/runs").then((r) => r.runs.map(readSummary)),
  run: (id: string, afterSeq = 0) =>
    call("get", "/api/agent/runs/{run_id}", { params: { run_id: id }, query: { after_seq: afterSeq } }).then(
      // The log's open objects are the AgentEvents the server stored and streamed.
      (r): AgentRunDetail => ({ run: readSummary(r.run), events: r.events as unknown as AgentEvent[] }),
    ),
  rules: () => call("get", "/api/agent/rules"),
  mcp: () => call("get", "/api/agent/mcp"),
  allowList: () => call("get", "/api/agent/allow-list"),
  /** Approves the workspace's list exactly as the user saw it (409 when it changed since). */
  approveWorkspaceList: (workspace: string[][]) =>
    call("post", "/api/agent/allow-list/approve", { body: { workspace } }),
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
