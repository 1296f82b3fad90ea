// The context inspector's texts: a chip's label, why it is in the prompt, the history chip.
import type { ContextReport } from "./chatApi";

export function chipLabel(item: ContextReport): string {
  if (item.kind === "selection" && !item.path) return item.title ?? "Selection";
  if (item.kind === "error") return item.title ?? "Error";
  if (item.kind === "folder") return `${item.path ?? "."}/`;
  if (item.kind === "repomap") return "repo map";
  const base = item.path ?? item.title ?? item.kind;
  const start = item.meta?.start_line;
  if (typeof start === "number") {
    const end = item.meta?.end_line;
    return typeof end === "number" && end !== start ? `${base}:${start}-${end}` : `${base}:${start}`;
  }
  return base;
}

/** Why it is in the prompt, in a few words (signals for retrieved snippets). */
export function chipWhy(item: ContextReport): string {
  const why = item.meta?.why;
  const score = item.meta?.score;
  const parts = [typeof why === "string" ? why : ""];
  if (typeof score === "number") parts.push(`score ${score.toFixed(2)}`);
  return parts.filter(Boolean).join(" · ");
}

/** The path a refused secret file chip may offer to attach anyway (null: no such offer). */
export function secretToAttach(item: ContextReport): string | null {
  return !item.included && item.meta?.secret === true && item.path ? item.path : null;
}

export function confirmAttachText(path: string): string {
  return (
    `${path} looks like a secret file (credentials or keys). Send its content to the model ` +
    "with this message? The model's provider will receive it."
  );
}

export function historyLabel(count: number): string {
  return count === 1 ? "1 message" : `${count} messages`;
}
