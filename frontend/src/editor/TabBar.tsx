// The tab bar of a group: each tab labelled by its kind's descriptor (workbench registry).
import { useEffect, useRef } from "react";
import { useDecoration } from "../stores/decorations";
import type { EditorGroup, Tab } from "../stores/tabs";
import { useTabs } from "../stores/tabs";
import { CloseIcon, SplitIcon } from "../ui/icons";
import { formatKeybinding } from "../ui/keybindings";
import { basename, dirname } from "../util/paths";
import { useRegistry, type TabInfo, type TabKindDescriptor } from "../workbench/registry";
import { closeTab } from "./actions";
import { FILE_TAB } from "./tabKinds";

const unknownKind = (tab: Tab): TabInfo => ({ title: tab.kind, icon: null });

/** Directory hints for tabs whose names collide within a group. */
function tabDescriptions(tabs: Tab[]): Map<string, string> {
  const byName = new Map<string, Tab[]>();
  for (const t of tabs) {
    if (t.kind !== FILE_TAB) continue;
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
    barRef.current
      ?.querySelector<HTMLElement>('[aria-selected="true"]')
      ?.scrollIntoView({ block: "nearest", inline: "nearest" });
  }, [group.activeTabId]);

  return (
    <div className="tab-bar" role="tablist" aria-label="Open editors" ref={barRef}>
      {group.tabs.map((tab) => (
        <TabItem key={tab.id} tab={tab} group={group} focused={focused} description={descriptions.get(tab.id)} />
      ))}
      <div className="tab-actions">
        <button
          type="button"
          className="icon-button"
          aria-label="Split Editor Right"
          title={`Split Editor Right (${formatKeybinding("Mod+\\")})`}
          onClick={split}
        >
          <SplitIcon />
        </button>
      </div>
    </div>
  );
}

function TabItem({
  tab,
  group,
  description,
}: {
  tab: Tab;
  group: EditorGroup;
  focused: boolean;
  description?: string;
}) {
  const descriptor: TabKindDescriptor | undefined = useRegistry().tabKindOf(tab.kind);
  // The kind of a mounted tab never changes (its id, the React key, contains the kind), so
  // each TabItem always calls the same hook.
  const useInfo = descriptor?.useInfo ?? unknownKind;
  const { title, icon, tooltip, path, dirty = false, deleted = false } = useInfo(tab);
  // Source control's colour and letter (M, U …) on file tabs, as in the explorer.
  const decoration = useDecoration(tab.kind === FILE_TAB ? path : undefined);
  const deco = decoration && decoration.kind !== "ignored" && decoration.letter ? decoration : undefined;
  const active = group.activeTabId === tab.id;
  const activate = () => {
    useTabs.getState().activate(group.id, tab.id);
    descriptor?.onActivate?.(group.id, tab);
  };
  return (
    <div
      role="tab"
      tabIndex={active ? 0 : -1}
      aria-selected={active}
      aria-label={`${title}${dirty ? ", unsaved changes" : ""}${tab.preview ? ", preview" : ""}`}
      title={tooltip ?? title}
      data-path={path}
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
          setTimeout(
            () =>
              document
                .querySelector<HTMLElement>(
                  `.editor-group[data-group="${group.id}"] [role="tab"][aria-selected="true"]`,
                )
                ?.focus(),
            0,
          );
        } else if (e.key === "Delete") void closeTab(group.id, tab.id);
        else return;
        e.preventDefault();
      }}
    >
      {icon}
      <span className={`label${deco ? ` deco-${deco.kind}` : ""}`}>{title}</span>
      {description && <span className="desc">{description}</span>}
      {deco && (
        <span className={`tab-deco deco-${deco.kind}`} title={deco.tooltip}>
          {deco.letter}
        </span>
      )}
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
