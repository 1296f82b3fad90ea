import { useEffect } from "react";
import { SettingsPage } from "../settings/SettingsPage";
import type { EditorGroup } from "../stores/tabs";
import { useTabs } from "../stores/tabs";
import { Breadcrumbs } from "../symbols/Breadcrumbs";
import { CodeEditor } from "./CodeEditor";
import { CompareTab } from "./CompareTab";
import { ConflictBar } from "./ConflictBar";
import { ensureBuffer, useBuffers } from "./buffers";
import { ProposalTab } from "./ProposalTab";
import { TabBar } from "./TabBar";
import { Watermark } from "./Watermark";

export function EditorGroupView({ group }: { group: EditorGroup }) {
  const focused = useTabs((s) => s.activeGroupId === group.id);
  const tab = group.tabs.find((t) => t.id === group.activeTabId) ?? null;
  return (
    <section
      className={`editor-group${focused ? " focused" : " inactive"}`}
      data-group={group.id}
      aria-label="Editor group"
      onMouseDownCapture={() => {
        if (!focused) useTabs.getState().focusGroup(group.id);
      }}
    >
      {group.tabs.length > 0 && <TabBar group={group} focused={focused} />}
      {!tab && <Watermark />}
      {tab?.kind === "file" && <FileView groupId={group.id} path={tab.path} />}
      {tab?.kind === "settings" && <SettingsPage />}
      {tab?.kind === "diff" && <CompareTab key={tab.id} groupId={group.id} tabId={tab.id} path={tab.path} />}
      {tab?.kind === "proposal" && <ProposalTab key={tab.id} id={tab.path} />}
    </section>
  );
}

function FileView({ groupId, path }: { groupId: string; path: string }) {
  const buffer = useBuffers((s) => s.buffers[path]);
  const missing = buffer === undefined;
  useEffect(() => {
    void ensureBuffer(path);
  }, [path, missing]);
  return (
    <>
      {buffer?.conflict && <ConflictBar buffer={buffer} />}
      <Breadcrumbs path={path} />
      <div className="editor-host">
        <CodeEditor groupId={groupId} path={path} />
        {buffer?.status === "error" && (
          <div className="editor-message" role="alert" style={{ position: "absolute", inset: 0, background: "var(--bg)" }}>
            <strong>{path}</strong>
            <br />
            {buffer.error}
          </div>
        )}
        {buffer?.status === "loading" && <div className="visually-hidden">Loading {path}…</div>}
      </div>
    </>
  );
}
