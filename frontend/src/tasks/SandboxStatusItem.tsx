// The status bar's sandbox item: which sandbox runs commands (shield) or that none does
// (warning); a click opens the details (network, limits).
import { useEffect, useRef, useState } from "react";
import { WarningIcon } from "../ui/icons";
import { loadRuntime, sandboxDetails, sandboxLabel, useRuntime } from "./runtimeStore";

const ShieldIcon = () => (
  <svg
    width="14"
    height="14"
    viewBox="0 0 16 16"
    fill="none"
    stroke="currentColor"
    strokeWidth="1.3"
    aria-hidden="true"
  >
    <path d="M8 1.5 13.5 3.5v4c0 3.4-2.3 5.9-5.5 7-3.2-1.1-5.5-3.6-5.5-7v-4z" strokeLinejoin="round" />
    <path d="m5.7 8 1.6 1.6 3-3.2" strokeLinecap="round" strokeLinejoin="round" />
  </svg>
);

export function SandboxStatusItem() {
  const info = useRuntime((s) => s.info);
  const error = useRuntime((s) => s.error);
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (e: Event) => {
      if (e instanceof KeyboardEvent ? e.key === "Escape" : !ref.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener("mousedown", close);
    document.addEventListener("keydown", close);
    return () => {
      document.removeEventListener("mousedown", close);
      document.removeEventListener("keydown", close);
    };
  }, [open]);
  if (!info && !error) return null;
  const unsafe = !info || info.sandbox === "none";
  const label = info ? sandboxLabel(info) : "Sandbox unknown";
  const details = info ? sandboxDetails(info) : [`Could not ask the server which sandbox runs commands: ${error}`];
  return (
    <div className="sandbox-item" ref={ref}>
      <button
        type="button"
        className={`status-item${unsafe ? " sandbox-none" : ""}`}
        data-testid="status-sandbox"
        title={details.join("\n")}
        aria-expanded={open}
        onClick={() => {
          if (!open) loadRuntime();
          setOpen(!open);
        }}
      >
        {unsafe ? <WarningIcon size={14} /> : <ShieldIcon />}
        {label}
      </button>
      {open && (
        <div className="sandbox-popover" role="dialog" aria-label="Sandbox">
          <h3>{info ? `Sandbox: ${label}` : "Sandbox"}</h3>
          <ul>
            {details.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
