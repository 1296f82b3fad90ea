// Providers and roles: which model does chat, completion, edits… API keys are write-only:
// the server only ever says whether one is stored (or comes from an env var).
import { useCallback, useEffect, useState } from "react";
import { errorMessage } from "../api/http";
import { modelsApi, type ModelsResponse, type ProviderInfo } from "./chatApi";

const KINDS = ["openai_compat", "anthropic", "ollama"] as const;
const ROLES = ["chat", "autocomplete", "edit", "apply", "embed"];

interface Draft {
  name: string;
  kind: string;
  base_url: string;
  api_key: string;
  api_key_env: string;
  clearKey: boolean;
  existing: ProviderInfo | null;
}

const emptyDraft = (): Draft => ({ name: "", kind: "openai_compat", base_url: "", api_key: "", api_key_env: "", clearKey: false, existing: null });

export function ModelSettings({ onClose }: { onClose: () => void }) {
  const [data, setData] = useState<ModelsResponse | null>(null);
  const [roles, setRoles] = useState<Record<string, string>>({});
  const [draft, setDraft] = useState<Draft | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    setBusy(true);
    try {
      const next = await modelsApi.get(true);
      setData(next);
      setRoles(Object.fromEntries(Object.entries(next.roles).map(([r, v]) => [r, v.ref])));
      setError(null);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const run = async (action: () => Promise<unknown>) => {
    setBusy(true);
    try {
      await action();
      setError(null);
      await load();
      return true;
    } catch (err) {
      setError(errorMessage(err));
      return false;
    } finally {
      setBusy(false);
    }
  };

  const saveRoles = () =>
    run(() => modelsApi.putRoles(Object.fromEntries(ROLES.map((r) => [r, roles[r] || null]))));

  const saveProvider = async () => {
    if (!draft) return;
    const ok = await run(() =>
      modelsApi.putProvider(draft.name.trim(), {
        kind: draft.kind,
        base_url: draft.base_url.trim() || null,
        api_key_env: draft.api_key_env.trim() || null,
        ...(draft.clearKey ? { api_key: "" } : draft.api_key ? { api_key: draft.api_key } : {}),
      }),
    );
    if (ok) setDraft(null);
  };

  const options = (data?.providers ?? []).flatMap((p) => (p.models ?? []).map((m) => `${p.name}:${m.id}`));

  return (
    <div className="chat-models" aria-label="Model settings">
      <div className="chat-models-head">
        <strong>Models &amp; providers</strong>
        <button type="button" className="btn" onClick={() => void load()} disabled={busy}>Refresh</button>
        <button type="button" className="btn" onClick={onClose}>Back to chat</button>
      </div>
      {error && <div className="chat-error" role="alert">{error}</div>}
      {data?.problems.map((p) => <div key={p} className="chat-error" role="alert">{p}</div>)}

      <h4>Roles</h4>
      <datalist id="chat-model-options">{options.map((o) => <option key={o} value={o} />)}</datalist>
      <table className="chat-roles">
        <tbody>
          {ROLES.map((role) => (
            <tr key={role}>
              <td>{role}</td>
              <td>
                <input aria-label={`Model for ${role}`} list="chat-model-options" value={roles[role] ?? ""}
                  placeholder="provider:model" onChange={(e) => setRoles({ ...roles, [role]: e.target.value })} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" className="btn primary" onClick={() => void saveRoles()} disabled={busy}>Save roles</button>

      <h4>Providers</h4>
      <ul className="chat-providers">
        {(data?.providers ?? []).map((p) => (
          <li key={p.name}>
            <span className={`chat-dot ${p.reachable ? "ok" : "down"}`} aria-label={p.reachable ? "reachable" : "unreachable"} />
            <strong>{p.name}</strong> <span className="muted">{p.kind}{p.base_url ? ` · ${p.base_url}` : ""}</span>
            <span className="muted"> · key: {p.has_api_key ? `set (${p.key_source})` : "none"}</span>
            {p.detail && p.detail !== "ok" && <div className={p.reachable ? "muted" : "chat-error"}>{p.detail}</div>}
            {p.models && p.models.length > 0 && <div className="muted">models: {p.models.map((m) => m.id).join(", ")}</div>}
            {p.kind !== "local" && (
              <div className="chat-provider-actions">
                <button type="button" className="btn" onClick={() => setDraft({ ...emptyDraft(), name: p.name, kind: p.kind, base_url: p.base_url ?? "", api_key_env: p.api_key_env ?? "", existing: p })}>
                  Edit
                </button>
                {p.origin === "user" && (
                  <button type="button" className="btn" onClick={() => void run(() => modelsApi.deleteProvider(p.name))}>Remove</button>
                )}
              </div>
            )}
          </li>
        ))}
      </ul>
      {!draft && <button type="button" className="btn" onClick={() => setDraft(emptyDraft())}>Add provider…</button>}
      {draft && (
        <form className="chat-provider-form" onSubmit={(e) => {
          e.preventDefault();
          void saveProvider();
        }}>
          <label>Name <input value={draft.name} disabled={!!draft.existing} onChange={(e) => setDraft({ ...draft, name: e.target.value })} required /></label>
          <label>Kind
            <select value={draft.kind} onChange={(e) => setDraft({ ...draft, kind: e.target.value })}>
              {KINDS.map((k) => <option key={k} value={k}>{k}</option>)}
            </select>
          </label>
          <label>Base URL <input value={draft.base_url} placeholder="default for the kind" onChange={(e) => setDraft({ ...draft, base_url: e.target.value })} /></label>
          <label>API key
            <input type="password" autoComplete="off" value={draft.api_key}
              placeholder={draft.existing?.has_api_key ? "stored — leave empty to keep" : "optional"}
              onChange={(e) => setDraft({ ...draft, api_key: e.target.value })} />
          </label>
          {draft.existing?.has_api_key && (
            <label className="inline"><input type="checkbox" checked={draft.clearKey} onChange={(e) => setDraft({ ...draft, clearKey: e.target.checked })} /> Remove the stored key</label>
          )}
          <label>Key env var <input value={draft.api_key_env} placeholder="e.g. OPENAI_API_KEY" onChange={(e) => setDraft({ ...draft, api_key_env: e.target.value })} /></label>
          <div className="chat-provider-actions">
            <button type="submit" className="btn primary" disabled={busy}>Save provider</button>
            <button type="button" className="btn" onClick={() => setDraft(null)}>Cancel</button>
          </div>
        </form>
      )}
    </div>
  );
}
