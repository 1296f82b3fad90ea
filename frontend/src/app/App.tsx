import { useEffect, useState } from "react";
import { ApiError, errorMessage } from "../api/http";
import { EditorArea } from "../editor/EditorArea";
import { useLayout } from "../stores/layout";
import { useContributions } from "../workbench/registry";
import { ActivityBar } from "./ActivityBar";
import { bootstrap } from "./bootstrap";
import { BottomPanel } from "./BottomPanel";
import { ConnectionBanner } from "./ConnectionBanner";
import { DialogHost } from "./DialogHost";
import { Sash } from "./Sash";
import { SidePanel } from "./SidePanel";
import { StatusBar } from "./StatusBar";
import { Toasts } from "./Toasts";

let started: Promise<void> | null = null;

export function App() {
  const [fatal, setFatal] = useState<{ status: number; message: string } | null>(null);
  const [ready, setReady] = useState(false);
  useEffect(() => {
    started ??= bootstrap();
    started.then(
      () => setReady(true),
      (err) => setFatal({ status: err instanceof ApiError ? err.status : 0, message: errorMessage(err) }),
    );
  }, []);
  const hosts = useContributions("hosts");

  if (fatal) return <FatalScreen status={fatal.status} message={fatal.message} />;
  return (
    <div className="workbench" aria-busy={!ready}>
      <ConnectionBanner />
      <Workbench />
      <StatusBar />
      {hosts.map(({ id, component: Host }) => (
        <Host key={id} />
      ))}
      <DialogHost />
      <Toasts />
    </div>
  );
}

function Workbench() {
  const sideVisible = useLayout((s) => s.sideVisible);
  const sideWidth = useLayout((s) => s.sideWidth);
  const setSideWidth = useLayout((s) => s.setSideWidth);
  const panelVisible = useLayout((s) => s.panelVisible);
  const panelHeight = useLayout((s) => s.panelHeight);
  const setPanelHeight = useLayout((s) => s.setPanelHeight);
  const secondarySide = useLayout((s) => s.secondarySide);
  const secondaryVisible = useLayout((s) => s.secondaryVisible);
  const secondaryWidth = useLayout((s) => s.secondaryWidth);
  const setSecondaryWidth = useLayout((s) => s.setSecondaryWidth);
  // The secondary side bar (chat) is mounted only while shown (the chat's draft lives in its store).
  const secondarySash = secondaryVisible && (
    <Sash
      orientation="vertical"
      size={secondaryWidth}
      onResize={setSecondaryWidth}
      direction={secondarySide === "right" ? -1 : 1}
      label="Resize secondary bar"
    />
  );
  return (
    <div className="main-row">
      <ActivityBar />
      {sideVisible && (
        <>
          <SidePanel />
          <Sash orientation="vertical" size={sideWidth} onResize={setSideWidth} label="Resize side bar" />
        </>
      )}
      {secondaryVisible && secondarySide === "left" && (
        <>
          <SidePanel location="secondary" />
          {secondarySash}
        </>
      )}
      <div className="editor-column">
        <EditorArea />
        {panelVisible && (
          <>
            <Sash
              orientation="horizontal"
              size={panelHeight}
              onResize={setPanelHeight}
              direction={-1}
              label="Resize panel"
            />
            <BottomPanel />
          </>
        )}
      </div>
      {secondaryVisible && secondarySide === "right" && (
        <>
          {secondarySash}
          <SidePanel location="secondary" />
        </>
      )}
    </div>
  );
}

function FatalScreen({ status, message }: { status: number; message: string }) {
  const unauthenticated = status === 401 || status === 403;
  return (
    <div className="editor-message" role="alert" style={{ maxWidth: 560, margin: "12vh auto" }}>
      <h1 style={{ fontSize: 20, color: "var(--fg-heading)" }}>
        {unauthenticated ? "Not signed in" : "Pairpad could not start"}
      </h1>
      <p>
        {unauthenticated
          ? "Open the link that `pairpad open` printed in your terminal (it contains a one-time token)."
          : message}
      </p>
    </div>
  );
}
