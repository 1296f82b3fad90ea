// The preview of a WorkspaceEdit (a rename) the user confirms before it is applied: the files
// it changes and each changed line before and after.
import { create } from "zustand";
import { filesApi } from "../api/endpoints";
import { errorMessage } from "../api/http";
import { hasUnsavedEdits, loadedModel } from "../editor/editorApi";
import { previewLines, workspaceEditFiles, type PreviewLine } from "./convert";
import type { WorkspaceEdit } from "./protocol";

export interface PreviewFile {
  path: string;
  edits: number;
  lines: PreviewLine[];
  /** Edited in its buffer (it has unsaved edits), not on disk. */
  unsaved: boolean;
  /** Why its lines cannot be shown (the edit itself is still applied). */
  error?: string;
}

interface PreviewRequest {
  title: string;
  files: PreviewFile[];
  resolve: (apply: boolean) => void;
}

export const useEditPreview = create<{ current: PreviewRequest | null }>(() => ({ current: null }));

/** Each file of the edit with its changed lines (the buffer's text when loaded, else the disk's). */
export async function previewFiles(edit: WorkspaceEdit): Promise<PreviewFile[]> {
  return Promise.all(
    workspaceEditFiles(edit).map(async ({ path, edits }): Promise<PreviewFile> => {
      const base = { path, edits: edits.length, unsaved: hasUnsavedEdits(path) };
      try {
        const text = loadedModel(path)?.getValue() ?? (await filesApi.read(path)).content;
        return { ...base, lines: previewLines(text, edits) };
      } catch (err) {
        return { ...base, lines: [], error: errorMessage(err) };
      }
    }),
  );
}

/** Shows the preview; resolves true when the user chose Apply. */
export function confirmEdit(title: string, files: PreviewFile[]): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    useEditPreview.getState().current?.resolve(false);
    useEditPreview.setState({
      current: {
        title,
        files,
        resolve: (apply) => {
          useEditPreview.setState({ current: null });
          resolve(apply);
        },
      },
    });
  });
}
