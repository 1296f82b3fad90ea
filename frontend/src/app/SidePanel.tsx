// A side bar: the primary one (explorer, search, …) or the secondary one (chat), each with its
// contributed views, the selected one shown.
import { useLayout } from "../stores/layout";
import { CloseIcon, PanelSideIcon } from "../ui/icons";
import { useContributions, type SideViewDescriptor } from "../workbench/registry";

const locationOf = (v: SideViewDescriptor) => v.location ?? "primary";

export function SidePanel({ location = "primary" }: { location?: "primary" | "secondary" }) {
  const views = useContributions("sideViews").filter((v) => locationOf(v) === location);
  const secondary = location === "secondary";
  const view = useLayout((s) => (secondary ? s.secondaryView : s.sideView));
  const width = useLayout((s) => (secondary ? s.secondaryWidth : s.sideWidth));
  const side = useLayout((s) => s.secondarySide);
  const hidden = useLayout((s) => secondary && !s.secondaryVisible);
  return (
    <aside
      className={secondary ? `side-panel secondary ${side}` : "side-panel"}
      style={{ width }}
      hidden={hidden}
      aria-label={secondary ? "Secondary bar" : "Side bar"}
    >
      {/* Views stay mounted so the search query and tree state survive switching. */}
      {views.map(({ id, title, titled, component: View }) =>
        titled ? (
          <div
            key={id}
            hidden={view !== id}
            style={{ height: "100%", display: view === id ? "flex" : undefined, flexDirection: "column" }}
          >
            <div className="view-header">
              <span className="title">{title}</span>
              {secondary && <SecondaryActions />}
            </div>
            <div className="view-body">
              <View />
            </div>
          </div>
        ) : (
          <div key={id} hidden={view !== id} style={{ height: "100%" }}>
            <View />
          </div>
        ),
      )}
    </aside>
  );
}

/** Move the secondary side bar to the other side of the editor; hide it. */
function SecondaryActions() {
  const side = useLayout((s) => s.secondarySide);
  const other = side === "right" ? "left" : "right";
  const move = `Move Secondary Side Bar ${other === "left" ? "Left" : "Right"}`;
  return (
    <div className="view-actions">
      <button
        type="button"
        className="icon-button"
        aria-label={move}
        title={move}
        onClick={() => useLayout.getState().moveSecondary(other)}
      >
        <PanelSideIcon side={other} />
      </button>
      <button
        type="button"
        className="icon-button"
        aria-label="Hide Secondary Side Bar"
        title="Hide Secondary Side Bar"
        onClick={() => useLayout.getState().toggleSecondary()}
      >
        <CloseIcon />
      </button>
    </div>
  );
}
