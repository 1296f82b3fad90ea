// What the agent is given besides the task: rule files loaded into its prompt (with their token
// cost) and the MCP servers whose tools it may call (state, error, tools). Collapsed by default.
import { useQuery } from "@tanstack/react-query";
import { queryClient } from "../stores/queryClient";
import { agentApi, ALLOW_LIST_KEY } from "./agentApi";
import { AllowList } from "./AllowList";
import { formatTokens } from "./describe";

const STATE_TONE: Record<string, string> = { ready: "ok", starting: "info", failed: "error", stopped: "warn" };

export function Sources() {
  const rules = useQuery({ queryKey: ["agent", "rules"], queryFn: agentApi.rules, retry: false });
  const mcp = useQuery({
    queryKey: ["agent", "mcp"],
    queryFn: agentApi.mcp,
    retry: false,
    refetchInterval: (q) => (q.state.data?.servers.some((s) => s.state === "starting") ? 2000 : false),
  });
  const servers = mcp.data?.servers ?? [];
  const ruleList = rules.data?.rules ?? [];
  const count = (n: number, one: string) => (n === 0 ? `no ${one}s` : `${n} ${one}${n === 1 ? "" : "s"}`);
  const summary = [
    rules.data
      ? `${count(ruleList.length, "rule")}${ruleList.length ? ` (${formatTokens(rules.data.total_tokens)} tokens)` : ""}`
      : "",
    mcp.data ? count(servers.length, "MCP server") : "",
  ]
    .filter(Boolean)
    .join(" · ");
  return (
    <details
      className="agent-sources"
      onToggle={(e) => {
        if (e.currentTarget.open) {
          void rules.refetch();
          void mcp.refetch();
          void queryClient.invalidateQueries({ queryKey: ALLOW_LIST_KEY });
        }
      }}
    >
      <summary>
        Rules &amp; tools <span className="agent-dim">{summary}</span>
      </summary>
      <div className="agent-sources-body">
        <h4>Rules in the prompt</h4>
        {rules.error && <p className="agent-error-text">Could not load the rules: {rules.error.message}</p>}
        {rules.data && ruleList.length === 0 && (
          <p className="agent-dim">
            None. AGENTS.md, CLAUDE.md, .cursorrules, .cursor/rules/*.mdc, .github/copilot-instructions.md and
            .pairpad/rules/*.md give the agent standing instructions.
          </p>
        )}
        <ul>
          {ruleList.map((r) => (
            <li key={r.path} title={r.globs.length ? `Applies to ${r.globs.join(", ")}` : "Always loaded"}>
              <code>{r.path}</code> <span className="agent-dim">{formatTokens(r.tokens)} tokens</span>
              {r.globs.length > 0 && <span className="agent-dim"> · {r.globs.join(", ")}</span>}
            </li>
          ))}
        </ul>
        <h4>MCP servers</h4>
        {mcp.error && <p className="agent-error-text">Could not load the MCP servers: {mcp.error.message}</p>}
        {mcp.data && servers.length === 0 && (
          <p className="agent-dim">None configured ([agent.mcp.NAME] in your config.toml).</p>
        )}
        <ul>
          {servers.map((s) => (
            <li key={s.name} data-testid="agent-mcp-server" data-server={s.name}>
              <strong>{s.name}</strong>{" "}
              <span className={`agent-status ${STATE_TONE[s.state] ?? "info"}`}>{s.state}</span>
              <span className="agent-dim">
                {" "}
                · {s.transport}
                {s.trusted ? " · trusted (runs without asking)" : ""}
              </span>
              {s.error && <div className="agent-error-text">{s.error}</div>}
              {s.tools.length > 0 && (
                <div className="agent-dim" title={s.tools.map((t) => `${t.name}: ${t.description}`).join("\n")}>
                  tools: {s.tools.map((t) => t.name.replace(`mcp__${s.name}__`, "")).join(", ")}
                </div>
              )}
            </li>
          ))}
        </ul>
        <AllowList />
      </div>
    </details>
  );
}
