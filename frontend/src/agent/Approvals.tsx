// What the run waits for: the exact command line or file change it wants, with Approve / Deny.
// Shown above the task box so it is in view wherever the timeline is scrolled.
import { decide, useAgent } from "./agentStore";
import { summarizeArgs, toolLabel } from "./describe";
import type { AgentApproval } from "./types";

const RISK: Record<string, string> = {
  command: "run a command",
  control_file: "change a file that controls tools or builds",
  mcp: "call a tool of an MCP server",
};

function ApprovalCard({ approval }: { approval: AgentApproval }) {
  const deciding = useAgent((s) => s.deciding);
  const busy = deciding !== null;
  const what = RISK[approval.risk] ?? `use ${toolLabel(approval.tool)}`;
  return (
    <div className="agent-approval" role="group" aria-label="Approval needed" data-testid="agent-approval">
      <div className="agent-approval-title">The agent wants to {what}:</div>
      <pre className="agent-approval-detail" data-testid="agent-approval-detail">
        {approval.detail || summarizeArgs(approval.tool, approval.args)}
      </pre>
      <div className="agent-approval-actions">
        <button
          type="button"
          className="btn primary"
          disabled={busy}
          onClick={() => void decide(approval.call_id, true)}
        >
          {deciding === approval.call_id ? "Sending…" : "Approve"}
        </button>
        <button type="button" className="btn" disabled={busy} onClick={() => void decide(approval.call_id, false)}>
          Deny
        </button>
      </div>
    </div>
  );
}

export function Approvals({ pending }: { pending: AgentApproval[] }) {
  if (pending.length === 0) return null;
  return (
    <div className="agent-approvals">
      {pending.map((a) => (
        <ApprovalCard key={a.call_id} approval={a} />
      ))}
    </div>
  );
}
