// The body of a file tab: the conflict bar, the contributed headers (breadcrumbs), the editor.
import { useEffect } from "react";
import { useContributions, type TabViewProps } from "../workbench/registry";
import { ensureBuffer, useBuffers } from "./buffers";
import { CodeEditor } from "./CodeEditor";
import { ConflictBar } from "./ConflictBar";

export function FileView({ groupId, tab }: TabViewProps) {
  const path = tab.path;
  const buffer = useBuffers((s) => s.buffers[path]);
  const headers = useContributions("editorHeaders");
  const missing = buffer === undefined;
  useEffect(() => {
    void ensureBuffer(path);
  }, [path, missing]);
  return (
    <>
      {buffer?.conflict && <ConflictBar buffer={buffer} />}
      {headers.map(({ id, component: Header }) => (
        <Header key={id} path={path} />
      ))}
      <div className="editor-host">
        <CodeEditor groupId={groupId} path={path} />
        {buffer?.status === "error" && (
          <div
            className="editor-message"
            role="alert"
            style={{ position: "absolute", inset: 0, background: "var(--bg)" }}
          >
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
