// Editor-level actions shared by commands, the explorer, search and the editor API.
import { create } from "zustand";
import { filesApi } from "../api/endpoints";
import { ApiError } from "../api/http";
import { showDialog } from "../stores/dialogs";
import { notifyError } from "../stores/notifications";
import { openFilePaths, tabId, useTabs } from "../stores/tabs";
import { currentSettings } from "../stores/settings";
import { basename } from "../util/paths";
import { rememberRecent } from "../stores/recent";
import {
  discardBuffer,
  ensureBuffer,
  getBuffer,
  getModel,
  releaseBuffer,
  replaceModelText,
  saveBuffer,
  useBuffers,
} from "./buffers";
import { getActiveCodeEditor, getGroupEditor, requestReveal, takeReveal } from "./editorRegistry";

export interface OpenFileOptions {
  preview?: boolean;
  line?: number;
  column?: number;
  /** With `line` and `column`: select up to this column (a search match). */
  endColumn?: number;
  groupId?: string;
  focus?: boolean;
}

export function openFile(path: string, options: OpenFileOptions = {}): void {
  const tabs = useTabs.getState();
  rememberRecent(path);
  const before = openFilePaths(tabs);
  tabs.open({ kind: "file", path }, { preview: options.preview ?? false, groupId: options.groupId });
  // A new preview replaces the old one: free the buffer nobody shows any more.
  releaseUnused([...before]);
  const groupId = useTabs.getState().activeGroupId;
  if (options.line) requestReveal(groupId, path, options.line, options.column ?? 1, options.endColumn);
  void ensureBuffer(path).then(() => {
    // If the editor already shows this file, the mount effect will not run again: reveal now.
    const editor = getGroupEditor(groupId);
    const model = getModel(path);
    if (editor && model && editor.getModel() === model) {
      const reveal = takeReveal(groupId, path);
      if (reveal) revealPosition(editor, reveal.line, reveal.column, reveal.endColumn);
      if (options.focus !== false) editor.focus();
    }
  });
}

export function revealPosition(
  editor: import("monaco-editor").editor.ICodeEditor,
  line: number,
  column: number,
  endColumn?: number,
): void {
  if (endColumn && endColumn > column) {
    editor.setSelection({ startLineNumber: line, startColumn: column, endLineNumber: line, endColumn });
  } else editor.setPosition({ lineNumber: line, column });
  editor.revealLineInCenter(line);
}

/** Releases buffers no tab shows any more (never a dirty one: that needs the user's choice). */
function releaseUnused(paths: string[]): void {
  const open = openFilePaths(useTabs.getState());
  for (const path of paths) {
    if (open.has(path)) continue;
    const buffer = getBuffer(path);
    if (buffer && !buffer.dirty) releaseBuffer(path);
  }
}

/** Closes a tab, asking first when it would drop unsaved changes. Resolves false if cancelled. */
export async function closeTab(groupId: string, id: string): Promise<boolean> {
  const state = useTabs.getState();
  const group = state.groups.find((g) => g.id === groupId);
  const tab = group?.tabs.find((t) => t.id === id);
  if (!group || !tab) return true;
  if (tab.kind === "proposal") resolveProposal(tab.path, "rejected");
  if (tab.kind === "file") {
    const buffer = getBuffer(tab.path);
    const shownElsewhere = state.groups.some(
      (g) => g.id !== groupId && g.tabs.some((t) => t.kind === "file" && t.path === tab.path),
    );
    if (buffer?.dirty && !shownElsewhere) {
      const choice = await showDialog({
        title: "Unsaved changes",
        message: `Do you want to save the changes you made to ${basename(tab.path)}?`,
        detail: "Your changes will be lost if you don't save them.",
        buttons: [
          { id: "save", label: "Save", primary: true },
          { id: "discard", label: "Don't Save" },
          { id: "cancel", label: "Cancel" },
        ],
        cancelId: "cancel",
      });
      if (choice === "cancel") return false;
      if (choice === "save") {
        const saved = await saveBuffer(tab.path);
        if (!saved) return false;
      }
      useTabs.getState().close(groupId, id);
      if (choice === "discard") await discardBuffer(tab.path);
      releaseUnused([tab.path]);
      return true;
    }
  }
  useTabs.getState().close(groupId, id);
  if (tab.kind === "file") releaseUnused([tab.path]);
  return true;
}

