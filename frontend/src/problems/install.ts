// The problems feature's contributions: the Problems view of the bottom panel (with its count),
// the server's problem sources as Monaco markers, and the listener that keeps them current.
import { notifyError } from "../stores/notifications";
import { useLayout } from "../stores/layout";
import type { WorkbenchRegistry } from "../workbench/registry";
import { fromLspDiagnostics, type LspDiagnosticsEvent } from "./lspDiagnostics";
import { startMarkerSync } from "./markers";
import { problemsApi } from "./problemsApi";
import { ProblemsBadge, ProblemsPanel } from "./ProblemsPanel";
import { useProblems } from "./problemsStore";
import "./problems.css";

export const PROBLEMS_VIEW = "problems";

/** Every source's list as the server has it (on start, and after a reconnect: events may be lost). */
function loadProblems(): void {
  problemsApi.all().then(
    (r) => useProblems.getState().setSources(r.sources),
    (err) => notifyError("Could not load the problems", err),
  );
}

export function installProblems(wb: WorkbenchRegistry): void {
  wb.panelView({ id: PROBLEMS_VIEW, title: "Problems", order: 10, component: ProblemsPanel, badge: ProblemsBadge });
  wb.socketHandler("problems.changed", "problems:changed", ({ source, problems }) =>
    useProblems.getState().setSource(source, problems),
  );
  // The language servers' diagnostics: one file's list per event; a crashed server's are stale.
  wb.socketHandler("problems.lspDiagnostics", "lsp:diagnostics", (event) => {
    const problems = fromLspDiagnostics(event as LspDiagnosticsEvent);
    useProblems.getState().setLspDiagnostics(event.server, event.path, problems);
  });
  wb.socketHandler("problems.lspStatus", "lsp:status", ({ servers }) => {
    for (const server of servers) {
      if (server.state !== "ready" && server.state !== "starting") useProblems.getState().clearLspServer(server.name);
    }
  });
  wb.activation({
    id: "problems.start",
    run: () => {
      startMarkerSync();
      loadProblems();
    },
  });
  wb.resync({ id: "problems.reload", run: loadProblems });
  wb.command({
    id: "workbench.actions.view.problems",
    category: "View",
    title: "Show Problems",
    keybinding: "Mod+Shift+M",
    run: () => useLayout.getState().showPanelView(PROBLEMS_VIEW),
  });
  wb.command({
    id: "problems.clearTaskProblems",
    category: "Problems",
    title: "Clear Task Problems",
    run: async () => {
      const sources = Object.keys(useProblems.getState().sources);
      try {
        await Promise.all(sources.map((source) => problemsApi.clear(source)));
      } catch (err) {
        notifyError("Could not clear the problems", err);
      }
    },
  });
}
