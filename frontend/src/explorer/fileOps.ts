// Create / rename / move / delete through the files API, keeping tabs and buffers in step.
import { filesApi } from "../api/endpoints";
import { errorMessage } from "../api/http";
import { queryClient } from "../stores/queryClient";
import {
  backupPaths,
  closeFileTabs,
  dirtyPaths,
  discardBackups,
  loadedPaths,
  moveBuffers,
  openFile,
  whileSettling,
} from "../editor/editorApi";
import { showDialog } from "../stores/dialogs";
import { notifyError } from "../stores/notifications";
import { openFilePaths, useTabs } from "../stores/tabs";
import { basename, dirname, isSameOrDescendant, joinPath, rebasePath, validateName } from "../util/paths";
import { unsavedChangesWarning } from "./deleteWarning";
import { useExplorer } from "./explorerStore";

export const treeKey = (dir: string) => ["tree", dir] as const;

export function refreshDir(dir: string): Promise<void> {
  return queryClient.invalidateQueries({ queryKey: treeKey(dir) });
}

export function refreshAll(): Promise<void> {
  return queryClient.invalidateQueries({ queryKey: ["tree"] });
}

/** Returns an error message to show inline, or null on success. */
export async function createEntry(dir: string, name: string, kind: "file" | "folder"): Promise<string | null> {
  const invalid = validateName(name);
  if (invalid) return invalid;
  const path = joinPath(dir, name.trim());
  try {
    if (kind === "folder") await filesApi.mkdir(path);
    else await filesApi.write(path, "", null);
  } catch (err) {
    return errorMessage(err);
  }
  await refreshDir(dirname(path));
  useExplorer.getState().select(path);
  if (kind === "file") openFile(path);
  else useExplorer.getState().expand(path);
  return null;
}

export async function movePath(from: string, to: string): Promise<string | null> {
  if (from === to) return null;
  if (isSameOrDescendant(to, from)) return "A folder cannot be moved into itself.";
  return whileSettling(from, async () => {
    try {
      await filesApi.move(from, to);
    } catch (err) {
      return errorMessage(err);
    }
    moveBuffers(from, to);
    useTabs.getState().renamePath((p) => rebasePath(p, from, to));
    useExplorer.getState().moved(from, to);
    await Promise.all([refreshDir(dirname(from)), refreshDir(dirname(to))]);
    return null;
  });
}

export async function renameEntry(path: string, newName: string): Promise<string | null> {
  const invalid = validateName(newName);
  if (invalid) return invalid;
  if (newName.trim() === basename(path)) return null;
  return movePath(path, joinPath(dirname(path), newName.trim()));
}

export async function moveInto(from: string, targetDir: string): Promise<void> {
  if (dirname(from) === targetDir) return;
  const error = await movePath(from, joinPath(targetDir, basename(from)));
  if (error) notifyError(`Could not move ${basename(from)}`, new Error(error));
}

/** Open files under `path` whose edits are not on disk (loaded dirty buffers and hot-exit backups). */
async function unsavedUnder(path: string): Promise<string[]> {
  const unsaved = new Set(dirtyPaths().filter((p) => isSameOrDescendant(p, path)));
  try {
    for (const backup of await backupPaths()) {
      if (isSameOrDescendant(backup, path)) unsaved.add(backup);
    }
  } catch {
    // IndexedDB unavailable: the loaded buffers are all we know about.
  }
  return [...unsaved];
}

export async function deleteEntry(path: string, isDir: boolean): Promise<void> {
  const unsaved = await unsavedUnder(path);
  const warning = unsavedChangesWarning(unsaved);
  const choice = await showDialog({
    title: "Delete",
    message: isDir
      ? `Are you sure you want to delete the folder '${basename(path)}' and its contents?`
      : `Are you sure you want to delete '${basename(path)}'?`,
    detail: warning ? `${warning} This cannot be undone from Pairpad.` : "This cannot be undone from Pairpad.",
    buttons: [
      { id: "delete", label: "Delete", danger: true },
      { id: "cancel", label: "Cancel", primary: true },
    ],
    cancelId: "cancel",
  });
  if (choice !== "delete") return;
  await whileSettling(path, () => removeAndClose(path, unsaved));
}

async function removeAndClose(path: string, unsaved: string[]): Promise<void> {
  try {
    await filesApi.remove(path);
  } catch (err) {
    notifyError(`Could not delete ${basename(path)}`, err);
    return;
  }
  // Close the tabs in this tick, before anything (watcher events, language features)
  // asks the server about files that are gone. Only now, after the user confirmed, are
  // unsaved edits and their hot-exit backups discarded.
  const loaded = loadedPaths();
  const gone = new Set(
    [...loaded, ...openFilePaths(useTabs.getState()), ...unsaved].filter((p) => isSameOrDescendant(p, path)),
  );
  for (const p of gone) closeFileTabs(p);
  await discardBackups([...gone]);
  useExplorer.getState().removed(path);
  await refreshDir(dirname(path));
}
