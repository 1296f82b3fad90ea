// Compare: what is on disk (left, read-only) against the unsaved buffer (right, editable).
import { useEffect, useState } from "react";
import { filesApi } from "../api/endpoints";
import { ApiError, errorMessage } from "../api/http";
import { basename } from "../util/paths";
import { closeTab } from "./actions";
import { ensureBuffer, getModel, overwriteBuffer, revertBuffer, useBuffers } from "./buffers";
import { DiffView } from "./DiffView";
import { disposeModel } from "./diffRegistry";
import { monaco } from "./monacoSetup";

export function CompareTab({ groupId, tabId, path }: { groupId: string; tabId: string; path: string }) {
  const ready = useBuffers((s) => s.buffers[path]?.status === "ready");
  const diskEtag = useBuffers((s) => s.buffers[path]?.conflict?.diskEtag ?? null);
  const diskContent = useBuffers((s) => s.buffers[path]?.conflict?.diskContent ?? null);
  const [disk, setDisk] = useState<monaco.editor.ITextModel | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    void ensureBuffer(path);
  }, [path]);

  useEffect(() => {
    if (!ready) return;
    let model: monaco.editor.ITextModel | null = null;
    let cancelled = false;
    const buffer = getModel(path);
    const show = (text: string) => {
      model = monaco.editor.createModel(
        text,
        buffer?.getLanguageId(),
        monaco.Uri.from({ scheme: "pairpad-disk", path: `/${path}`, query: String(Date.now()) }),
      );
      setDisk(model);
    };
    if (diskContent !== null) {
      // The disk version the conflict bar is about: Overwrite replaces exactly this one.
      show(diskContent);
    } else {
      filesApi.read(path).then(
        (file) => {
          if (!cancelled) show(file.content);
        },
        (err) => {
          if (cancelled) return;
          if (err instanceof ApiError && err.status === 404) show("");
          else setError(errorMessage(err));
        },
      );
    }
    return () => {
      cancelled = true;
      setDisk(null);
      if (model) disposeModel(model);
    };
  }, [path, ready, diskEtag, diskContent]);

  const modified = ready ? getModel(path) : undefined;
  const finish = async (action: () => Promise<boolean>) => {
    if (await action()) await closeTab(groupId, tabId);
  };
  return (
    <>
      <div className="diff-header">
        <span className="title">
          <strong>{basename(path)}</strong> — on disk (left) ↔ your unsaved version (right, editable)
        </span>
        <button type="button" className="btn primary" onClick={() => void finish(() => overwriteBuffer(path))}>
          Keep Mine (Overwrite)
        </button>
        <button type="button" className="btn" onClick={() => void finish(() => revertBuffer(path))}>
          Take Disk (Revert)
        </button>
      </div>
      <div className="editor-host">
        {error && <div className="editor-message">{error}</div>}
        {disk && modified && <DiffView original={disk} modified={modified} />}
      </div>
    </>
  );
}
