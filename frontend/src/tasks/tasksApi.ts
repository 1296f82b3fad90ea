// The server's tasks: `GET /api/tasks`, `POST /api/tasks/approve` (HTTP) and `task:run`,
// `run:cancel` (Socket.IO, whose acks say what started or why not; hand-typed, as Socket.IO
// acks are not in the generated schemas), and `GET /api/runtime`.
import { call, type Schema } from "../api/schema";
import { getSocket } from "../api/socket";

export type SandboxName = Schema<"RuntimeInfo">["sandbox"];
export type RuntimeInfo = Schema<"RuntimeInfo">;

export type Task = Schema<"TaskInfo">;
export type TaskList = Schema<"TaskListResponse">;

/** `task:run`'s ack when the run started. */
export interface TaskStarted {
  run_id: string;
  name: string;
  argv: string[];
  sandbox: SandboxName;
}

/** `task:run`'s ack when it did not: 428 carries the task the user must approve first. */
export interface TaskRefused {
  error: string;
  status: number;
  task?: Pick<Task, "name" | "argv" | "source" | "detail">;
}

export type TaskRunAck = TaskStarted | TaskRefused;

const ACK_TIMEOUT_MS = 15_000;

export const tasksApi = {
  list: () => call("get", "/api/tasks"),
  approve: (name: string, argv: string[]) => call("post", "/api/tasks/approve", { body: { name, argv } }),
  run: async (name: string): Promise<TaskRunAck> =>
    (await getSocket().timeout(ACK_TIMEOUT_MS).emitWithAck("task:run", { name })) as TaskRunAck,
  cancel: async (runId: string): Promise<{ ok?: boolean; error?: string }> =>
    (await getSocket().timeout(ACK_TIMEOUT_MS).emitWithAck("run:cancel", { run_id: runId })) as {
      ok?: boolean;
      error?: string;
    },
  runtime: () => call("get", "/api/runtime"),
};
