// The tasks feature's contributions: the Output view, the Tasks commands (Run Task picker,
// test/lint/build, cancel), the approval dialog for workspace tasks, the run events, and the
// status bar's sandbox item.
import { useLayout } from "../stores/layout";
import type { WorkbenchRegistry } from "../workbench/registry";
import { ApprovalDialog } from "./ApprovalDialog";
import { OutputActions, OutputPanel } from "./OutputPanel";
import { onRunExit, onRunOutput } from "./outputStore";
import { cancelRunningTask, OUTPUT_VIEW, runTask } from "./runTask";
import { loadRuntime } from "./runtimeStore";
import { SandboxStatusItem } from "./SandboxStatusItem";
import { openTaskPicker } from "./pickerStore";
import { TaskPicker } from "./TaskPicker";
import "./tasks.css";

export function installTasks(wb: WorkbenchRegistry): void {
  wb.panelView({ id: OUTPUT_VIEW, title: "Output", order: 20, component: OutputPanel, actions: OutputActions });
  wb.host({ id: "tasks.picker", component: TaskPicker });
  wb.host({ id: "tasks.approval", component: ApprovalDialog });
  wb.statusBarItem({ id: "tasks.sandbox", alignment: "right", order: 30, component: SandboxStatusItem });
  wb.socketHandler("tasks.output", "run:output", onRunOutput);
  wb.socketHandler("tasks.exit", "run:exit", onRunExit);
  wb.activation({ id: "tasks.runtime", run: loadRuntime });
  wb.resync({ id: "tasks.runtime", run: loadRuntime });
  const task = (id: string, title: string, name: string, keybinding?: string) =>
    wb.command({ id, category: "Tasks", title, keybinding, run: () => runTask(name) });
  wb.command({ id: "workbench.action.tasks.runTask", category: "Tasks", title: "Run Task", run: openTaskPicker });
  task("workbench.action.tasks.test", "Run Test Task", "test");
  task("workbench.action.tasks.lint", "Run Lint Task", "lint");
  task("workbench.action.tasks.build", "Run Build Task", "build", "Mod+Shift+B");
  wb.command({
    id: "workbench.action.tasks.terminate",
    category: "Tasks",
    title: "Cancel Running Task",
    run: cancelRunningTask,
  });
  wb.command({
    id: "workbench.action.output.show",
    category: "View",
    title: "Show Output",
    keybinding: "Mod+Shift+U",
    run: () => useLayout.getState().showPanelView(OUTPUT_VIEW),
  });
}
