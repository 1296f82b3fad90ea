// @vitest-environment jsdom
// What the timeline and the approval box show for a run's log.
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { AgentEvent } from "./types";

const decided: { callId: string; approve: boolean }[] = [];
const opened: (string | undefined)[] = [];
vi.mock("../review/reviewApi", () => ({ openReview: async (id?: string) => void opened.push(id) }));
vi.mock("./agentStore", async () => {
  const { create } = await import("zustand");
  return {
    useAgent: create(() => ({ deciding: null })),
    decide: async (callId: string, approve: boolean) => void decided.push({ callId, approve }),
  };
});

const { Timeline } = await import("./RunTimeline");
const { Approvals } = await import("./Approvals");
const { buildTimeline, pendingApprovals } = await import("./timeline");

const ev = (seq: number, type: AgentEvent["type"], fields: Partial<AgentEvent> = {}): AgentEvent => ({
  run_id: "r1",
  seq,
  type,
  at: "2026-12-03T13:00:00Z",
  ...fields,
});

const command = { argv: ["python", "-c", "print(42)"] };
const log: AgentEvent[] = [
  ev(1, "start", { text: "task", detail: "edit", message: "p:m" }),
  ev(2, "message", { text: "Editing **now**." }),
  ev(3, "tool_call", { call_id: "c1", tool: "edit_file", args: { path: "a.py", old_text: "1", new_text: "2" } }),
  ev(4, "file_change", {
    call_id: "c1",
    path: "a.py",
    change: "modified",
    change_set_id: "cs1",
    diff: "--- a/a.py\n+++ b/a.py\n@@ -1 +1 @@\n-x = 1\n+x = 2\n",
  }),
  ev(5, "tool_result", { call_id: "c1", tool: "edit_file", ok: true, output: "edited a.py" }),
  ev(6, "tool_call", { call_id: "c2", tool: "run_command", args: command }),
  ev(7, "approval_request", {
    call_id: "c2",
    tool: "run_command",
    args: command,
    risk: "command",
    detail: "python -c 'print(42)'",
  }),
];

afterEach(() => {
  cleanup();
  decided.length = 0;
  opened.length = 0;
});

describe("Timeline", () => {
  it("shows the message as markdown, the diff coloured without its file header, and opens the review", () => {
    const { container } = render(<Timeline items={buildTimeline(log)} changeSetId="cs1" />);
    expect(container.querySelector(".agent-message strong")?.textContent).toBe("now");
    const lines = [...container.querySelectorAll(".agent-diff-line")].map((l) => [l.className, l.textContent]);
    expect(lines).toEqual([
      ["agent-diff-line hunk", "@@ -1 +1 @@\n"],
      ["agent-diff-line del", "-x = 1\n"],
      ["agent-diff-line add", "+x = 2\n"],
    ]);
    fireEvent.click(screen.getByRole("button", { name: "Review" }));
    expect(opened).toEqual(["cs1"]);
    const cmd = container.querySelector('[data-tool="run_command"]');
    expect(cmd?.getAttribute("data-state")).toBe("waiting");
    expect(cmd?.textContent).toContain("Waiting for your approval");
  });

  it("shows a result only when asked, and says an undecided approval ended with the run", () => {
    const done = [...log, ev(8, "finished", { reason: "cancelled" })];
    const { container } = render(<Timeline items={buildTimeline(done)} changeSetId={null} />);
    const edit = container.querySelector('[data-tool="edit_file"]') as HTMLElement;
    expect(edit.querySelector("pre.agent-pre")).toBeNull();
    fireEvent.click(screen.getAllByRole("button", { name: "Show the result" })[0]);
    expect(edit.querySelector(".agent-result pre")?.textContent).toBe("edited a.py");
    const cmd = container.querySelector('[data-tool="run_command"]');
    expect(cmd?.getAttribute("data-state")).toBe("stopped");
    expect(cmd?.textContent).toContain("Not decided: the run ended");
    expect(screen.getByRole("status").textContent).toContain("Cancelled: the run was stopped on request.");
  });
});

describe("Approvals", () => {
  it("shows the exact command and sends the decision", () => {
    render(<Approvals pending={pendingApprovals(log)} />);
    expect(screen.getByTestId("agent-approval-detail").textContent).toBe("python -c 'print(42)'");
    expect(screen.getByText("The agent wants to run a command:")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Deny" }));
    expect(decided).toEqual([{ callId: "c2", approve: false }]);
  });

  it("renders nothing when nothing waits", () => {
    const { container } = render(<Approvals pending={[]} />);
    expect(container.innerHTML).toBe("");
  });
});
