// Status bar items about the focused file: cursor, indentation, encoding, line endings, language.
import { activeTab, useTabs } from "../stores/tabs";
import { useSettings } from "../stores/settings";
import { useStatus } from "../stores/status";
import { executeCommand } from "../workbench/commands";
import { useBuffers } from "./buffers";
import { encodingLabel } from "./eol";
import { FILE_TAB } from "./tabKinds";

const LANGUAGE_NAMES: Record<string, string> = {
  typescript: "TypeScript",
  javascript: "JavaScript",
  python: "Python",
  json: "JSON",
  markdown: "Markdown",
  html: "HTML",
  css: "CSS",
  plaintext: "Plain Text",
  shell: "Shell Script",
  yaml: "YAML",
  rust: "Rust",
  go: "Go",
  java: "Java",
  cpp: "C++",
  c: "C",
  ini: "Ini",
  xml: "XML",
  sql: "SQL",
  dockerfile: "Dockerfile",
};

function languageName(id: string): string {
  return LANGUAGE_NAMES[id] ?? id.charAt(0).toUpperCase() + id.slice(1);
}

export function EditorStatusItems() {
  const tab = useTabs((s) => activeTab(s).tab);
  const path = tab?.kind === FILE_TAB ? tab.path : null;
  const buffer = useBuffers((s) => (path ? s.buffers[path] : undefined));
  const { line, column, selected } = useStatus();
  const settings = useSettings();
  if (buffer?.status !== "ready") return null;
  return (
    <>
      <button
        type="button"
        className="status-item"
        title="Go to Line/Column"
        onClick={() => void executeCommand("workbench.action.gotoLine")}
        data-testid="status-position"
      >
        Ln {line}, Col {column}
        {selected > 0 ? ` (${selected} selected)` : ""}
      </button>
      <span className="status-item">Spaces: {settings["editor.tabSize"]}</span>
      <span className="status-item" data-testid="status-encoding" title={`Encoding: ${buffer.encoding}`}>
        {encodingLabel(buffer.encoding)}
      </span>
      <span className="status-item" data-testid="status-eol">
        {buffer.eol}
      </span>
      <span className="status-item" data-testid="status-language">
        {languageName(buffer.language)}
      </span>
    </>
  );
}
