// The activity bar: one button per contributed side view (either side bar), then Settings.
import { useLayout } from "../stores/layout";
import { GearIcon } from "../ui/icons";
import { formatKeybinding } from "../ui/keybindings";
import { executeCommand } from "../workbench/commands";
import { useContributions, type SideViewDescriptor } from "../workbench/registry";

export function ActivityBar() {
  const views = useContributions("sideViews");
  const sideView = useLayout((s) => s.sideView);
  const sideVisible = useLayout((s) => s.sideVisible);
  const toggle = useLayout((s) => s.toggleSideView);
  const secondaryView = useLayout((s) => s.secondaryView);
  const secondaryVisible = useLayout((s) => s.secondaryVisible);
  const toggleSecondary = useLayout((s) => s.toggleSecondaryView);
  // A secondary view's button toggles the secondary side bar (the explorer stays open).
  const pressed = (v: SideViewDescriptor) =>
    v.location === "secondary" ? secondaryVisible && secondaryView === v.id : sideVisible && sideView === v.id;
  const click = (v: SideViewDescriptor) => {
    if (v.location === "secondary") toggleSecondary(v.id);
    else if (v.reveal && !pressed(v)) v.reveal();
    else toggle(v.id);
  };
  const label = (v: SideViewDescriptor) => (v.keybinding ? `${v.title} (${formatKeybinding(v.keybinding)})` : v.title);
  return (
    <nav className="activity-bar" aria-label="Views">
      {views.map((v) => (
        <button
          key={v.id}
          type="button"
          className="activity-button"
          aria-label={label(v)}
          title={label(v)}
          aria-pressed={pressed(v)}
          onClick={() => click(v)}
        >
          <v.icon size={24} strokeWidth={1.1} />
        </button>
      ))}
      <div className="spacer" />
      <button
        type="button"
        className="activity-button"
        aria-label="Settings (Ctrl+,)"
        title={`Settings (${formatKeybinding("Mod+,")})`}
        onClick={() => void executeCommand("workbench.action.openSettings")}
      >
        <GearIcon size={24} strokeWidth={1.1} />
      </button>
    </nav>
  );
}
