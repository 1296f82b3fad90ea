// The agent feature's contributions: the Agent side view, its commands (Agent: New Task on
// Mod+I), the live run's socket handlers, the rejoin after a reload or a reconnect.
import { useLayout } from "../stores/layout";
import type { WorkbenchRegistry } from "../workbench/registry";
import { AgentIcon } from "./AgentIcon";
import { AgentPanel } from "./AgentPanel";
import {
  AGENT_VIEW,
  newTask,
  onAgentApproval,
  onAgentEvent,
  refreshRuns,
  rejoinRun,
  restoreRun,
  useAgent,
} from "./agentStore";

export const NEW_TASK_KEY = "Mod+I";

export function installAgent(wb: WorkbenchRegistry): void {
  const show = () => useLayout.getState().showSecondaryView(AGENT_VIEW);
  // Beside the chat in the secondary side bar: the explorer and the editor stay in view.
  wb.sideView({
    id: AGENT_VIEW,
    location: "secondary",
    title: "Agent",
    order: 35,
    keybinding: NEW_TASK_KEY,
    icon: AgentIcon,
    component: AgentPanel,
    titled: true,
  });
  wb.socketHandler("agent.event", "agent:event", onAgentEvent);
  wb.socketHandler("agent.approval", "agent:approval", onAgentApproval);
  wb.activation({ id: "agent.restore", run: restoreRun });
  wb.resync({ id: "agent.rejoin", run: rejoinRun });
  wb.command({ id: "workbench.view.agent", category: "View", title: "Show Agent", run: show });
  wb.command({
    id: "agent.newTask",
    category: "Agent",
    title: "New Task",
    keybinding: NEW_TASK_KEY,
    run: () => {
      show();
      newTask();
    },
  });
  wb.command({
    id: "agent.runs",
    category: "Agent",
    title: "Show Runs",
    run: () => {
      show();
      useAgent.setState({ view: "runs" });
      void refreshRuns();
    },
  });
}
