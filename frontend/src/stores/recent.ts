// Recently opened files, newest first, for quick open with an empty query.
const KEY = "pairpad.recentFiles";
const MAX = 30;

export function pushRecent(list: string[], path: string, max = MAX): string[] {
  return [path, ...list.filter((p) => p !== path)].slice(0, max);
}

export function loadRecent(): string[] {
  try {
    const value: unknown = JSON.parse(globalThis.localStorage?.getItem(KEY) ?? "[]");
    return Array.isArray(value) ? (value as unknown[]).filter((v): v is string => typeof v === "string") : [];
  } catch {
    return [];
  }
}

export function rememberRecent(path: string): void {
  try {
    globalThis.localStorage?.setItem(KEY, JSON.stringify(pushRecent(loadRecent(), path)));
  } catch {
    // Storage unavailable: quick open simply shows no history.
  }
}

export function forgetRecent(path: string): void {
  try {
    globalThis.localStorage?.setItem(KEY, JSON.stringify(loadRecent().filter((p) => p !== path)));
  } catch {
    // ignore
  }
}
