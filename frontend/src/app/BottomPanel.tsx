import { useState } from "react";
import { useLayout } from "../stores/layout";
import { CloseIcon } from "../ui/icons";

const TABS = ["Problems", "Output", "Terminal"] as const;

export function BottomPanel() {
  const [tab, setTab] = useState<(typeof TABS)[number]>("Problems");
  const height = useLayout((s) => s.panelHeight);
  return (
    <section className="bottom-panel" style={{ height }} aria-label="Panel">
      <div className="panel-tabs" role="tablist">
        {TABS.map((t) => (
          <button
            key={t}
            type="button"
            role="tab"
            className="panel-tab"
            aria-selected={tab === t}
            onClick={() => setTab(t)}
          >
            {t}
          </button>
        ))}
        <span style={{ flex: 1 }} />
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
      <div className="panel-body" role="tabpanel">
        {tab === "Problems" && "No problems have been detected in the workspace."}
        {tab === "Output" && "No output yet."}
        {tab === "Terminal" && "The integrated terminal is not available yet."}
      </div>
    </section>
  );
}
