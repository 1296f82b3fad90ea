// The language server feature's contributions: document sync of open files, the Monaco
// providers for each served language, the rename preview, the status bar item and the
// server events (state, diagnostics kept for code actions).
import { api } from "../api/http";
import { getSocket } from "../api/socket";
import { onDidSaveBuffer } from "../editor/editorApi";
import { servedLanguages, useLanguageServers, type ServerStatus } from "../stores/languageServers";
import type { WorkbenchRegistry } from "../workbench/registry";
import { forgetServer, recordDiagnostics } from "./diagnosticsStore";
import { EditPreviewDialog } from "./EditPreviewDialog";
import { LspStatusItem } from "./LspStatusItem";
import type { DiagnosticsEvent } from "./protocol";
import { registerApplyCommand, registerLanguage } from "./providers";
import { didSave, onLanguageServed, openServed, reopenAll, startSync } from "./sync";
import "./lsp.css";

function applyStatus(servers: ServerStatus[]): void {
  const before = useLanguageServers.getState().servers;
  useLanguageServers.getState().setServers(servers);
  for (const language of servedLanguages(servers)) registerLanguage(language);
  for (const server of servers) if (server.state === "crashed" || server.state === "failed") forgetServer(server.name);
  if (before === null) openServed();
}

function loadStatus(): void {
  api<{ servers: ServerStatus[] }>("/api/lsp/status").then(
    (r) => applyStatus(r.servers),
    (err) => console.warn("Could not read the language servers' status:", err),
  );
}

export function installLsp(wb: WorkbenchRegistry): void {
  wb.monacoProvider({ id: "lsp.providers", register: registerApplyCommand });
  wb.host({ id: "lsp.editPreview", component: EditPreviewDialog });
  wb.statusBarItem({ id: "lsp.status", alignment: "right", order: 15, component: LspStatusItem });
  wb.activation({
    id: "lsp.start",
    run: () => {
      const socket = getSocket();
      socket.on("lsp:status", (payload: { servers: ServerStatus[] }) => applyStatus(payload.servers));
      socket.on("lsp:diagnostics", (payload: DiagnosticsEvent) => recordDiagnostics(payload));
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
