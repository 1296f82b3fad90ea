import { useState } from "react";
import { useLayout } from "../stores/layout";
import { CloseIcon } from "../ui/icons";
import { useContributions } from "../workbench/registry";

/** The bottom panel: a tab per contributed panel view (Problems, Output, Terminal, …). */
export function BottomPanel() {
  const views = useContributions("panelViews");
  const height = useLayout((s) => s.panelHeight);
  const wanted = useLayout((s) => s.panelView);
  const shown = views.find((v) => v.id === wanted) ?? views[0];
  // Keep-alive views stay mounted once shown, so a terminal keeps its screen across tab switches.
  const [visited, setVisited] = useState<ReadonlySet<string>>(() => new Set());
  if (shown?.keepAlive && !visited.has(shown.id)) setVisited(new Set([...visited, shown.id]));
  const Actions = shown?.actions;
  return (
    <section className="bottom-panel" style={{ height }} aria-label="Panel">
      <div className="panel-tabs" role="tablist">
        {views.map(({ id, title, badge: Badge }) => (
          <button
            key={id}
            type="button"
            role="tab"
            className="panel-tab"
            data-view={id}
            aria-selected={shown?.id === id}
            onClick={() => useLayout.getState().showPanelView(id)}
          >
            {title}
            {Badge && <Badge />}
          </button>
        ))}
        <span style={{ flex: 1 }} />
        {Actions && <Actions />}
        <button
          type="button"
          className="icon-button"
          aria-label="Close Panel"
          title="Close Panel"
          onClick={() => useLayout.getState().togglePanel()}
        >
          <CloseIcon />
        </button>
      </div>
      {views.map(({ id, title, component: View, keepAlive }) =>
        id === shown?.id || (keepAlive && visited.has(id)) ? (
          <div key={id} className="panel-body" role="tabpanel" aria-label={title} hidden={id !== shown?.id}>
            <View />
          </div>
        ) : null,
      )}
    </section>
  );
}
