// The status bar's language server item for the focused file's language: its servers and
// their state (starting / ready / crashed), each server's reason in the tooltip.
import { useModel } from "../editor/editorApi";
import { serversFor, summarize, useLanguageServers, type ServerState } from "../stores/languageServers";
import { activeTab, useTabs } from "../stores/tabs";

const LABELS: Record<ServerState, string> = {
  ready: "",
  starting: " (starting…)",
  not_started: " (not started)",
  crashed: " (crashed)",
  failed: " (failed to start)",
};

export function LspStatusItem() {
  const tab = useTabs((s) => activeTab(s).tab);
  const path = tab?.kind === "file" ? tab.path : "";
  const model = useModel(path);
  const language = model?.getLanguageId() ?? null;
  const servers = useLanguageServers((s) => s.servers);
  if (!language) return null;
  const mine = serversFor(servers, language);
  const summary = summarize(mine);
  if (!summary) return null;
  return (
    <span
      className={`status-item lsp-status ${summary.state}`}
      title={`Language servers for ${language}\n${summary.tooltip}`}
      data-testid="status-lsp"
      data-state={summary.state}
    >
      {"{ }"} {mine.map((s) => s.name).join(", ")}
      {LABELS[summary.state]}
    </span>
  );
}
