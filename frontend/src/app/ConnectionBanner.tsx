import { retryConnection, useConnection } from "../api/socket";
import { WarningIcon } from "../ui/icons";

export const NEW_TOKEN_MESSAGE =
  "Pairpad restarted with a new access token — open the URL printed by `pairpad open` (your unsaved changes are kept)";

/** Shown while the server is unreachable; buffers stay in memory and IndexedDB meanwhile. */
export function ConnectionBanner() {
  const status = useConnection((s) => s.status);
  const everConnected = useConnection((s) => s.everConnected);
  if (status === "unauthorized") {
    // Persistent: retrying with the old cookie cannot succeed, so nothing is retried until
    // the user has opened the new URL (in this tab or another one; the cookie is shared).
    return (
      <div className="connection-banner" role="alert" data-testid="connection-banner" data-reason="unauthorized">
        <WarningIcon />
        <span>{NEW_TOKEN_MESSAGE}</span>
        <button type="button" className="btn" onClick={retryConnection}>
          Try Again
        </button>
      </div>
    );
  }
  if (status !== "disconnected") return null;
  return (
    <div className="connection-banner" role="alert" data-testid="connection-banner">
      <WarningIcon />
      {everConnected
        ? "Connection to the Pairpad server lost. Reconnecting… Your unsaved changes are kept in this browser."
        : "Cannot connect to the Pairpad server. Retrying…"}
    </div>
  );
}
