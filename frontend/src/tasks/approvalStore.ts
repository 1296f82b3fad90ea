// The one pending "run this workspace task?" question, answered by the approval dialog.
import { create } from "zustand";
import type { Task } from "./tasksApi";

export type PendingTask = Pick<Task, "name" | "argv" | "source" | "detail">;

interface ApprovalState {
  task: PendingTask | null;
  answer: ((approved: boolean) => void) | null;
}

export const useApproval = create<ApprovalState>(() => ({ task: null, answer: null }));

/** Shows the dialog; resolves true on "Approve & Run", false on Cancel (or a newer question). */
export function askApproval(task: PendingTask): Promise<boolean> {
  useApproval.getState().answer?.(false);
  return new Promise<boolean>((resolve) => {
    useApproval.setState({
      task,
      answer: (approved) => {
        useApproval.setState({ task: null, answer: null });
        resolve(approved);
      },
    });
  });
}
