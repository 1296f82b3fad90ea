// The front end's import rules (docs/architecture.md, front end): a feature folder imports the
// base folders and the editor's public API, never another feature; the base folders import
// only the folders below them; app/ (the composition root) may import anything.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = resolve(import.meta.dirname, "..");

/** Base folders, lowest first: each may import the ones before it (and itself). */
export const BASE_LAYERS = ["util", "api", "ui", "stores", "workbench"];
/** Feature folders: views, tabs, providers, commands, keybindings, each with an install.ts. */
export const FEATURES = [
  "editor",
  "explorer",
  "search",
  "chat",
  "palette",
  "symbols",
  "settings",
  "inlineEdit",
  "completion",
  "terminal",
  "problems",
  "tasks",
  "review",
  "agent",
  "scm",
  "lsp",
];
/** The team pages (team.html, team mode): a page of their own, on the base folders only. */
export const TEAM_PAGES = "team";
/** Modules of a feature other features may import: its public API. */
export const PUBLIC_APIS = ["editor/editorApi", "review/reviewApi"];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

/** The relative imports of a file, as paths from src/ without extension ("editor/editorApi"). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const specs = [
    ...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;]*?from\s+"(\.[^"]+)"|(?:^|\n)\s*import\s+"(\.[^"]+)"/g),
  ];
  return specs.map((m) => relative(SRC, resolve(dirname(file), m[1] ?? m[2])).replace(/\.(css|tsx?)$/, ""));
}

const folderOf = (path: string) => path.split("/")[0];

/** Why `from` (a path under src/) may not import `target`, or null when it may. */
export function violation(from: string, target: string): string | null {
  const source = folderOf(from);
  const dest = folderOf(target);
  // app/ and main.tsx compose everything.
  if (source === dest || source === "app" || source === "main" || !target.includes("/")) return null;
  if (dest === "styles") return null;
  if (dest === "app") return `${from} imports app/ (${target}): only main.tsx does`;
  if (dest === TEAM_PAGES) return `${from} imports the team pages (${target}): nothing does`;
  if (source === TEAM_PAGES && !BASE_LAYERS.includes(dest))
    return `${from} (team pages) imports ${target}: they use the base folders only`;
  if (FEATURES.includes(dest)) {
    if (BASE_LAYERS.includes(source)) return `${from} (base) imports the feature ${target}`;
    if (!PUBLIC_APIS.includes(target))
      return `${from} imports ${target}: another feature's internals (public: ${PUBLIC_APIS.join(", ")})`;
    return null;
  }
  if (BASE_LAYERS.includes(source) && BASE_LAYERS.indexOf(dest) > BASE_LAYERS.indexOf(source)) {
    return `${from} imports ${target}: ${source}/ is below ${dest}/`;
  }
  return null;
}

describe("import boundaries", () => {
  it("knows every folder of src/", () => {
    const folders = readdirSync(SRC).filter((name) => statSync(join(SRC, name)).isDirectory());
    expect(folders.filter((f) => ![...BASE_LAYERS, ...FEATURES, "app", "styles", TEAM_PAGES].includes(f))).toEqual([]);
  });

  it("every feature folder has an install.ts", () => {
    for (const feature of FEATURES) expect(statSync(join(SRC, feature, "install.ts")).isFile(), feature).toBe(true);
  });

  it("no feature imports another feature's internals; no base folder imports upwards", () => {
    const found: string[] = [];
    for (const file of sourceFiles(SRC)) {
      const from = relative(SRC, file).replace(/\.tsx?$/, "");
      for (const target of importsOf(file)) {
        const problem = violation(from, target);
        if (problem) found.push(problem);
      }
    }
    expect(found).toEqual([]);
  });

  it("the rule catches a cross-feature import and an upward one", () => {
    expect(violation("search/SearchPanel", "explorer/fileOps")).toMatch(/another feature's internals/);
    expect(violation("chat/ChatPanel", "editor/buffers")).toMatch(/another feature's internals/);
    expect(violation("chat/ChatPanel", "editor/editorApi")).toBeNull();
    expect(violation("stores/tabs", "workbench/registry")).toMatch(/stores\/ is below workbench\//);
    expect(violation("ui/icons", "editor/editorApi")).toMatch(/\(base\) imports the feature/);
    expect(violation("settings/models/ModelStatusItem", "settings/section")).toBeNull();
    expect(violation("app/App", "symbols/install")).toBeNull();
    expect(violation("team/pages/Home", "api/http")).toBeNull();
    expect(violation("team/pages/Home", "editor/editorApi")).toMatch(/base folders only/);
    expect(violation("chat/ChatPanel", "team/api")).toMatch(/nothing does/);
  });
});
