import { useNotifications } from "../stores/notifications";
import { CloseIcon, ErrorIcon, InfoIcon, WarningIcon } from "../ui/icons";

export function Toasts() {
  const items = useNotifications((s) => s.items);
  const dismiss = useNotifications((s) => s.dismiss);
  return (
    <div className="toasts" aria-live="polite">
      {items.map((n) => (
        <div key={n.id} className={`toast ${n.severity}`} role={n.severity === "error" ? "alert" : "status"}>
          {n.severity === "error" ? <ErrorIcon /> : n.severity === "warning" ? <WarningIcon /> : <InfoIcon />}
          <span className="text">{n.message}</span>
          <button type="button" className="icon-button" aria-label="Dismiss notification" onClick={() => dismiss(n.id)}>
            <CloseIcon size={14} />
          </button>
        </div>
      ))}
    </div>
  );
}
