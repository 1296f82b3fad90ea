// The workbench's own status bar items: the git branch and the connection.
import { useQuery } from "@tanstack/react-query";
import { workspaceApi } from "../api/endpoints";
import { useConnection, type ConnectionStatus } from "../api/socket";
import { BranchIcon } from "../ui/icons";

const BRANCH_POLL_MS = 30_000;

const CONNECTION_LABELS: Record<ConnectionStatus, string> = {
  connected: "Connected",
  connecting: "Connecting…",
  disconnected: "Offline — reconnecting",
  unauthorized: "Signed out — new token",
};

export function BranchItem() {
  const connection = useConnection((s) => s.status);
  // The branch changes behind our back (git checkout in a terminal) and the watcher ignores
  // .git internals: poll cheaply, and refresh on window focus and file events (bootstrap.ts).
  const workspace = useQuery({
    queryKey: ["workspace"],
    queryFn: workspaceApi.info,
    staleTime: 5_000,
    refetchInterval: connection === "unauthorized" ? false : BRANCH_POLL_MS,
  });
  if (!workspace.data?.branch) return null;
  return (
    <span className="status-item" title={`Git branch: ${workspace.data.branch}`} data-testid="status-branch">
      <BranchIcon size={14} />
      {workspace.data.branch}
    </span>
  );
}

export function ConnectionItem() {
  const connection = useConnection((s) => s.status);
  const label = CONNECTION_LABELS[connection];
  // The only live region: cursor moves must not be announced, connection changes must.
  return (
    <span className="status-item" title={label} data-testid="status-connection" role="status" aria-live="polite">
      <span className={`status-dot ${connection}`} aria-hidden="true" />
      {label}
    </span>
  );
}
