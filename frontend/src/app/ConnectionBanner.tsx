import { useConnection } from "../api/socket";
import { WarningIcon } from "./icons";

/** Shown while the server is unreachable; buffers stay in memory and IndexedDB meanwhile. */
export function ConnectionBanner() {
  const status = useConnection((s) => s.status);
  const everConnected = useConnection((s) => s.everConnected);
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
