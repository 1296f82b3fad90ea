// Tab labels: the shell's name, numbered when several terminals share it ("bash", "bash (2)").

export interface Named {
  key: string;
  title: string;
}

/** A label per terminal key, numbered in tab order among terminals of the same title. */
export function tabLabels(terminals: readonly Named[]): Map<string, string> {
  const seen = new Map<string, number>();
  const labels = new Map<string, string>();
  for (const { key, title } of terminals) {
    const name = title || "terminal";
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    labels.set(key, n === 1 ? name : `${name} (${n})`);
  }
  return labels;
}

/** The line a terminal shows when its process ended. */
export function exitLine(exitCode: number | null | undefined, signal: string | null | undefined): string {
  if (signal) return `[process terminated by signal ${signal}]`;
  return exitCode === null || exitCode === undefined ? "[process exited]" : `[process exited with code ${exitCode}]`;
}

/** The line for a terminal Pairpad ended (`reason` of term:exit), or the process's own exit. */
export function exitNote(
  exitCode: number | null | undefined,
  signal: string | null | undefined,
  reason: string | null | undefined,
): string {
  if (reason === "closed") return "[terminal closed]";
  if (reason === "abandoned") return "[terminal ended: no page held it]";
  if (reason) return `[terminal ended: ${reason}]`;
  return exitLine(exitCode, signal);
}
