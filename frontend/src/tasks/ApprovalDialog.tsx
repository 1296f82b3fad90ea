// "Run a task from the workspace's .pairpad/config.toml?": the command exactly as it would run
// (one chip per argument), where it came from, and why it is asked. Cancel has the focus: a
// workspace file the user did not write should not run on a stray Enter.
import { useEffect, useRef } from "react";
import { WarningIcon } from "../ui/icons";
import { useApproval } from "./approvalStore";

export function ApprovalDialog() {
  const task = useApproval((s) => s.task);
  const answer = useApproval((s) => s.answer);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!task) return;
    const previous = document.activeElement as HTMLElement | null;
    ref.current?.querySelector<HTMLButtonElement>("button[data-action=cancel]")?.focus();
    return () => previous?.focus?.();
  }, [task]);
  if (!task || !answer) return null;
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && answer(false)}>
      <div
        ref={ref}
        className="dialog task-approval"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="task-approval-title"
        aria-describedby="task-approval-warning"
        data-testid="task-approval"
        onKeyDown={(e) => {
          if (e.key === "Escape") {
            e.preventDefault();
            answer(false);
          } else if (e.key === "Tab") {
            const buttons = [...(ref.current?.querySelectorAll<HTMLButtonElement>("button") ?? [])];
            const i = buttons.indexOf(document.activeElement as HTMLButtonElement);
            buttons[(i + (e.shiftKey ? buttons.length - 1 : 1)) % buttons.length]?.focus();
            e.preventDefault();
          }
        }}
      >
        <h2 id="task-approval-title">Run a task from the workspace&apos;s .pairpad/config.toml?</h2>
        <p>
          Task <strong>{task.name}</strong> would run:
        </p>
        <div className="argv" aria-label="Command (one argument per box)" data-testid="task-approval-argv">
          {task.argv.map((arg, i) => (
            <code key={i} className="arg">
              {arg === "" ? "''" : arg}
            </code>
          ))}
        </div>
        <p className="detail">
          {/* A config task's detail only repeats the file's name. */}
          Source:{" "}
          {task.source === "config"
            ? "the workspace's .pairpad/config.toml"
            : `detected by Pairpad${task.detail ? ` (${task.detail})` : ""}`}
        </p>
        <p id="task-approval-warning" className="task-approval-warning">
          <WarningIcon />
          <span>
            This file is part of the workspace: you did not necessarily write it. The command runs in the sandbox, and
            Pairpad asks again if it changes.
          </span>
        </p>
        <div className="buttons">
          <button type="button" className="btn" data-action="cancel" onClick={() => answer(false)}>
            Cancel
          </button>
          <button type="button" className="btn primary" data-action="approve" onClick={() => answer(true)}>
            Approve &amp; Run
          </button>
        </div>
      </div>
    </div>
  );
}
