// Which sandbox the server runs commands in (GET /api/runtime), for the status bar.
import { create } from "zustand";
import { errorMessage } from "../api/http";
import { tasksApi, type RuntimeInfo } from "./tasksApi";

interface RuntimeState {
  info: RuntimeInfo | null;
  error: string | null;
}

export const useRuntime = create<RuntimeState>(() => ({ info: null, error: null }));

export function loadRuntime(): void {
  tasksApi.runtime().then(
    (info) => useRuntime.setState({ info, error: null }),
    (err) => useRuntime.setState({ error: errorMessage(err) }),
  );
}

/** The status bar's words: `bubblewrap`, `Landlock`, `No sandbox` (+ whether it still runs). */
export function sandboxLabel(info: Pick<RuntimeInfo, "sandbox" | "unsandboxed_allowed">): string {
  if (info.sandbox === "bubblewrap") return "bubblewrap";
  if (info.sandbox === "landlock") return "Landlock";
  return info.unsandboxed_allowed ? "No sandbox (unsandboxed allowed)" : "No sandbox";
}

/** The details (tooltip and popover), one fact per line. */
export function sandboxDetails(info: RuntimeInfo): string[] {
  const l = info.limits;
  return [
    info.sandbox === "none"
      ? info.unsandboxed_allowed
        ? "Commands run WITHOUT a sandbox (runtime.allow_unsandboxed is on); tasks never do: they are refused."
        : "Commands are refused: no sandbox can run here."
      : `Commands run in ${sandboxLabel(info)}.`,
    info.detail,
    `Network: ${info.network ? "allowed when a run asks for it" : "off"}`,
    `Timeout: ${l.timeout_s} s (at most ${l.max_timeout_s} s)`,
    `Memory: ${l.memory_mb} MB · CPU: ${l.cpu_s} s · processes: ${l.processes} (${l.processes_by})`,
    `Files: ${l.file_size_mb} MB each, ${l.open_files} open · output kept: ${Math.round(l.output_bytes / 1024)} KiB per stream`,
    ...(info.landlock_abi ? [`Landlock ABI ${info.landlock_abi}`] : []),
  ].filter(Boolean);
}
