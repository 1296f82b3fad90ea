// Team admin: members and their roles, invitations by link, workspaces.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { authApi, canManage, ROLES, teamsApi, workspaceUrl, type Role } from "../api";
import { Header } from "../Header";
import { loadPage } from "../nav";
import { describeError, useAction } from "../hooks";
import { CopyButton, ErrorBox, Field, Loading, Page, Section } from "../ui";
import { CreateWorkspace } from "./Home";

/** An absolute invitation link (the server may answer a path). */
const absolute = (url: string) => new URL(url, location.origin).toString();

function RoleSelect({
  value,
  onChange,
  label,
  testId,
  disabled,
  allowOwner,
}: {
  value: Role;
  onChange: (role: Role) => void;
  label: string;
  testId: string;
  disabled?: boolean;
  allowOwner: boolean;
}) {
  const id = useId();
  return (
    <span className="team-select">
      <label htmlFor={id} className="team-sr">
        {label}
      </label>
      <select
        id={id}
        value={value}
        disabled={disabled}
        onChange={(e) => onChange(e.target.value as Role)}
        data-testid={testId}
      >
        {ROLES.filter((r) => allowOwner || r !== "owner" || value === "owner").map((r) => (
          <option key={r} value={r}>
            {r}
          </option>
        ))}
      </select>
    </span>
  );
}

export function TeamAdmin({ teamId }: { teamId: string }) {
  const me = useQuery({ queryKey: ["me"], queryFn: () => authApi.me() });
  const team = useQuery({ queryKey: ["team", teamId], queryFn: () => teamsApi.get(teamId) });
  const role = team.data?.role ?? me.data?.teams.find((t) => t.id === teamId)?.role;
  const title = team.data ? `Team ${team.data.name}` : "Team";
  return (
    <Page title={title} header={<Header email={me.data?.email} />}>
      {team.isPending && <Loading />}
      <ErrorBox error={team.error ? describeError(team.error) : null} />
      {team.data && (
        <>
          {role && <p className="team-muted">Your role: {role}</p>}
          <Workspaces teamId={teamId} admin={canManage(role)} />
          <Members teamId={teamId} myId={me.data?.id} isOwner={role === "owner"} admin={canManage(role)} />
          {canManage(role) && <Invitations teamId={teamId} isOwner={role === "owner"} />}
        </>
      )}
    </Page>
  );
}

function Workspaces({ teamId, admin }: { teamId: string; admin: boolean }) {
  const workspaces = useQuery({ queryKey: ["workspaces", teamId], queryFn: () => teamsApi.workspaces(teamId) });
  return (
    <Section title="Workspaces" testId="team-workspaces">
      {workspaces.isPending && <Loading />}
      <ErrorBox error={workspaces.error ? describeError(workspaces.error) : null} />
      {workspaces.data?.length === 0 && <p className="team-muted">No workspace yet.</p>}
      {workspaces.data && workspaces.data.length > 0 && (
        <ul className="team-list">
          {workspaces.data.map((w) => (
            <li key={w.id}>
              <a href={workspaceUrl(w)} data-testid={`workspace-link-${w.id}`}>
                {w.name}
              </a>
            </li>
          ))}
        </ul>
      )}
      {admin && <CreateWorkspace teamId={teamId} />}
    </Section>
  );
}

