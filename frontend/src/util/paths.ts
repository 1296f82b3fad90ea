// Workspace-relative POSIX paths ("" is the root).

export function basename(path: string): string {
  const trimmed = path.replace(/\/+$/, "");
  const i = trimmed.lastIndexOf("/");
  return i < 0 ? trimmed : trimmed.slice(i + 1);
}

export function dirname(path: string): string {
  const trimmed = path.replace(/\/+$/, "");
  const i = trimmed.lastIndexOf("/");
  return i < 0 ? "" : trimmed.slice(0, i);
}

export function joinPath(dir: string, name: string): string {
  const cleanName = name.replace(/^\/+/, "");
  if (!dir) return cleanName;
  return `${dir.replace(/\/+$/, "")}/${cleanName}`;
}

export function extname(path: string): string {
  const name = basename(path);
  const i = name.lastIndexOf(".");
  return i <= 0 ? "" : name.slice(i + 1).toLowerCase();
}

/** True when `path` is `ancestor` itself or lies below it. */
export function isSameOrDescendant(path: string, ancestor: string): boolean {
  if (ancestor === "") return true;
  return path === ancestor || path.startsWith(`${ancestor}/`);
}

/** Rewrites `path` when `from` was moved to `to` (for open tabs inside a renamed folder). */
export function rebasePath(path: string, from: string, to: string): string {
  if (path === from) return to;
  if (path.startsWith(`${from}/`)) return to + path.slice(from.length);
  return path;
}

/** Validates a single file or folder name typed by the user; returns an error or null. */
export function validateName(name: string): string | null {
  const trimmed = name.trim();
  if (!trimmed) return "A file or folder name must be provided.";
  if (trimmed === "." || trimmed === "..") return `The name "${trimmed}" is not valid.`;
  if (trimmed.includes("\0")) return "The name contains an invalid character.";
  if (trimmed.startsWith("/")) return "The name must be relative to the folder.";
  if (trimmed.split("/").some((p) => p === ".." || p === ".")) return "The name may not contain '.' or '..' segments.";
  return null;
}

/** The chain of directories above `path`, root first: "a/b/c.txt" → ["", "a", "a/b"]. */
export function ancestors(path: string): string[] {
  const parts = path.split("/").slice(0, -1);
  const out = [""];
  for (let i = 0; i < parts.length; i++) out.push(parts.slice(0, i + 1).join("/"));
  return out;
}
