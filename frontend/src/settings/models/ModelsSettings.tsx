// Settings → AI / Models: which model does each job (roles) and the providers serving them,
// with presets, "Test connection" (latency and the models found), a save confirmation and the
// server's error messages as they are. API keys are write-only.
import { useEffect, useState } from "react";
import { errorMessage } from "../../api/http";
import {
  draftFromPreset,
  draftFromProvider,
  draftToUpdate,
  keyStatus,
  KINDS,
  modelOptions,
  PRESETS,
  providerStatus,
  ROLES,
  formatLatency,
  type ProviderDraft,
} from "./logic";
import {
  modelsApi,
  refreshModels,
  useModels,
  type ModelsResponse,
  type ProviderInfo,
  type TestResult,
} from "./modelsApi";
import "./models.css";

const OTHER = "__other__";

type Notice = { kind: "saved" | "error"; text: string } | null;

function TestOutcome({ result, testing }: { result: TestResult | null; testing: boolean }) {
  if (testing)
    return (
      <div className="models-test" role="status">
        Testing…
      </div>
    );
  if (!result) return null;
  if (!result.ok)
    return (
      <div className="models-test down" role="alert">
        Connection failed: {result.detail}
      </div>
    );
  const ids = result.models.map((m) => m.id);
  return (
    <div className="models-test ok" role="status">
      Connected{result.latency_ms != null ? ` in ${formatLatency(result.latency_ms)}` : ""} · {ids.length} model
      {ids.length === 1 ? "" : "s"} found
      {ids.length > 0 && (
        <div className="models-found">
          {ids.map((id) => (
            <code key={id}>{id}</code>
          ))}
        </div>
      )}
    </div>
  );
}

