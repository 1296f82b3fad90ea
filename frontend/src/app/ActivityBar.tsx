import { useLayout, type SideView } from "../stores/layout";
import { formatKeybinding } from "../ui/keybindings";
import { openSettings } from "../settings/openSettings";
import { ChatIcon, FilesIcon, GearIcon, SearchIcon } from "../ui/icons";

const VIEWS: { id: SideView; label: string; keys: string; icon: React.ReactNode }[] = [
  { id: "explorer", label: "Explorer", keys: "Mod+Shift+E", icon: <FilesIcon size={24} strokeWidth={1.1} /> },
  { id: "search", label: "Search", keys: "Mod+Shift+F", icon: <SearchIcon size={24} strokeWidth={1.1} /> },
  { id: "chat", label: "Chat", keys: "Mod+Alt+I", icon: <ChatIcon size={24} strokeWidth={1.1} /> },
];

export function ActivityBar() {
  const sideView = useLayout((s) => s.sideView);
  const sideVisible = useLayout((s) => s.sideVisible);
  const toggle = useLayout((s) => s.toggleSideView);
  return (
    <nav className="activity-bar" aria-label="Views">
      {VIEWS.map((v) => (
        <button
          key={v.id}
          type="button"
          className="activity-button"
          aria-label={`${v.label} (${formatKeybinding(v.keys)})`}
          title={`${v.label} (${formatKeybinding(v.keys)})`}
          aria-pressed={sideVisible && sideView === v.id}
          onClick={() => (v.id === "search" && !(sideVisible && sideView === "search") ? useLayout.getState().focusSearch() : toggle(v.id))}
        >
          {v.icon}
        </button>
      ))}
      <div className="spacer" />
      <button type="button" className="activity-button" aria-label="Settings (Ctrl+,)" title={`Settings (${formatKeybinding("Mod+,")})`} onClick={openSettings}>
        <GearIcon size={24} strokeWidth={1.1} />
      </button>
    </nav>
  );
}
