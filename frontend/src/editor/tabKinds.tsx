// The editor's tab kinds: a file, a compare (disk against the buffer), a proposed change.
import type { Tab } from "../stores/tabs";
import { FileIcon } from "../ui/fileIcons";
import { basename } from "../util/paths";
import type { TabInfo, TabKindDescriptor } from "../workbench/registry";
import { useProposals } from "./actions";
import { useBuffers } from "./buffers";
import { CompareTab } from "./CompareTab";
import { getGroupEditor } from "./editorRegistry";
import { FileView } from "./FileView";
import { ProposalTab } from "./ProposalTab";

export const FILE_TAB = "file";

function useFileInfo(tab: Tab): TabInfo {
  const dirty = useBuffers((s) => s.buffers[tab.path]?.dirty ?? false);
  const deleted = useBuffers((s) => s.buffers[tab.path]?.conflict?.reason === "deleted");
  return {
    title: basename(tab.path),
    icon: <FileIcon path={tab.path} />,
    tooltip: tab.path,
    path: tab.path,
    dirty,
    deleted,
  };
}

function useProposalInfo(tab: Tab): TabInfo {
  const path = useProposals((s) => s.proposals[tab.path]?.path) ?? "";
  return { title: `${basename(path)} (Proposed)`, icon: <FileIcon path={path} /> };
}

export const editorTabKinds: TabKindDescriptor[] = [
  {
    kind: FILE_TAB,
    component: FileView,
    useInfo: useFileInfo,
    fileBacked: true,
    persistent: true,
    onActivate: (groupId) => setTimeout(() => getGroupEditor(groupId)?.focus(), 0),
  },
  {
    kind: "diff",
    component: ({ groupId, tab }) => <CompareTab groupId={groupId} tabId={tab.id} path={tab.path} />,
    useInfo: (tab) => ({ title: `${basename(tab.path)} (Compare)`, icon: <FileIcon path={tab.path} /> }),
    remountPerTab: true,
    fileBacked: true,
  },
  {
    kind: "proposal",
    component: ({ tab }) => <ProposalTab id={tab.path} />,
    useInfo: useProposalInfo,
    remountPerTab: true,
  },
];
