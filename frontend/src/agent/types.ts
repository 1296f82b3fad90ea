// The agent's wire shapes (docs: the agent contract; server: pairpad.events.models AgentEvent /
// AgentApproval and pairpad.api.agent). Written here until `make api-types` generates them.

export type AgentMode = "ask" | "edit" | "auto";

export type AgentEventType =
  | "start"
  | "message"
  | "tool_call"
  | "tool_result"
  | "approval_request"
  | "approval_decision"
  | "file_change"
  | "error"
  | "finished";

export interface TokenUsage {
  input_tokens: number;
  output_tokens: number;
  estimated?: boolean;
}

/** One entry of a run's append-only log; fields a type does not use are null. */
export interface AgentEvent {
  run_id: string;
  seq: number;
  type: AgentEventType;
  at: string;
  text?: string | null;
  call_id?: string | null;
  tool?: string | null;
  args?: Record<string, unknown> | null;
  ok?: boolean | null;
  output?: string | null;
  risk?: string | null;
  detail?: string | null;
  approve?: boolean | null;
  path?: string | null;
  change?: "modified" | "created" | "deleted" | null;
  change_set_id?: string | null;
  checkpoint_id?: string | null;
  diff?: string | null;
  message?: string | null;
  reason?: string | null;
  usage?: TokenUsage | null;
}

/** `agent:approval`: a run waits for the user's decision on one tool call. */
export interface AgentApproval {
  run_id: string;
  call_id: string;
  tool: string;
  args: Record<string, unknown>;
  risk: string;
  detail: string;
}

export type RunStatus = "running" | "waiting" | "finished" | "interrupted";

export interface AgentRunSummary {
  id: string;
  task: string;
  mode: AgentMode;
  model: string;
  status: RunStatus;
  reason: string | null;
  created_at: string;
  finished_at: string | null;
  change_set_id: string | null;
  steps: number;
  usage: TokenUsage;
  pending_approval: Omit<AgentApproval, "run_id"> | null;
}

export interface AgentRunDetail {
  run: AgentRunSummary;
  events: AgentEvent[];
}

export interface AgentRule {
  path: string;
  tokens: number;
  globs: string[];
}

export interface AgentRules {
  rules: AgentRule[];
  total_tokens: number;
}

export interface McpServer {
  name: string;
  transport: "stdio" | "http";
  state: "starting" | "ready" | "failed" | "stopped";
  error: string | null;
  trusted: boolean;
  tools: { name: string; description: string }[];
}

/** A Socket.IO ack: what the handler answers, or `{error, status}`. */
export type Ack<T> = (T & { error?: undefined }) | { error: string; status?: number };
