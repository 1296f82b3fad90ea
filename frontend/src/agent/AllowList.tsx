// The commands Auto mode runs without asking: the user's list, and the workspace's (which counts
// only once the user approved that exact list: a cloned repository must not widen it).
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { errorMessage } from "../api/http";
import { showDialog } from "../stores/dialogs";
import { agentApi, ALLOW_LIST_KEY } from "./agentApi";

/** A pattern as the user reads it: `pytest **`. */
const pattern = (words: string[]) => words.join(" ");

export function AllowList() {
  const query = useQuery({ queryKey: ALLOW_LIST_KEY, queryFn: agentApi.allowList, retry: false });
  const [error, setError] = useState<string | null>(null);
  const data = query.data;

  const approve = async (workspace: string[][]) => {
    const choice = await showDialog({
      title: "Let Auto mode run these commands without asking?",
      message: `The workspace's .pairpad/config.toml allows: ${workspace.map(pattern).join(", ")}`,
      detail:
        "`*` stands for any one word and a last `**` for any rest. Approve only if you trust this repository: the list counts until the file changes.",
      buttons: [
        { id: "approve", label: "Approve", primary: true },
        { id: "cancel", label: "Cancel" },
      ],
      cancelId: "cancel",
    });
    if (choice !== "approve") return;
    try {
      await agentApi.approveWorkspaceList(workspace);
      setError(null);
    } catch (err) {
      setError(`Not approved: ${errorMessage(err)}`);
    }
    await query.refetch();
  };

  return (
    <div className="agent-allow" data-testid="agent-allow-list">
      <h4>Commands Auto mode runs unasked</h4>
      {query.error && <p className="agent-error-text">Could not load the allow-list: {query.error.message}</p>}
      {data?.error && <p className="agent-error-text">{data.error}</p>}
      {error && <p className="agent-error-text">{error}</p>}
      {data && data.user.length === 0 && data.workspace.length === 0 && (
        <p className="agent-dim">
          None: in Auto mode every command asks (agent.allowed_commands in your config.toml; [agent] allowed_commands in
          the workspace&apos;s .pairpad/config.toml).
        </p>
      )}
      <ul>
        {data?.user.map((p) => (
          <li key={`u:${pattern(p)}`}>
            <code>{pattern(p)}</code> <span className="agent-dim">yours</span>
          </li>
        ))}
        {data?.workspace.map((p) => (
          <li key={`w:${pattern(p)}`}>
            <code>{pattern(p)}</code>{" "}
            <span className="agent-dim">
              workspace{data.workspace_approved ? "" : " · not in effect until you approve it"}
            </span>
          </li>
        ))}
      </ul>
      {data && data.workspace.length > 0 && !data.workspace_approved && (
        <button type="button" className="btn" onClick={() => void approve(data.workspace)}>
          Approve the workspace&apos;s list…
        </button>
      )}
    </div>
  );
}
