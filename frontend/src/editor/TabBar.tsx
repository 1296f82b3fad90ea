import { useEffect, useRef } from "react";
import { CloseIcon, SplitIcon } from "../ui/icons";
import { FileIcon } from "../ui/fileIcons";
import { formatKeybinding } from "../ui/keybindings";
import type { EditorGroup, Tab } from "../stores/tabs";
import { useTabs } from "../stores/tabs";
import { basename, dirname } from "../util/paths";
import { closeTab } from "./actions";
import { useBuffers } from "./buffers";
import { getGroupEditor } from "./editorRegistry";
import { useProposals } from "./actions";
import { GearIcon } from "../ui/icons";

function tabTitle(tab: Tab, proposalPath?: string): string {
  switch (tab.kind) {
    case "settings":
      return "Settings";
    case "diff":
      return `${basename(tab.path)} (Compare)`;
    case "proposal":
      return `${basename(proposalPath ?? "")} (Proposed)`;
    default:
      return basename(tab.path);
  }
}

/** Directory hints for tabs whose names collide within a group. */
function tabDescriptions(tabs: Tab[]): Map<string, string> {
  const byName = new Map<string, Tab[]>();
  for (const t of tabs) {
    if (t.kind !== "file") continue;
    const name = basename(t.path);
    byName.set(name, [...(byName.get(name) ?? []), t]);
  }
  const out = new Map<string, string>();
  for (const group of byName.values()) {
    if (group.length < 2) continue;
    for (const t of group) out.set(t.id, dirname(t.path) || "./");
  }
  return out;
}

export function TabBar({ group, focused }: { group: EditorGroup; focused: boolean }) {
  const descriptions = tabDescriptions(group.tabs);
  const split = useTabs((s) => s.split);
  const barRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    barRef.current?.querySelector<HTMLElement>('[aria-selected="true"]')?.scrollIntoView({ block: "nearest", inline: "nearest" });
  }, [group.activeTabId]);

  return (
    <div className="tab-bar" role="tablist" aria-label="Open editors" ref={barRef}>
      {group.tabs.map((tab) => (
        <TabItem key={tab.id} tab={tab} group={group} focused={focused} description={descriptions.get(tab.id)} />
      ))}
      <div className="tab-actions">
        <button type="button" className="icon-button" aria-label="Split Editor Right" title={`Split Editor Right (${formatKeybinding("Mod+\\")})`} onClick={split}>
          <SplitIcon />
        </button>
      </div>
    </div>
  );
}

function TabItem({ tab, group, description }: { tab: Tab; group: EditorGroup; focused: boolean; description?: string }) {
  const dirty = useBuffers((s) => (tab.kind === "file" ? (s.buffers[tab.path]?.dirty ?? false) : false));
  const deleted = useBuffers((s) => (tab.kind === "file" ? s.buffers[tab.path]?.conflict?.reason === "deleted" : false));
  const proposalPath = useProposals((s) => (tab.kind === "proposal" ? s.proposals[tab.path]?.path : undefined));
  const active = group.activeTabId === tab.id;
  const title = tabTitle(tab, proposalPath);
  const activate = () => {
    useTabs.getState().activate(group.id, tab.id);
    if (tab.kind === "file") setTimeout(() => getGroupEditor(group.id)?.focus(), 0);
  };
  return (
    <div
      role="tab"
      tabIndex={active ? 0 : -1}
      aria-selected={active}
      aria-label={`${title}${dirty ? ", unsaved changes" : ""}${tab.preview ? ", preview" : ""}`}
      title={tab.kind === "file" ? tab.path : title}
      data-path={tab.kind === "file" ? tab.path : undefined}
      data-kind={tab.kind}
      className={`tab${active ? " active" : ""}${tab.preview ? " preview" : ""}${dirty ? " dirty" : ""}${deleted ? " deleted" : ""}`}
      onClick={activate}
      onDoubleClick={() => useTabs.getState().pin(group.id, tab.id)}
      onMouseDown={(e) => {
        if (e.button === 1) {
          e.preventDefault();
          void closeTab(group.id, tab.id);
        }
      }}
      onKeyDown={(e) => {
        const tabs = group.tabs;
        const i = tabs.findIndex((t) => t.id === tab.id);
        if (e.key === "Enter" || e.key === " ") activate();
        else if (e.key === "ArrowRight" || e.key === "ArrowLeft") {
          const next = tabs[(i + (e.key === "ArrowRight" ? 1 : tabs.length - 1)) % tabs.length];
          useTabs.getState().activate(group.id, next.id);
          setTimeout(() => document.querySelector<HTMLElement>(`.editor-group[data-group="${group.id}"] [role="tab"][aria-selected="true"]`)?.focus(), 0);
        } else if (e.key === "Delete") void closeTab(group.id, tab.id);
        else return;
        e.preventDefault();
      }}
    >
      {tab.kind === "settings" ? <GearIcon /> : <FileIcon path={tab.kind === "proposal" ? (proposalPath ?? "") : tab.path} />}
      <span className="label">{title}</span>
      {description && <span className="desc">{description}</span>}
      <button
        type="button"
        className="tab-close"
        tabIndex={-1}
        aria-label={`Close ${title}`}
        title="Close"
        onClick={(e) => {
          e.stopPropagation();
          void closeTab(group.id, tab.id);
        }}
      >
        <span className="dot" />
        <CloseIcon className="x" size={14} />
      </button>
    </div>
  );
}