export async function closeActiveTab(): Promise<void> {
  const state = useTabs.getState();
  const group = state.groups.find((g) => g.id === state.activeGroupId);
  if (group?.activeTabId) await closeTab(group.id, group.activeTabId);
}

/** Closes every tab of a path without asking (the file was deleted through the explorer). */
export function closeFileTabs(path: string): void {
  useTabs.getState().closePath(path);
  releaseBuffer(path);
}

export async function saveActive(): Promise<void> {
  const state = useTabs.getState();
  const group = state.groups.find((g) => g.id === state.activeGroupId);
  const tab = group?.tabs.find((t) => t.id === group.activeTabId);
  if (!tab || (tab.kind !== "file" && tab.kind !== "diff")) return;
  if (currentSettings()["editor.formatOnSave"]) {
    const editor = getActiveCodeEditor();
    const action = editor?.getAction("editor.action.formatDocument");
    if (action?.isSupported()) {
      try {
        await action.run();
      } catch {
        // No formatter for this language: save as is.
      }
    }
  }
  useTabs.getState().pinPath(tab.path);
  await saveBuffer(tab.path);
}

export async function saveAll(): Promise<void> {
  await Promise.all(
    Object.values(useBuffers.getState().buffers)
      .filter((b) => b.dirty)
      .map((b) => saveBuffer(b.path)),
  );
}

/** Compare: a diff of the disk version (left) against the buffer (right, editable). */
export function openCompare(path: string): void {
  useTabs.getState().open({ kind: "diff", path });
}

// ---- proposals: a diff the user accepts or rejects (used by chat and the agent) ----

export interface Proposal {
  id: string;
  path: string;
  proposed: string;
  /** True when the file does not exist yet. */
  isNew: boolean;
}

type ProposalResult = "accepted" | "rejected";

export const useProposals = create<{ proposals: Record<string, Proposal> }>(() => ({ proposals: {} }));
const proposalResolvers = new Map<string, (r: ProposalResult) => void>();
let proposalCounter = 0;

export async function openProposal(path: string, proposed: string): Promise<ProposalResult> {
  let isNew = false;
  try {
    await ensureBuffer(path);
    const buffer = getBuffer(path);
    if (buffer?.status === "error") {
      if (buffer.errorStatus === 404) {
        isNew = true;
        releaseBuffer(path);
      } else {
        throw new ApiError(buffer.errorStatus ?? 0, buffer.error ?? "Cannot open the file", null);
      }
    }
  } catch (err) {
    notifyError(`Cannot show changes for ${path}`, err);
    return "rejected";
  }
  const id = `p${++proposalCounter}`;
  useProposals.setState((s) => ({ proposals: { ...s.proposals, [id]: { id, path, proposed, isNew } } }));
  useTabs.getState().open({ kind: "proposal", path: id });
  return new Promise<ProposalResult>((resolve) => proposalResolvers.set(id, resolve));
}

function resolveProposal(id: string, result: ProposalResult): void {
  proposalResolvers.get(id)?.(result);
  proposalResolvers.delete(id);
  useProposals.setState((s) => {
    const next = { ...s.proposals };
    delete next[id];
    return { proposals: next };
  });
}

/** Accept: the proposal goes into the buffer as one undoable edit; the user saves as usual. */
export async function acceptProposal(id: string, finalText: string): Promise<void> {
  const proposal = useProposals.getState().proposals[id];
  if (!proposal) return;
  if (proposal.isNew) {
    try {
      await filesApi.write(proposal.path, finalText, null);
    } catch (err) {
      notifyError(`Could not create ${proposal.path}`, err);
      return;
    }
  } else {
    await ensureBuffer(proposal.path);
    const model = getModel(proposal.path);
    if (!model) return;
    replaceModelText(model, finalText);
  }
  resolveProposal(id, "accepted");
  closeProposalTabs(id);
  openFile(proposal.path);
}

export function rejectProposal(id: string): void {
  resolveProposal(id, "rejected");
  closeProposalTabs(id);
}

function closeProposalTabs(id: string): void {
  const tabs = useTabs.getState();
  for (const g of tabs.groups) {
    const tid = tabId({ kind: "proposal", path: id });
    if (g.tabs.some((t) => t.id === tid)) useTabs.getState().close(g.id, tid);
  }
}