function Members({
  teamId,
  myId,
  isOwner,
  admin,
}: {
  teamId: string;
  myId?: string;
  isOwner: boolean;
  admin: boolean;
}) {
  const client = useQueryClient();
  const members = useQuery({ queryKey: ["members", teamId], queryFn: () => teamsApi.members(teamId) });
  const reload = () => client.invalidateQueries({ queryKey: ["members", teamId] });
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("member");
  const add = useAction(async () => {
    await teamsApi.addMember(teamId, email.trim(), role);
    setEmail("");
    await reload();
  });
  const change = useAction(async (userId: string, next: Role) => {
    try {
      await teamsApi.setRole(teamId, userId, next);
    } finally {
      await reload();
    }
  });
  const remove = useAction(async (userId: string, label: string) => {
    if (!window.confirm(`Remove ${label} from the team?`)) return;
    await teamsApi.removeMember(teamId, userId);
    if (userId === myId) loadPage("/");
    else await reload();
  });
  return (
    <Section title="Members" testId="team-members">
      {members.isPending && <Loading />}
      <ErrorBox error={members.error ? describeError(members.error) : null} />
      {members.data && (
        <table className="team-table">
          <thead>
            <tr>
              <th scope="col">Member</th>
              <th scope="col">Role</th>
              {admin && (
                <th scope="col">
                  <span className="team-sr">Actions</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {members.data.map((m) => {
              const label = m.display_name ? `${m.display_name} (${m.email})` : m.email;
              // Only an owner changes an owner's role or makes owners (the server checks too).
              const editable = admin && (isOwner || m.role !== "owner");
              return (
                <tr key={m.user_id} data-testid={`member-${m.user_id}`}>
                  <td>
                    {label}
                    {m.user_id === myId && " (you)"}
                  </td>
                  <td>
                    {editable ? (
                      <RoleSelect
                        value={m.role}
                        allowOwner={isOwner}
                        disabled={change.busy}
                        label={`Role of ${label}`}
                        testId={`member-role-${m.user_id}`}
                        onChange={(r) => void change.run(m.user_id, r)}
                      />
                    ) : (
                      m.role
                    )}
                  </td>
                  {admin && (
                    <td>
                      {(editable || m.user_id === myId) && (
                        <button
                          type="button"
                          className="btn"
                          disabled={remove.busy}
                          onClick={() => void remove.run(m.user_id, label)}
                          data-testid={`member-remove-${m.user_id}`}
                          aria-label={`Remove ${label}`}
                        >
                          Remove
                        </button>
                      )}
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <ErrorBox error={change.error ?? remove.error} testId="member-error" />
      {admin && (
        <form
          className="team-inline-form"
          aria-label="Add a member"
          onSubmit={(e) => {
            e.preventDefault();
            void add.run();
          }}
        >
          <Field
            label="Add a member by email"
            type="email"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            testId="member-email"
          />
          <RoleSelect
            value={role}
            onChange={setRole}
            allowOwner={isOwner}
            label="Role of the new member"
            testId="member-role"
          />
          <button type="submit" className="btn primary" disabled={add.busy} data-testid="member-add">
            Add
          </button>
          <ErrorBox error={add.error} testId="member-add-error" />
        </form>
      )}
    </Section>
  );
}

function Invitations({ teamId, isOwner }: { teamId: string; isOwner: boolean }) {
  const client = useQueryClient();
  const list = useQuery({
    queryKey: ["invitations", teamId],
    queryFn: () => teamsApi.invitations(teamId),
    retry: false,
  });
  const reload = () => client.invalidateQueries({ queryKey: ["invitations", teamId] });
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("member");
  const [link, setLink] = useState<string | null>(null);
  const create = useAction(async () => {
    const answer = await teamsApi.invite(teamId, role, email.trim());
    setLink(absolute(answer.url || `/invite/${encodeURIComponent(answer.token)}`));
    setEmail("");
    await reload();
  });
  const revoke = useAction(async (id: string) => {
    await teamsApi.revokeInvitation(teamId, id);
    await reload();
  });
  return (
    <Section title="Invitations" testId="team-invitations">
      <form
        className="team-inline-form"
        aria-label="Create an invitation link"
        onSubmit={(e) => {
          e.preventDefault();
          void create.run();
        }}
      >
        <Field
          label="For email (optional)"
          type="email"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          testId="invite-email"
        />
        <RoleSelect
          value={role}
          onChange={setRole}
          allowOwner={isOwner}
          label="Role given by the invitation"
          testId="invite-role"
        />
        <button type="submit" className="btn primary" disabled={create.busy} data-testid="invite-create">
          Create link
        </button>
      </form>
      <ErrorBox error={create.error} testId="invite-error" />
      {link && (
        <p className="team-row">
          <code className="team-secret" data-testid="invite-url">
            {link}
          </code>
          <CopyButton text={link} label="Copy link" testId="invite-copy" />
        </p>
      )}
      {list.error && <p className="team-muted">Cannot list the invitations: {describeError(list.error)}</p>}
      {list.data && list.data.length > 0 && (
        <table className="team-table">
          <thead>
            <tr>
              <th scope="col">For</th>
              <th scope="col">Role</th>
              <th scope="col">Status</th>
              <th scope="col">Expires</th>
              <th scope="col">
                <span className="team-sr">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.data.map((inv) => (
              <tr key={inv.id} data-testid={`invitation-${inv.id}`}>
                <td>{inv.email || "Anyone with the link"}</td>
                <td>{inv.role}</td>
                <td>{inv.status ?? "pending"}</td>
                <td>{inv.expires_at ? new Date(inv.expires_at).toLocaleString() : "—"}</td>
                <td className="team-row">
                  {inv.url && (
                    <CopyButton text={absolute(inv.url)} label="Copy link" testId={`invite-copy-${inv.id}`} />
                  )}
                  {(inv.status ?? "pending") === "pending" && (
                    <button
                      type="button"
                      className="btn"
                      disabled={revoke.busy}
                      onClick={() => void revoke.run(inv.id)}
                      data-testid={`invite-revoke-${inv.id}`}
                    >
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ErrorBox error={revoke.error} />
    </Section>
  );
}
