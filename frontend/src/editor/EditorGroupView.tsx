// One editor group: its tab bar, then the active tab's body as its kind's descriptor renders it.
import { useTabs, type EditorGroup } from "../stores/tabs";
import { useRegistry } from "../workbench/registry";
import { TabBar } from "./TabBar";
import { Watermark } from "./Watermark";

export function EditorGroupView({ group }: { group: EditorGroup }) {
  const focused = useTabs((s) => s.activeGroupId === group.id);
  const tab = group.tabs.find((t) => t.id === group.activeTabId) ?? null;
  const registry = useRegistry();
  const descriptor = tab ? registry.tabKindOf(tab.kind) : undefined;
  const Body = descriptor?.component;
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
      {tab && Body && <Body key={descriptor.remountPerTab ? tab.id : tab.kind} groupId={group.id} tab={tab} />}
    </section>
  );
}
