import { useQuery } from "@tanstack/react-query";
import { workspaceApi } from "../api/endpoints";
import { useConnection, type ConnectionStatus } from "../api/socket";
import { useBuffers } from "../editor/buffers";
import { encodingLabel } from "../editor/eol";
import { executeCommand } from "../workbench/commands";
import { ModelStatusItem } from "../settings/models/ModelStatusItem";
import { useSettings } from "../stores/settings";
import { useStatus } from "../stores/status";
import { IndexStatusItem } from "../symbols/IndexStatusItem";
import { activeTab, useTabs } from "../stores/tabs";
import { BranchIcon } from "../ui/icons";

const LANGUAGE_NAMES: Record<string, string> = {
  typescript: "TypeScript",
  javascript: "JavaScript",
  python: "Python",
  json: "JSON",
  markdown: "Markdown",
  html: "HTML",
  css: "CSS",
  plaintext: "Plain Text",
  shell: "Shell Script",
  yaml: "YAML",
  rust: "Rust",
  go: "Go",
  java: "Java",
  cpp: "C++",
  c: "C",
  ini: "Ini",
  xml: "XML",
  sql: "SQL",
  dockerfile: "Dockerfile",
};

const BRANCH_POLL_MS = 30_000;

const CONNECTION_LABELS: Record<ConnectionStatus, string> = {
  connected: "Connected",
  connecting: "Connecting…",
  disconnected: "Offline — reconnecting",
  unauthorized: "Signed out — new token",
};

function languageName(id: string): string {
  return LANGUAGE_NAMES[id] ?? id.charAt(0).toUpperCase() + id.slice(1);
}

export function StatusBar() {
  const connection = useConnection((s) => s.status);
  // The branch changes behind our back (git checkout in a terminal) and the watcher ignores
  // .git internals: poll cheaply, and refresh on window focus and file events (bootstrap.ts).
  const workspace = useQuery({
    queryKey: ["workspace"],
    queryFn: workspaceApi.info,
    staleTime: 5_000,
    refetchInterval: connection === "unauthorized" ? false : BRANCH_POLL_MS,
  });
  const tab = useTabs((s) => activeTab(s).tab);
  const path = tab?.kind === "file" ? tab.path : null;
  const buffer = useBuffers((s) => (path ? s.buffers[path] : undefined));
  const { line, column, selected } = useStatus();
  const settings = useSettings();
  const offline = connection === "disconnected" || connection === "unauthorized";
  const connectionLabel = CONNECTION_LABELS[connection];
  return (
    <footer className={`status-bar${offline ? " offline" : ""}`} aria-label="Status bar">
      {workspace.data?.branch && (
        <span className="status-item" title={`Git branch: ${workspace.data.branch}`} data-testid="status-branch">
          <BranchIcon size={14} />
          {workspace.data.branch}
        </span>
      )}
      {/* The only live region: cursor moves must not be announced, connection changes must. */}
      <span className="status-item" title={connectionLabel} data-testid="status-connection" role="status" aria-live="polite">
        <span className={`status-dot ${connection}`} aria-hidden="true" />
        {connectionLabel}
      </span>
      <IndexStatusItem />
      <span className="spacer" />
      <ModelStatusItem />
      {buffer?.status === "ready" && (
        <>
          <button type="button" className="status-item" title="Go to Line/Column" onClick={() => void executeCommand("workbench.action.gotoLine")} data-testid="status-position">
            Ln {line}, Col {column}
            {selected > 0 ? ` (${selected} selected)` : ""}
          </button>
          <span className="status-item">Spaces: {settings["editor.tabSize"]}</span>
          <span className="status-item" data-testid="status-encoding" title={`Encoding: ${buffer.encoding}`}>
            {encodingLabel(buffer.encoding)}
          </span>
          <span className="status-item" data-testid="status-eol">{buffer.eol}</span>
          <span className="status-item" data-testid="status-language">{languageName(buffer.language)}</span>
        </>
      )}
    </footer>
  );
}
