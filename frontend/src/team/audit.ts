// The audit trail's admin view: the filters form → GET /api/admin/audit's query.

/** The security events the server records (their dot names; see docs/team-mode.md). */
export const AUDIT_ACTIONS = [
  "auth.login",
  "auth.login_failed",
  "auth.logout",
  "auth.logout_all",
  "auth.token_reuse",
  "auth.password_changed",
  "auth.password_reset",
  "auth.mfa_enabled",
  "auth.mfa_disabled",
  "auth.recovery_codes_regenerated",
  "auth.recovery_code_used",
  "auth.passkey_added",
  "auth.passkey_removed",
  "team.member_added",
  "team.role_changed",
  "team.member_removed",
  "team.invitation_created",
  "team.invitation_accepted",
  "workspace.created",
  "workspace.deleted",
  "authz.denied",
  "models.key_set",
  "models.key_removed",
  "agent.command_approved",
] as const;

export interface AuditFilters {
  actor: string; // a user id or an email ("" = anyone)
  action: string; // "" = any
  from: string; // <input type="date"> value, "YYYY-MM-DD" or ""
  to: string; // inclusive day
}

export const NO_FILTERS: AuditFilters = { actor: "", action: "", from: "", to: "" };

export interface AuditEvent {
  id: number;
  created_at: string;
  actor: string;
  action: string;
  target: string;
  details: Record<string, unknown>;
  hash: string;
}

export interface AuditPage {
  events: AuditEvent[];
  next_before_id: number | null;
}

/** Midnight starting the local day `day` ("YYYY-MM-DD"), plus `addDays`, as ISO UTC. */
function localMidnight(day: string, addDays = 0): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return undefined;
  const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + addDays);
  return date.toISOString();
}

/** The query of one page: empty filters are left out; dates are the viewer's local days
 * (`to` included: `until` is the next day's midnight). */
export function auditQuery(
  filters: AuditFilters,
  beforeId: number | null = null,
  limit = 50,
): Record<string, string | number> {
  const query: Record<string, string | number> = { limit };
  const actor = filters.actor.trim();
  if (actor) query.actor = actor;
  if (filters.action) query.action = filters.action;
  const since = localMidnight(filters.from);
  if (since) query.since = since;
  const until = localMidnight(filters.to, 1);
  if (until) query.until = until;
  if (beforeId !== null) query.before_id = beforeId;
  return query;
}

/** Details as short `key: value` text for a table cell. */
export function describeDetails(details: Record<string, unknown>): string {
  return Object.entries(details)
    .filter(([, value]) => value !== null && value !== "")
    .map(([key, value]) => `${key}: ${typeof value === "string" ? value : JSON.stringify(value)}`)
    .join(" · ");
}

/** A user, team or workspace reference with its 32-hex id cut to 8 (the title shows it all). */
export function shortRef(ref: string): string {
  return ref.replace(/\b([0-9a-f]{8})[0-9a-f]{24}\b/g, "$1…");
}
