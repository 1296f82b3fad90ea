// /admin/audit: the server's audit trail (server admins only): filters, a table, older/newer.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useId, useState } from "react";
import { authApi, request } from "../api";
import {
  AUDIT_ACTIONS,
  auditQuery,
  describeDetails,
  NO_FILTERS,
  shortRef,
  type AuditFilters,
  type AuditPage,
} from "../audit";
import { Header } from "../Header";
import { describeError } from "../hooks";
import { ErrorBox, Field, Loading, Page } from "../ui";

const PAGE_SIZE = 50;

export function AuditLog() {
  const me = useQuery({ queryKey: ["me"], queryFn: () => authApi.me() });
  const [draft, setDraft] = useState<AuditFilters>(NO_FILTERS);
  const [filters, setFilters] = useState<AuditFilters>(NO_FILTERS);
  // The before_id of each page shown so far (null: the newest page): "Newer" pops one.
  const [pages, setPages] = useState<(number | null)[]>([null]);
  const beforeId = pages[pages.length - 1];
  const events = useQuery({
    queryKey: ["audit", filters, beforeId],
    queryFn: () => request<AuditPage>("/api/admin/audit", { query: auditQuery(filters, beforeId, PAGE_SIZE) }),
    placeholderData: keepPreviousData,
  });
  const actionId = useId();
  return (
    <Page title="Audit trail" header={<Header email={me.data?.email} />}>
      <p className="team-muted">
        Security events of this server, newest first. <code>pairpad audit verify</code> checks that none was edited,
        deleted or reordered.
      </p>
      <form
        className="team-inline-form"
        aria-label="Filter events"
        onSubmit={(e) => {
          e.preventDefault();
          setFilters(draft);
          setPages([null]);
        }}
      >
        <Field
          label="Actor"
          placeholder="email or user id"
          value={draft.actor}
          onChange={(e) => setDraft({ ...draft, actor: e.target.value })}
          testId="audit-actor"
        />
        <div className="team-field team-select">
          <label htmlFor={actionId}>Action</label>
          <select
            id={actionId}
            value={draft.action}
            onChange={(e) => setDraft({ ...draft, action: e.target.value })}
            data-testid="audit-action"
          >
            <option value="">any</option>
            {AUDIT_ACTIONS.map((action) => (
              <option key={action} value={action}>
                {action}
              </option>
            ))}
          </select>
        </div>
        <Field
          label="From"
          type="date"
          value={draft.from}
          onChange={(e) => setDraft({ ...draft, from: e.target.value })}
          testId="audit-from"
        />
        <Field
          label="To"
          type="date"
          value={draft.to}
          onChange={(e) => setDraft({ ...draft, to: e.target.value })}
          testId="audit-to"
        />
        <button type="submit" className="btn" data-testid="audit-apply">
          Show
        </button>
      </form>
      {events.isPending && <Loading />}
      <ErrorBox error={events.error ? describeError(events.error) : null} testId="audit-error" />
      {events.data && events.data.events.length === 0 && <p className="team-muted">No event matches.</p>}
      {events.data && events.data.events.length > 0 && (
        <table className="team-table team-audit" data-testid="audit-table">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Time</th>
              <th scope="col">Actor</th>
              <th scope="col">Action</th>
              <th scope="col">Target</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {events.data.events.map((event) => (
              <tr key={event.id} data-testid={`audit-row-${event.id}`}>
                <td>{event.id}</td>
                <td>
                  <time dateTime={event.created_at}>{new Date(event.created_at).toLocaleString()}</time>
                </td>
                <td className="team-audit-id" title={event.actor}>
                  {shortRef(event.actor)}
                </td>
                <td>{event.action}</td>
                <td className="team-audit-id" title={event.target}>
                  {shortRef(event.target)}
                </td>
                <td>{describeDetails(event.details)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="team-inline-form">
        <button
          type="button"
          className="btn"
          disabled={pages.length === 1}
          onClick={() => setPages(pages.slice(0, -1))}
          data-testid="audit-newer"
        >
          Newer
        </button>
        <button
          type="button"
          className="btn"
          disabled={!events.data?.next_before_id}
          onClick={() => setPages([...pages, events.data?.next_before_id ?? null])}
          data-testid="audit-older"
        >
          Older
        </button>
      </p>
    </Page>
  );
}
