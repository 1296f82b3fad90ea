// The inline completion feature's contributions: the Monaco inline completions provider, its
// status bar item and the toggle command (palette; the status item runs it too).
import { currentCompletionSettings, updateCompletionSettings } from "../stores/settings";
import type { WorkbenchRegistry } from "../workbench/registry";
import { CompletionStatusItem } from "./CompletionStatusItem";
import { registerCompletionProvider, stopCompletions, warmOnce } from "./provider";
import { setCompletionError, TOGGLE_COMPLETION } from "./status";
import "./completion.css";

export async function toggleCompletion(): Promise<void> {
  const enabled = !currentCompletionSettings()["completion.enabled"];
  if (!enabled) stopCompletions();
  setCompletionError(null);
  await updateCompletionSettings({ "completion.enabled": enabled });
  if (enabled) warmOnce();
}

export function installCompletion(wb: WorkbenchRegistry): void {
  wb.monacoProvider({ id: "completion.inline", register: registerCompletionProvider });
  wb.statusBarItem({ id: "completion.status", alignment: "right", order: 5, component: CompletionStatusItem });
  wb.command({
    id: TOGGLE_COMPLETION,
    category: "Pairpad",
    title: "Toggle Inline Completion",
    run: toggleCompletion,
  });
}
