// The language server feature's contributions: document sync of open files, the Monaco
// providers for each served language, the rename preview, the status bar item and the
// server events (state, diagnostics kept for code actions).
import { call } from "../api/schema";
import { loadedModel, onDidSaveBuffer, refreshFromDisk } from "../editor/editorApi";
import { notifyInfo } from "../stores/notifications";
import { servedLanguages, serversFor, useLanguageServers, type ServerStatus } from "../stores/languageServers";
import type { WorkbenchRegistry } from "../workbench/registry";
import { forgetServer, recordDiagnostics } from "./diagnosticsStore";
import { EditPreviewDialog } from "./EditPreviewDialog";
import { LspStatusItem } from "./LspStatusItem";
import type { DiagnosticsEvent, WorkspaceEdit } from "./protocol";
import { registerApplyCommand, registerLanguage, setBuiltinTypescript } from "./providers";
import { didSave, onLanguageServed, openServed, reopenAll, startSync } from "./sync";
import "./lsp.css";

function applyStatus(servers: ServerStatus[]): void {
  const before = useLanguageServers.getState().servers;
  useLanguageServers.getState().setServers(servers);
  for (const language of servedLanguages(servers)) {
    registerLanguage(language);
    setBuiltinTypescript(
      language,
      serversFor(servers, language).some((s) => s.state !== "failed"),
    );
  }
  for (const server of servers) if (server.state === "crashed" || server.state === "failed") forgetServer(server.name);
  if (before === null) openServed();
}

function loadStatus(): void {
  call("get", "/api/lsp/status").then(
    (r) => applyStatus(r.servers),
    (err) => console.warn("Could not read the language servers' status:", err),
  );
}

/**
 * A server applied an edit itself (a code action's command: ruff's fix all): the files changed
 * on disk through the file service; show them in the open editors now and say what happened.
 */
async function onServerEdit(edit: WorkspaceEdit, label: string | null | undefined): Promise<void> {
  const paths = Object.keys(edit.changes ?? {});
  await refreshFromDisk(paths.filter((p) => loadedModel(p)));
  const files = paths.length === 1 ? paths[0] : `${paths.length} files`;
  notifyInfo(`${label || "A language server's edit"}: changed ${files}`);
}

export function installLsp(wb: WorkbenchRegistry): void {
  wb.monacoProvider({ id: "lsp.providers", register: registerApplyCommand });
  wb.host({ id: "lsp.editPreview", component: EditPreviewDialog });
  wb.statusBarItem({ id: "lsp.status", alignment: "right", order: 15, component: LspStatusItem });
  wb.socketHandler("lsp.status", "lsp:status", (payload) => applyStatus(payload.servers));
  wb.socketHandler("lsp.diagnostics", "lsp:diagnostics", (payload) =>
    recordDiagnostics(payload as unknown as DiagnosticsEvent),
  );
  wb.socketHandler(
    "lsp.edit",
    "lsp:edit",
    (payload) => void onServerEdit(payload.edit as WorkspaceEdit, payload.label),
  );
  // Files loaded before the socket first connected could not be opened then.
  wb.socketHandler("lsp.connect", "connect", () => openServed());
  wb.activation({
    id: "lsp.start",
    run: () => {
      onLanguageServed(registerLanguage);
      onDidSaveBuffer(didSave);
      startSync();
      loadStatus();
    },
  });
  wb.resync({
    id: "lsp.reopen",
    run: () => {
      loadStatus();
      reopenAll();
    },
  });
}
