import { useQuery } from "@tanstack/react-query";
import { workspaceApi } from "../api/endpoints";
import { useConnection } from "../api/socket";
import { useBuffers } from "../editor/buffers";
import { executeCommand } from "../palette/commands";
import { useSettings } from "../settings/settings";
import { useStatus } from "../stores/status";
import { IndexStatusItem } from "../symbols/IndexStatusItem";
import { activeTab, useTabs } from "../stores/tabs";
import { BranchIcon } from "./icons";

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

export function languageName(id: string): string {
  return LANGUAGE_NAMES[id] ?? id.charAt(0).toUpperCase() + id.slice(1);
}

export function StatusBar() {
  const workspace = useQuery({ queryKey: ["workspace"], queryFn: workspaceApi.info, staleTime: 60_000 });
  const connection = useConnection((s) => s.status);
  const tab = useTabs((s) => activeTab(s).tab);
  const path = tab?.kind === "file" ? tab.path : null;
  const buffer = useBuffers((s) => (path ? s.buffers[path] : undefined));
  const { line, column, selected } = useStatus();
  const settings = useSettings();
  const offline = connection === "disconnected";
  const connectionLabel = connection === "connected" ? "Connected" : connection === "connecting" ? "Connecting…" : "Offline — reconnecting";
  return (
    <footer className={`status-bar${offline ? " offline" : ""}`} role="status" aria-label="Status bar">
      {workspace.data?.branch && (
        <span className="status-item" title={`Git branch: ${workspace.data.branch}`} data-testid="status-branch">
          <BranchIcon size={14} />
          {workspace.data.branch}
        </span>
      )}
      <span className="status-item" title={connectionLabel} data-testid="status-connection">
        <span className={`status-dot ${connection}`} aria-hidden="true" />
        {connectionLabel}
      </span>
      <IndexStatusItem />
      <span className="spacer" />
      {buffer?.status === "ready" && (
        <>
          <button type="button" className="status-item" title="Go to Line/Column" onClick={() => void executeCommand("workbench.action.gotoLine")} data-testid="status-position">
            Ln {line}, Col {column}
            {selected > 0 ? ` (${selected} selected)` : ""}
          </button>
          <span className="status-item">Spaces: {settings["editor.tabSize"]}</span>
          <span className="status-item" data-testid="status-encoding">{buffer.encoding.toUpperCase()}</span>
          <span className="status-item" data-testid="status-eol">{buffer.eol}</span>
          <span className="status-item" data-testid="status-language">{languageName(buffer.language)}</span>
        </>
      )}
    </footer>
  );
}
