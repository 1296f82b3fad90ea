// Running a task: `task:run`, the Output view shown, and the approval a workspace task needs
// the first time (or after its command changed) before the server runs it.
import { ApiError, errorMessage } from "../api/http";
import { useLayout } from "../stores/layout";
import { notifyError, useNotifications } from "../stores/notifications";
import { askApproval } from "./approvalStore";
import { onRunStarted, runningRuns, useOutput } from "./outputStore";
import { tasksApi, type TaskRefused, type TaskRunAck } from "./tasksApi";

export const OUTPUT_VIEW = "output";

const refused = (ack: TaskRunAck): ack is TaskRefused => "error" in ack;

function say(message: string): void {
  useNotifications.getState().push("error", message);
}

/** Runs the task `name`; asks the user first when the server says it must (428). */
export async function runTask(name: string): Promise<void> {
  let ack: TaskRunAck;
  try {
    ack = await tasksApi.run(name);
  } catch (err) {
    say(`Could not run the task "${name}": ${errorMessage(err)} (is the server connected?)`);
    return;
  }
  if (refused(ack) && ack.status === 428 && ack.task) {
    const task = ack.task;
    if (!(await askApproval(task))) return;
    try {
      await tasksApi.approve(task.name, task.argv);
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) {
        say(
          `The task "${task.name}" changed in .pairpad/config.toml since it was shown: run it again to see its new command.`,
        );
      } else {
        notifyError(`Could not approve the task "${task.name}"`, err);
      }
      return;
    }
    return runTask(name);
  }
  if (refused(ack)) {
    say(`Could not run the task "${name}": ${ack.error}`);
    return;
  }
  onRunStarted(ack);
  useLayout.getState().showPanelView(OUTPUT_VIEW);
}

/** Cancels the Output view's selected run if it is still running, else the newest running one. */
export async function cancelRunningTask(): Promise<void> {
  const running = runningRuns();
  const selected = useOutput.getState().selected;
  const run = running.find((r) => r.runId === selected) ?? running[0];
  if (!run) {
    useNotifications.getState().push("info", "No task is running.");
    return;
  }
  try {
    const ack = await tasksApi.cancel(run.runId);
    if (ack.error) say(`Could not cancel the task "${run.name}": ${ack.error}`);
  } catch (err) {
    notifyError(`Could not cancel the task "${run.name}"`, err);
  }
}
