// Team mode's account and team API (the server's root `/api/...`, never a workspace's): the
// same fetch wrapper as the workbench (XSRF header, `{detail}` errors), renewing an expired
// session once before going to /signin. Shapes follow the team-mode contract (issue 16).
import { createApi, createSessionRefresher, readCookie, type RequestOptions } from "../api/http";

const browserFetch = (input: string, init?: RequestInit) => fetch(input, init);

/** Renews the session from the refresh cookie (one renewal in flight at a time). */
export const refreshSession = createSessionRefresher(browserFetch);

export const request = createApi(browserFetch, (n) => readCookie(n), {
  base: "",
  refresh: refreshSession,
});

const enc = encodeURIComponent;
const post = <T>(path: string, body: unknown = {}, extra: RequestOptions = {}) =>
  request<T>(path, { method: "POST", body, ...extra });

export type Role = "owner" | "admin" | "member" | "viewer";
export const ROLES: Role[] = ["owner", "admin", "member", "viewer"];

export interface AuthConfig {
  mode: string;
  open_registration: boolean;
  oauth: { name: string; label: string }[];
  passkeys: boolean;
}
export interface Tokens {
  access_token: string | null;
  refresh_token: string | null;
  token_type: string;
  expires_in: number;
}
export interface MfaRequired {
  mfa_required: true;
  mfa_token: string;
  methods?: string[];
}
export type LoginAnswer = Tokens | MfaRequired;
export interface TeamRef {
  id: string;
  name: string;
  role: Role;
}
export interface Me {
  id: string;
  email: string;
  display_name: string | null;
  email_verified: boolean;
  is_admin: boolean;
  totp_enabled: boolean;
  /** False for an account made through a sign-in provider (no password to confirm). */
  has_password?: boolean;
  passkeys: Passkey[];
  teams: TeamRef[];
}
export interface Workspace {
  id: string;
  name: string;
  team_id: string;
  url: string;
}
export interface Member {
  user_id: string;
  email: string;
  display_name?: string | null;
  role: Role;
}
export interface Invitation {
  id: string;
  email?: string | null;
  role: Role;
  url?: string;
  token?: string;
  expires_at?: string | null;
  created_at?: string | null;
  status?: "pending" | "accepted" | "expired";
}
export interface InvitationInfo {
  team_id?: string;
  team_name?: string;
  team?: { id?: string; name: string };
  role: Role;
  email?: string | null;
}
export interface Session {
  id: string;
  created_at: string | null;
  last_used_at: string | null;
  user_agent: string | null;
  ip: string | null;
  current: boolean;
}
export interface Passkey {
  id: string;
  name?: string | null;
  created_at?: string | null;
  last_used_at?: string | null;
}
export interface LinkedIdentity {
  provider: string;
  label?: string;
  email?: string | null;
  created_at?: string | null;
}
export interface PendingLink {
  provider: string;
  label: string;
  email: string;
  expires_at: string;
}
export interface TotpSetup {
  secret: string;
  otpauth_uri: string;
  qr_svg: string;
}

/** A list the server answers bare (`[...]`) or wrapped (`{teams: [...]}`). */
export function listOf<T>(answer: unknown, key: string): T[] {
  if (Array.isArray(answer)) return answer as T[];
  if (answer && typeof answer === "object" && Array.isArray((answer as Record<string, unknown>)[key])) {
    return (answer as Record<string, T[]>)[key];
  }
  return [];
}

