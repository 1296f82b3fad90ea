// The settings editor: each change is applied at once and persisted through PUT /api/settings.
import { useEffect, useState } from "react";
import type { ThemeSetting } from "../api/types";
import { CompletionSettings } from "./CompletionSettings";
import { ModelsSettings } from "./models/ModelsSettings";
import { showSettingsSection, useSettingsSection, type SettingsSection } from "./section";
import { updateSettings, useSettings } from "../stores/settings";

interface NumberSpec {
  key: "editor.fontSize" | "editor.tabSize";
  title: string;
  description: string;
  min: number;
  max: number;
}

const NUMBERS: NumberSpec[] = [
  { key: "editor.fontSize", title: "Font Size", description: "Controls the font size in pixels.", min: 8, max: 40 },
  { key: "editor.tabSize", title: "Tab Size", description: "The number of spaces a tab is equal to.", min: 1, max: 8 },
];

const BOOLEANS: {
  key: "editor.wordWrap" | "editor.minimap" | "editor.formatOnSave";
  title: string;
  description: string;
}[] = [
  { key: "editor.wordWrap", title: "Word Wrap", description: "Wrap lines at the viewport width (Alt+Z toggles it)." },
  { key: "editor.minimap", title: "Minimap", description: "Show the minimap beside the editor." },
  {
    key: "editor.formatOnSave",
    title: "Format On Save",
    description: "Format a file with the language's formatter when saving it.",
  },
];

const SECTIONS: { id: SettingsSection; label: string }[] = [
  { id: "editor", label: "Workbench & Editor" },
  { id: "models", label: "AI / Models" },
  { id: "completion", label: "Inline Completion" },
];

export function SettingsPage() {
  const section = useSettingsSection((s) => s.section);
  return (
    <div className="settings-page" role="region" aria-label="Settings">
      <h1>Settings</h1>
      <div className="settings-layout">
        <nav className="settings-nav" aria-label="Settings sections">
          {SECTIONS.map((s) => (
            <button
              key={s.id}
              type="button"
              aria-current={section === s.id ? "page" : undefined}
              onClick={() => showSettingsSection(s.id)}
            >
              {s.label}
            </button>
          ))}
        </nav>
        <div className="settings-body">
          {section === "models" ? (
            <ModelsSettings />
          ) : section === "completion" ? (
            <CompletionSettings />
          ) : (
            <EditorSettings />
          )}
        </div>
      </div>
    </div>
  );
}

function EditorSettings() {
  const settings = useSettings();
  return (
    <>
      <div className="subtitle">Saved for this user and applied immediately.</div>

      <h2>Workbench</h2>
      <div className="setting">
        <label htmlFor="setting-theme" className="setting-title">
          <span className="cat">Workbench: </span>Color Theme
        </label>
        <div className="setting-desc">Follow the operating system, or always use a dark or light theme.</div>
        <select
          id="setting-theme"
          value={settings["workbench.theme"]}
          onChange={(e) => void updateSettings({ "workbench.theme": e.target.value as ThemeSetting })}
        >
          <option value="system">System (follow OS)</option>
          <option value="dark">Dark</option>
          <option value="light">Light</option>
        </select>
      </div>

      <h2>Text Editor</h2>
      {NUMBERS.map((spec) => (
        <NumberSetting key={spec.key} spec={spec} value={settings[spec.key]} />
      ))}
      {BOOLEANS.map((spec) => (
        <div className="setting" key={spec.key}>
          <div className="setting-title">
            <span className="cat">Editor: </span>
            {spec.title}
          </div>
          <label className="check">
            <input
              type="checkbox"
              id={`setting-${spec.key}`}
              checked={settings[spec.key]}
              onChange={(e) => void updateSettings({ [spec.key]: e.target.checked })}
            />
            <span className="setting-desc" style={{ margin: 0 }}>
              {spec.description}
            </span>
          </label>
        </div>
      ))}

      <h2>AI</h2>
      <div className="setting">
        <div className="setting-title">
          <span className="cat">AI: </span>Models, providers and API keys
        </div>
        <div className="setting-desc">
          Which model does chat, completion and edits; OpenAI, Anthropic, Ollama or a local server.
        </div>
        <button type="button" className="btn" onClick={() => showSettingsSection("models")}>
          Open AI / Models settings
        </button>
      </div>
    </>
  );
}

function NumberSetting({ spec, value }: { spec: NumberSpec; value: number }) {
  const [text, setText] = useState(String(value));
  useEffect(() => setText(String(value)), [value]);
  const parsed = Number(text);
  const valid = text.trim() !== "" && Number.isInteger(parsed) && parsed >= spec.min && parsed <= spec.max;
  const commit = () => {
    if (valid && parsed !== value) void updateSettings({ [spec.key]: parsed });
  };
  const id = `setting-${spec.key}`;
  return (
    <div className="setting">
      <label htmlFor={id} className="setting-title">
        <span className="cat">Editor: </span>
        {spec.title}
      </label>
      <div className="setting-desc">{spec.description}</div>
      <input
        id={id}
        type="number"
        min={spec.min}
        max={spec.max}
        step={1}
        value={text}
        className={valid ? "" : "invalid"}
        aria-invalid={!valid}
        onChange={(e) => {
          setText(e.target.value);
          const n = Number(e.target.value);
          // Apply live as the user steps through values; typing "1" on the way to "16" waits.
          if (
            Number.isInteger(n) &&
            n >= spec.min &&
            n <= spec.max &&
            e.target.value.length >= String(spec.min).length
          ) {
            void updateSettings({ [spec.key]: n });
          }
        }}
        onBlur={commit}
        onKeyDown={(e) => e.key === "Enter" && commit()}
      />
      {!valid && (
        <div className="hint" role="alert">
          Enter a whole number from {spec.min} to {spec.max}.
        </div>
      )}
    </div>
  );
}
