// Words for the user: why a run ended, what state it is in, a tool call's arguments on one
// line, token counts, and how a line of a unified diff is coloured.
import type { AgentMode, AgentRunSummary, TokenUsage } from "./types";

export type Tone = "ok" | "warn" | "error" | "info";

export const MODES: { id: AgentMode; label: string; hint: string }[] = [
  { id: "ask", label: "Ask", hint: "Reads and searches the code to answer; changes nothing." },
  {
    id: "edit",
    label: "Edit",
    hint: "Also edits files (every change lands in the review); asks before each command.",
  },
  {
    id: "auto",
    label: "Auto",
    hint: "Edits files and runs allow-listed commands without asking; other commands still ask.",
  },
];

/** Why a run ended (the `finished` event's reason), as a sentence. */
export function describeReason(reason: string | null | undefined): { tone: Tone; text: string } {
  switch (reason) {
    case "completed":
      return { tone: "ok", text: "Completed: the agent finished the task." };
    case "max_steps":
      return {
        tone: "warn",
        text: "Stopped at the step limit before finishing (agent.max_steps). Give it a narrower task or raise the limit.",
      };
    case "max_tokens":
      return {
        tone: "warn",
        text: "Stopped: the run used up its token budget (agent.max_tokens). Give it a narrower task or raise the budget.",
      };
    case "loop":
      return {
        tone: "warn",
        text: "Stopped: the agent repeated the same tool call with the same arguments, so it was going in circles.",
      };
    case "cancelled":
      return { tone: "info", text: "Cancelled: the run was stopped on request." };
    case "interrupted":
      return {
        tone: "warn",
        text: "Interrupted: Pairpad stopped while the run was in progress. Its changes so far are kept; start a new run to go on.",
      };
    case null:
    case undefined:
    case "":
      return { tone: "info", text: "Finished." };
    default: {
      const detail = reason.replace(/^error:\s*/, "");
      return { tone: "error", text: `Failed: ${detail}` };
    }
  }
}

/** A run's state in a few words (the runs list, the header). */
export function describeStatus(run: Pick<AgentRunSummary, "status" | "reason">): { tone: Tone; text: string } {
  switch (run.status) {
    case "running":
      return { tone: "info", text: "running" };
    case "waiting":
      return { tone: "warn", text: "waiting for your approval" };
    case "interrupted":
      return { tone: "warn", text: "interrupted" };
    case "finished": {
      const reason = run.reason ?? "";
      if (reason === "completed") return { tone: "ok", text: "completed" };
      if (reason.startsWith("error")) return { tone: "error", text: reason.replace(/^error:\s*/, "failed: ") };
      return { tone: reason === "cancelled" ? "info" : "warn", text: reason.replace("_", " ") || "finished" };
    }
    default:
      return { tone: "info", text: run.status };
  }
}

export const isLive = (status: string | undefined): boolean => status === "running" || status === "waiting";

/** One argv word as a POSIX shell would need it typed. */
export function shellQuote(word: string): string {
  if (word === "") return "''";
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'"'"'`)}'`;
}

const str = (v: unknown): string =>
  typeof v === "string" ? v : v === undefined || v === null ? "" : JSON.stringify(v);

/** A tool call's arguments on one line: the path, the query, the command… */
export function summarizeArgs(tool: string, args: Record<string, unknown>): string {
  switch (tool) {
    case "read_file": {
      const range =
        args.start_line || args.end_line
          ? ` (lines ${str(args.start_line) || "1"}–${str(args.end_line) || "end"})`
          : "";
      return `${str(args.path)}${range}`;
    }
    case "list_files":
      return [str(args.path) || ".", args.glob ? str(args.glob) : ""].filter(Boolean).join(" ");
    case "search_text":
    case "search_code":
      return `“${str(args.query)}”${args.glob ? ` in ${str(args.glob)}` : ""}`;
    case "edit_file":
    case "write_file":
    case "delete_file":
      return str(args.path);
    case "run_command":
      return Array.isArray(args.argv) ? args.argv.map((w) => shellQuote(str(w))).join(" ") : str(args.argv);
    case "repo_map":
      return "";
    default: {
      const text = JSON.stringify(args);
      return text === "{}" ? "" : text.length > 120 ? `${text.slice(0, 119)}…` : text;
    }
  }
}

/** A tool's name for people: `mcp__git__status` → "git: status". */
export function toolLabel(tool: string): string {
  const mcp = /^mcp__(.+?)__(.+)$/.exec(tool);
  return mcp ? `${mcp[1]}: ${mcp[2]}` : tool;
}

export function formatTokens(n: number): string {
  return n >= 10_000 ? `${Math.round(n / 1000)}k` : n >= 1000 ? `${(n / 1000).toFixed(1)}k` : String(n);
}

export function usageText(usage: TokenUsage | null | undefined): string {
  if (!usage) return "";
  const est = usage.estimated ? "~" : "";
  return `${est}${formatTokens(usage.input_tokens)} in · ${est}${formatTokens(usage.output_tokens)} out`;
}

export type DiffLineKind = "add" | "del" | "hunk" | "meta" | "ctx";

/** How one line of a unified diff is shown. */
export function diffLineKind(line: string): DiffLineKind {
  if (line.startsWith("+++") || line.startsWith("---") || line.startsWith("diff ") || line.startsWith("\\"))
    return "meta";
  if (line.startsWith("@@")) return "hunk";
  if (line.startsWith("+")) return "add";
  if (line.startsWith("-")) return "del";
  return "ctx";
}

/** Added and removed lines of a diff ("+3 −1"). */
export function diffStat(diff: string): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const line of diff.split("\n")) {
    const kind = diffLineKind(line);
    if (kind === "add") added++;
    else if (kind === "del") removed++;
  }
  return { added, removed };
}

export function formatWhen(iso: string, now: Date = new Date()): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const sameDay = d.toDateString() === now.toDateString();
  return sameDay
    ? d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })
    : d.toLocaleString([], { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
}