export function ModelsSettings() {
  const query = useModels();
  const data = query.data;
  const [notice, setNotice] = useState<Notice>(null);
  const [busy, setBusy] = useState(false);

  const act = async (action: () => Promise<unknown>, saved: string): Promise<boolean> => {
    setBusy(true);
    try {
      await action();
      setNotice({ kind: "saved", text: saved });
      await refreshModels();
      return true;
    } catch (err) {
      setNotice({ kind: "error", text: errorMessage(err) });
      return false;
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="models-settings" role="region" aria-label="Model settings">
      <div className="models-head">
        <h2>AI / Models</h2>
        <button type="button" className="btn" onClick={() => void query.refetch()} disabled={query.isFetching}>
          {query.isFetching ? "Checking…" : "Check again"}
        </button>
      </div>
      <div className="setting-desc">
        Which model does each job, and the providers that serve them. Saved in this machine&apos;s Pairpad data (API
        keys encrypted); settings in <code>config.toml</code> apply where nothing is set here.
      </div>
      {notice && (
        <div className={`models-notice ${notice.kind}`} role={notice.kind === "error" ? "alert" : "status"}>
          {notice.kind === "saved" ? "✓ " : ""}
          {notice.text}
        </div>
      )}
      {query.error && (
        <div className="models-notice error" role="alert">
          {errorMessage(query.error)}
        </div>
      )}
      {data?.problems.map((p) => (
        <div key={p} className="models-notice error" role="alert">
          {p}
        </div>
      ))}
      <RolesEditor data={data} busy={busy} act={act} />
      <ProvidersEditor data={data} busy={busy} act={act} setNotice={setNotice} />
    </div>
  );
}

function RolesEditor({
  data,
  busy,
  act,
}: {
  data: ModelsResponse | undefined;
  busy: boolean;
  act: (action: () => Promise<unknown>, saved: string) => Promise<boolean>;
}) {
  const initial = Object.fromEntries(ROLES.map((r) => [r, data?.roles[r]?.ref ?? ""])) as Record<string, string>;
  const signature = JSON.stringify(initial);
  const [roles, setRoles] = useState<Record<string, string>>(initial);
  const [custom, setCustom] = useState<Record<string, boolean>>({});
  useEffect(() => {
    setRoles(JSON.parse(signature) as Record<string, string>);
    setCustom({});
  }, [signature]);
  const options = modelOptions(data);
  const changed = ROLES.filter((r) => (roles[r] ?? "") !== (initial[r] ?? ""));

  const save = () =>
    act(
      () => modelsApi.putRoles(Object.fromEntries(changed.map((r) => [r, roles[r].trim() || null]))),
      `Roles saved: ${changed.map((r) => `${r} → ${roles[r].trim() || "default"}`).join(", ")}.`,
    );

  return (
    <>
      <h3>Roles</h3>
      <div className="setting-desc">
        Pick from the models the providers below offer, or type <code>provider:model</code>. “Default” removes the
        setting made here.
      </div>
      <table className="models-roles">
        <tbody>
          {ROLES.map((role) => {
            const value = roles[role] ?? "";
            const info = data?.roles[role];
            const isOther = custom[role] || (value !== "" && !options.includes(value));
            return (
              <tr key={role}>
                <th scope="row">{role}</th>
                <td>
                  <select
                    aria-label={`Model for ${role}`}
                    value={isOther ? OTHER : value}
                    onChange={(e) => {
                      const next = e.target.value;
                      setCustom({ ...custom, [role]: next === OTHER });
                      if (next !== OTHER) setRoles({ ...roles, [role]: next });
                    }}
                  >
                    <option value="">Default{initial[role] === "" && info?.off ? " (off)" : ""}</option>
                    {options.map((o) => (
                      <option key={o} value={o}>
                        {o}
                      </option>
                    ))}
                    <option value={OTHER}>Other (type a model)…</option>
                  </select>
                  {isOther && (
                    <input
                      aria-label={`Custom model for ${role}`}
                      value={value}
                      placeholder="provider:model"
                      onChange={(e) => setRoles({ ...roles, [role]: e.target.value })}
                    />
                  )}
                  {info?.off && info.detail && <div className="muted small">{info.detail}</div>}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <button type="button" className="btn primary" onClick={() => void save()} disabled={busy || changed.length === 0}>
        Save roles
      </button>
    </>
  );
}

function ProvidersEditor({
  data,
  busy,
  act,
  setNotice,
}: {
  data: ModelsResponse | undefined;
  busy: boolean;
  act: (action: () => Promise<unknown>, saved: string) => Promise<boolean>;
  setNotice: (n: Notice) => void;
}) {
  const [draft, setDraft] = useState<ProviderDraft | null>(null);
  const [results, setResults] = useState<Record<string, TestResult | null>>({});
  const [testing, setTesting] = useState<string | null>(null);
  const providers = data?.providers ?? [];

  const test = async (key: string, run: () => Promise<TestResult>) => {
    setTesting(key);
    setResults((r) => ({ ...r, [key]: null }));
    try {
      const result = await run();
      setResults((r) => ({ ...r, [key]: result }));
    } catch (err) {
      setNotice({ kind: "error", text: errorMessage(err) });
    } finally {
      setTesting(null);
    }
  };

  const save = async () => {
    if (!draft) return;
    const name = draft.name.trim();
    const ok = await act(() => modelsApi.putProvider(name, draftToUpdate(draft)), `Provider '${name}' saved.`);
    if (ok) setDraft(null);
  };

  return (
    <>
      <h3>Providers</h3>
      <ul className="models-providers">
        {providers.map((p) => (
          <ProviderCard
            key={p.name}
            p={p}
            result={results[`saved:${p.name}`] ?? null}
            testing={testing === `saved:${p.name}`}
            onTest={() => void test(`saved:${p.name}`, () => modelsApi.testSaved(p.name))}
            onEdit={() => setDraft(draftFromProvider(p))}
            onRemove={() => void act(() => modelsApi.deleteProvider(p.name), `Provider '${p.name}' removed.`)}
            onRestart={() => void act(() => modelsApi.restartLocal(), "The embedded model was restarted.")}
          />
        ))}
      </ul>
      {!draft && (
        <div className="models-presets" role="group" aria-label="Add a provider">
          <span className="muted">Add a provider:</span>
          {PRESETS.map((preset) => (
            <button
              key={preset.id}
              type="button"
              className="btn"
              title={preset.hint}
              onClick={() =>
                setDraft(
                  draftFromPreset(
                    preset,
                    providers.map((p) => p.name),
                  ),
                )
              }
            >
              {preset.label}
            </button>
          ))}
        </div>
      )}
      {draft && (
        <form
          className="models-form"
          aria-label={draft.existing ? `Edit provider ${draft.existing.name}` : "New provider"}
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <h4>{draft.existing ? `Edit ${draft.existing.name}` : "New provider"}</h4>
          <label>
            Name
            <input
              value={draft.name}
              disabled={!!draft.existing}
              onChange={(e) => setDraft({ ...draft, name: e.target.value })}
              required
            />
          </label>
          <label>
            Kind
            <select value={draft.kind} onChange={(e) => setDraft({ ...draft, kind: e.target.value })}>
              {KINDS.map((k) => (
                <option key={k} value={k}>
                  {k}
                </option>
              ))}
            </select>
          </label>
          <label>
            Base URL
            <input
              value={draft.base_url}
              placeholder="e.g. http://127.0.0.1:1234/v1"
              onChange={(e) => setDraft({ ...draft, base_url: e.target.value })}
            />
          </label>
          <label>
            API key
            <input
              type="password"
              autoComplete="off"
              value={draft.api_key}
              placeholder={
                draft.existing?.has_api_key
                  ? `${keyStatus(draft.existing)} — leave empty to keep`
                  : "optional; stored encrypted, never shown again"
              }
              onChange={(e) => setDraft({ ...draft, api_key: e.target.value })}
            />
          </label>
          {draft.existing?.has_api_key && draft.existing.key_source === "stored" && (
            <label className="inline">
              <input
                type="checkbox"
                checked={draft.clearKey}
                onChange={(e) => setDraft({ ...draft, clearKey: e.target.checked })}
              />{" "}
              Remove the stored key
            </label>
          )}
          <label>
            API key env var
            <input
              value={draft.api_key_env}
              placeholder="e.g. OPENAI_API_KEY (read from the server's environment)"
              onChange={(e) => setDraft({ ...draft, api_key_env: e.target.value })}
            />
          </label>
          <label>
            Context window (tokens)
            <input
              inputMode="numeric"
              value={draft.context_window}
              placeholder="ask the server / the model's known size"
              onChange={(e) => setDraft({ ...draft, context_window: e.target.value })}
            />
          </label>
          <label>
            Models (one per line; offered when the server cannot list them)
            <textarea rows={3} value={draft.models} onChange={(e) => setDraft({ ...draft, models: e.target.value })} />
          </label>
          <TestOutcome result={results.draft ?? null} testing={testing === "draft"} />
          <div className="models-actions">
            <button
              type="button"
              className="btn"
              disabled={busy || testing !== null}
              onClick={() => void test("draft", () => modelsApi.test(draft.name.trim() || "new", draftToUpdate(draft)))}
            >
              Test connection
            </button>
            <button type="submit" className="btn primary" disabled={busy}>
              Save provider
            </button>
            <button
              type="button"
              className="btn"
              onClick={() => {
                setDraft(null);
                setResults((r) => ({ ...r, draft: null }));
              }}
            >
              Cancel
            </button>
          </div>
        </form>
      )}
    </>
  );
}

function ProviderCard({
  p,
  result,
  testing,
  onTest,
  onEdit,
  onRemove,
  onRestart,
}: {
  p: ProviderInfo;
  result: TestResult | null;
  testing: boolean;
  onTest: () => void;
  onEdit: () => void;
  onRemove: () => void;
  onRestart: () => void;
}) {
  const status = providerStatus(p);
  const found = (p.models ?? []).map((m) => m.id);
  return (
    <li className="models-provider" data-provider={p.name}>
      <div className="models-provider-head">
        <span className={`models-dot ${status.tone}`} aria-hidden="true" />
        <strong>{p.name}</strong>
        <span className="muted">
          {p.kind}
          {p.base_url ? ` · ${p.base_url}` : ""}
        </span>
        <span className={`models-state ${status.tone}`}>{status.label}</span>
      </div>
      {status.detail && (
        <div className={status.tone === "down" ? "models-detail down" : "models-detail"}>{status.detail}</div>
      )}
      <div className="muted small">
        {keyStatus(p)}
        {p.context_window ? ` · context window ${p.context_window} tokens (set)` : ""}
        {p.origin === "settings" ? " · from config.toml" : p.origin === "builtin" ? " · built in" : ""}
      </div>
      {found.length > 0 && (
        <div className="models-found">
          {found.map((id) => (
            <code key={id}>{id}</code>
          ))}
        </div>
      )}
      <TestOutcome result={result} testing={testing} />
      <div className="models-actions">
        <button
          type="button"
          className="btn"
          onClick={onTest}
          disabled={testing}
          aria-label={`Test connection to ${p.name}`}
        >
          Test connection
        </button>
        {p.kind !== "local" && (
          <button type="button" className="btn" onClick={onEdit} aria-label={`Edit ${p.name}`}>
            Edit
          </button>
        )}
        {p.origin === "user" && (
          <button type="button" className="btn" onClick={onRemove} aria-label={`Remove ${p.name}`}>
            Remove
          </button>
        )}
        {p.kind === "local" && (p.state === "crashed" || p.state === "failed") && (
          <button type="button" className="btn" onClick={onRestart} aria-label="Restart the embedded model">
            Restart
          </button>
        )}
      </div>
    </li>
  );
}