export const authApi = {
  config: () => request<AuthConfig>("/api/auth/config"),
  login: (email: string, password: string) => post<LoginAnswer>("/api/auth/login", { email, password, cookie: true }),
  mfaVerify: (mfa_token: string, code: string) =>
    post<Tokens>("/api/auth/mfa/verify", { mfa_token, code, cookie: true }),
  register: (email: string, password: string, display_name?: string) =>
    post<unknown>("/api/auth/register", { email, password, display_name: display_name || undefined }),
  logout: () => post<unknown>("/api/auth/logout", {}),
  logoutAll: () => post<unknown>("/api/auth/logout-all", {}),
  /** Who is signed in; `redirect: false` answers a 401 instead of leaving for /signin. */
  me: (redirect = true) => request<Me>("/api/auth/me", { authRedirect: redirect }),
  changePassword: (current_password: string, new_password: string) =>
    post<unknown>("/api/auth/password/change", { current_password, new_password }),
  forgotPassword: (email: string) => post<unknown>("/api/auth/password/forgot", { email }),
  resetPassword: (token: string, password: string) => post<unknown>("/api/auth/password/reset", { token, password }),
  verifyEmail: (token: string) => post<unknown>("/api/auth/verify-email", { token }),
  totpSetup: () => post<TotpSetup>("/api/auth/totp/setup", {}),
  totpEnable: (code: string) => post<{ recovery_codes: string[] }>("/api/auth/totp/enable", { code }),
  totpDisable: (body: { password?: string; code?: string }) => post<unknown>("/api/auth/totp/disable", body),
  recoveryCodes: () => post<{ recovery_codes: string[] }>("/api/auth/recovery-codes", {}),
  sessions: () => request<unknown>("/api/auth/sessions").then((r) => listOf<Session>(r, "sessions")),
  revokeSession: (id: string) => request<unknown>(`/api/auth/sessions/${enc(id)}`, { method: "DELETE" }),
  passkeys: () => request<unknown>("/api/auth/passkeys").then((r) => listOf<Passkey>(r, "passkeys")),
  deletePasskey: (id: string) => request<unknown>(`/api/auth/passkeys/${enc(id)}`, { method: "DELETE" }),
  resendVerification: () => post<unknown>("/api/auth/verify-email/resend", {}),
  identities: () => request<unknown>("/api/auth/oauth/links").then((r) => listOf<LinkedIdentity>(r, "links")),
  unlink: (provider: string) => request<unknown>(`/api/auth/oauth/links/${enc(provider)}`, { method: "DELETE" }),
  pendingLink: (handle: string) => request<PendingLink>("/api/auth/oauth/link", { query: { handle } }),
  confirmLink: (handle: string) => post<PendingLink>("/api/auth/oauth/link/confirm", { handle }),
};

export const teamsApi = {
  list: () => request<unknown>("/api/teams").then((r) => listOf<TeamRef>(r, "teams")),
  create: (name: string) => post<TeamRef>("/api/teams", { name }),
  get: (id: string) => request<TeamRef & Record<string, unknown>>(`/api/teams/${enc(id)}`),
  members: (id: string) => request<unknown>(`/api/teams/${enc(id)}/members`).then((r) => listOf<Member>(r, "members")),
  addMember: (id: string, email: string, role: Role) => post<unknown>(`/api/teams/${enc(id)}/members`, { email, role }),
  setRole: (id: string, userId: string, role: Role) =>
    request<unknown>(`/api/teams/${enc(id)}/members/${enc(userId)}`, { method: "PATCH", body: { role } }),
  removeMember: (id: string, userId: string) =>
    request<unknown>(`/api/teams/${enc(id)}/members/${enc(userId)}`, { method: "DELETE" }),
  invitations: (id: string) =>
    request<unknown>(`/api/teams/${enc(id)}/invitations`).then((r) => listOf<Invitation>(r, "invitations")),
  invite: (id: string, role: Role, email?: string) =>
    post<{ id: string; url: string; token: string }>(`/api/teams/${enc(id)}/invitations`, {
      role,
      email: email || undefined,
    }),
  revokeInvitation: (id: string, invitationId: string) =>
    request<unknown>(`/api/teams/${enc(id)}/invitations/${enc(invitationId)}`, { method: "DELETE" }),
  invitation: (token: string) =>
    request<InvitationInfo>(`/api/teams/invitations/${enc(token)}`, { authRedirect: false }),
  accept: (token: string) => post<TeamRef | null>(`/api/teams/invitations/${enc(token)}/accept`, {}),
  workspaces: (id: string) =>
    request<unknown>(`/api/teams/${enc(id)}/workspaces`).then((r) => listOf<Workspace>(r, "workspaces")),
  createWorkspace: (id: string, name: string) => post<Workspace>(`/api/teams/${enc(id)}/workspaces`, { name }),
};

/** Team management (members, invitations, workspaces) is for admins and owners. */
export const canManage = (role: Role | undefined) => role === "owner" || role === "admin";

/** The URL of a workspace's workbench (always `/w/{id}/`, whatever the server sent). */
export const workspaceUrl = (w: Pick<Workspace, "id">) => `/w/${enc(w.id)}/`;
