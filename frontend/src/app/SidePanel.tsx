// The primary side bar: every contributed view, the selected one shown.
import { useLayout } from "../stores/layout";
import { useContributions } from "../workbench/registry";

export function SidePanel() {
  const views = useContributions("sideViews");
  const view = useLayout((s) => s.sideView);
  const width = useLayout((s) => s.sideWidth);
  return (
    <aside className="side-panel" style={{ width }} aria-label="Side bar">
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
