// Status bar item: the chat model and its provider's state; a click opens Settings → AI / Models.
import { openModelSettings } from "../section";
import { providerStatus } from "./logic";
import { useModels } from "./modelsApi";

export function ModelStatusItem() {
  const { data, error } = useModels();
  if (!data && !error) return null;
  const chat = data?.roles.chat;
  const provider = data?.providers.find((p) => p.name === chat?.provider);
  const status = provider ? providerStatus(provider) : null;
  const label = error ? "Models: unknown" : chat?.ref ? chat.model : "No chat model";
  const title = [
    chat?.ref ? `Chat model: ${chat.ref}` : "No chat model is set",
    status ? `${provider?.name}: ${status.label}` : "",
    status?.detail ?? "",
    "Click to open the model settings",
  ]
    .filter(Boolean)
    .join("\n");
  return (
    <button
      type="button"
      className="status-item status-model"
      title={title}
      data-testid="status-model"
      data-state={status?.tone ?? "idle"}
      onClick={openModelSettings}
    >
      <span className={`models-dot ${status?.tone ?? "idle"}`} aria-hidden="true" />
      {label}
    </button>
  );
}
