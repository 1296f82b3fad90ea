import { useEffect, useRef } from "react";
import { useDialogs } from "../stores/dialogs";

export function DialogHost() {
  const current = useDialogs((s) => s.current);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!current) return;
    const previous = document.activeElement as HTMLElement | null;
    const primary =
      ref.current?.querySelector<HTMLButtonElement>("button.primary") ?? ref.current?.querySelector("button");
    primary?.focus();
    return () => previous?.focus?.();
  }, [current]);
  if (!current) return null;
  return (
    <div
      className="modal-backdrop"
      onMouseDown={(e) => e.target === e.currentTarget && current.resolve(current.cancelId)}
    >
      <div
        ref={ref}
        className="dialog"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="dialog-title"
        aria-describedby="dialog-message"
        onKeyDown={(e) => {
          if (e.key === "Escape") {
            e.preventDefault();
            current.resolve(current.cancelId);
          } else if (e.key === "Tab") {
            // Keep focus inside the dialog.
            const buttons = [...(ref.current?.querySelectorAll<HTMLButtonElement>("button") ?? [])];
            const i = buttons.indexOf(document.activeElement as HTMLButtonElement);
            const next = buttons[(i + (e.shiftKey ? buttons.length - 1 : 1)) % buttons.length];
            next?.focus();
            e.preventDefault();
          }
        }}
      >
        <h2 id="dialog-title">{current.title}</h2>
        <p id="dialog-message">{current.message}</p>
        {current.detail && <p className="detail">{current.detail}</p>}
        <div className="buttons">
          {current.buttons.map((b) => (
            <button
              key={b.id}
              type="button"
              className={`btn${b.primary ? " primary" : ""}${b.danger ? " danger" : ""}`}
              onClick={() => current.resolve(b.id)}
            >
              {b.label}
            </button>
          ))}
        </div>
      </div>
    </div>
  );
}
