import { ChatPanel } from "../chat/ChatPanel";
import { Explorer } from "../explorer/Explorer";
import { SearchPanel } from "../search/SearchPanel";
import { useLayout } from "../stores/layout";

export function SidePanel() {
  const view = useLayout((s) => s.sideView);
  const width = useLayout((s) => s.sideWidth);
  return (
    <aside className="side-panel" style={{ width }} aria-label="Side bar">
      {/* Views stay mounted so the search query and tree state survive switching. */}
      <div hidden={view !== "explorer"} style={{ height: "100%" }}>
        <Explorer />
      </div>
      <div hidden={view !== "search"} style={{ height: "100%" }}>
        <SearchPanel />
      </div>
      <div hidden={view !== "chat"} style={{ height: "100%", display: view === "chat" ? "flex" : undefined, flexDirection: "column" }}>
        <div className="view-header">
          <span className="title">Chat</span>
        </div>
        <div className="view-body">
          <ChatPanel />
        </div>
      </div>
    </aside>
  );
}
