// Settings → Inline Completion: on/off, the languages it is off for, and the acceptance
// statistics kept on this machine (GET /api/complete/stats).
import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { api, errorMessage } from "../api/http";
import "./completion.css";
import type { Schema } from "../api/schema";
import { updateCompletionSettings, useCompletionSettings } from "../stores/settings";

type CompletionStats = Schema<"CompletionStatsResponse">;
type CompletionModelStats = Schema<"CompletionModelStats">;

/** A row of the by-model / by-language tables (the shared columns of both). */
type StatsRow = Omit<CompletionModelStats, "model">;

const percent = (rate: number | null) => (rate == null ? "–" : `${Math.round(rate * 1000) / 10}%`);
const ms = (value: number | null | undefined) => (value == null ? "–" : `${Math.round(value)} ms`);

/** "python, typescript ,," → ["python", "typescript"] */
function parseLanguages(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[\s,]+/)
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean),
    ),
  ];
}

export function CompletionSettings() {
  const settings = useCompletionSettings();
  const disabled = settings["completion.disabledLanguages"];
  const [languages, setLanguages] = useState(disabled.join(", "));
  useEffect(() => setLanguages(disabled.join(", ")), [disabled]);
  const commitLanguages = () => {
    const next = parseLanguages(languages);
    if (next.join(",") !== disabled.join(",")) void updateCompletionSettings({ "completion.disabledLanguages": next });
  };
  return (
    <>
      <div className="subtitle">Ghost text from the autocomplete model as you type: Tab accepts, Ctrl+→ a word.</div>
      <h2>Inline Completion</h2>
      <div className="setting">
        <div className="setting-title">
          <span className="cat">Completion: </span>Enabled
        </div>
        <label className="check">
          <input
            type="checkbox"
            id="setting-completion.enabled"
            checked={settings["completion.enabled"]}
            onChange={(e) => void updateCompletionSettings({ "completion.enabled": e.target.checked })}
          />
          <span className="setting-desc" style={{ margin: 0 }}>
            Suggest code inline while typing (the status bar item toggles it too).
          </span>
        </label>
      </div>
      <div className="setting">
        <label htmlFor="setting-completion.disabledLanguages" className="setting-title">
          <span className="cat">Completion: </span>Disabled Languages
        </label>
        <div className="setting-desc">
          Language ids completion never asks about, separated by commas (e.g. <code>markdown, plaintext</code>).
        </div>
        <input
          id="setting-completion.disabledLanguages"
          type="text"
          value={languages}
          onChange={(e) => setLanguages(e.target.value)}
          onBlur={commitLanguages}
          onKeyDown={(e) => e.key === "Enter" && commitLanguages()}
        />
      </div>
      <CompletionStatistics />
    </>
  );
}

function CompletionStatistics() {
  const stats = useQuery({
    queryKey: ["completion-stats"],
    queryFn: () => api<CompletionStats>("/api/complete/stats"),
    staleTime: 0,
  });
  return (
    <section aria-label="Completion statistics" data-testid="completion-stats">
      <h2>Completion Statistics</h2>
      <div className="setting-desc">
        Kept on this machine only. Acceptance counts Tab and accept-word against every suggestion shown.{" "}
        <button type="button" className="btn" onClick={() => void stats.refetch()}>
          Refresh
        </button>
      </div>
      {stats.error ? (
        <div className="hint" role="alert">
          Could not load the statistics: {errorMessage(stats.error)}
        </div>
      ) : !stats.data ? (
        <div className="setting-desc">Loading…</div>
      ) : (
        <StatsTables stats={stats.data} />
      )}
    </section>
  );
}

function StatsTables({ stats }: { stats: CompletionStats }) {
  return (
    <>
      <dl className="completion-totals">
        <dt>Requests</dt>
        <dd>{stats.total}</dd>
        <dt>Shown</dt>
        <dd>{stats.shown}</dd>
        <dt>Accepted</dt>
        <dd>{stats.accepted}</dd>
        <dt>Partly accepted</dt>
        <dd>{stats.partial}</dd>
        <dt>Dismissed</dt>
        <dd>{stats.dismissed}</dd>
        <dt>Acceptance rate</dt>
        <dd>{percent(stats.acceptance_rate)}</dd>
        <dt>Latency p50 / p95</dt>
        <dd>
          {ms(stats.latency_ms.p50)} / {ms(stats.latency_ms.p95)}
        </dd>
      </dl>
      <StatsTable title="By model" rows={stats.by_model.map((r) => ({ ...r, name: r.model }))} />
      <StatsTable title="By language" rows={stats.by_language.map((r) => ({ ...r, name: r.language }))} />
    </>
  );
}

function StatsTable({ title, rows }: { title: string; rows: (StatsRow & { name: string })[] }) {
  if (rows.length === 0) return null;
  return (
    <table className="completion-stats-table">
      <caption>{title}</caption>
      <thead>
        <tr>
          <th scope="col">{title === "By model" ? "Model" : "Language"}</th>
          <th scope="col">Shown</th>
          <th scope="col">Accepted</th>
          <th scope="col">Partial</th>
          <th scope="col">Dismissed</th>
          <th scope="col">Rate</th>
          <th scope="col">p50</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.name}>
            <th scope="row">{r.name}</th>
            <td>{r.shown}</td>
            <td>{r.accepted}</td>
            <td>{r.partial}</td>
            <td>{r.dismissed}</td>
            <td>{percent(r.acceptance_rate)}</td>
            <td>{ms(r.latency_p50)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
