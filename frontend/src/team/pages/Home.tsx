// Home: the user's teams and their workspaces, create a team or (admins) a workspace.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { authApi, canManage, teamsApi, workspaceUrl, type TeamRef } from "../api";
import { Header } from "../Header";
import { describeError, useAction } from "../hooks";
import { ErrorBox, Field, Link, Loading, Notice, Page, Section } from "../ui";

export function Home() {
  const me = useQuery({ queryKey: ["me"], queryFn: () => authApi.me() });
  const teams = useQuery({ queryKey: ["teams"], queryFn: teamsApi.list });
  return (
    <Page title="Your teams" header={<Header email={me.data?.email} />}>
      {me.data && !me.data.email_verified && <Unverified />}
      {teams.isPending && <Loading />}
      <ErrorBox error={teams.error ? describeError(teams.error) : null} />
      {teams.data?.length === 0 && (
        <p className="team-muted">You are not in a team yet: create one, or open an invitation link.</p>
      )}
      {teams.data?.map((team) => (
        <TeamCard key={team.id} team={team} />
      ))}
      <CreateTeam />
      {me.data?.is_admin && (
        <p className="team-muted">
          Server admin:{" "}
          <Link href="/admin/audit" data-testid="audit-link">
            audit trail
          </Link>
        </p>
      )}
    </Page>
  );
}

function Unverified() {
  const [sent, setSent] = useState(false);
  const resend = useAction(async () => {
    await authApi.resendVerification();
    setSent(true);
  });
  return (
    <>
      <Notice testId="unverified">
        Your email address is not verified yet: open the link we emailed you.{" "}
        {sent ? (
          "A new link is on its way."
        ) : (
          <button
            type="button"
            className="team-linkbtn"
            disabled={resend.busy}
            onClick={() => void resend.run()}
            data-testid="verify-resend"
          >
            Send a new link
          </button>
        )}
      </Notice>
      <ErrorBox error={resend.error} />
    </>
  );
}

function TeamCard({ team }: { team: TeamRef }) {
  const workspaces = useQuery({ queryKey: ["workspaces", team.id], queryFn: () => teamsApi.workspaces(team.id) });
  const admin = canManage(team.role);
  return (
    <Section title={team.name} testId={`team-${team.id}`}>
      <p className="team-muted">
        Your role: <span data-testid={`team-role-${team.id}`}>{team.role}</span>
        {admin && (
          <>
            {" · "}
            <Link href={`/teams/${encodeURIComponent(team.id)}`} data-testid={`team-manage-${team.id}`}>
              Manage team
            </Link>
          </>
        )}
      </p>
      {workspaces.isPending && <Loading />}
      <ErrorBox error={workspaces.error ? describeError(workspaces.error) : null} />
      {workspaces.data && workspaces.data.length === 0 && <p className="team-muted">No workspace yet.</p>}
      {workspaces.data && workspaces.data.length > 0 && (
        <ul className="team-list" aria-label={`Workspaces of ${team.name}`}>
          {workspaces.data.map((w) => (
            <li key={w.id}>
              <a href={workspaceUrl(w)} data-testid={`workspace-link-${w.id}`}>
                {w.name}
              </a>
            </li>
          ))}
        </ul>
      )}
      {admin && <CreateWorkspace teamId={team.id} />}
    </Section>
  );
}

export function CreateWorkspace({ teamId }: { teamId: string }) {
  const client = useQueryClient();
  const [name, setName] = useState("");
  const create = useAction(async () => {
    await teamsApi.createWorkspace(teamId, name.trim());
    setName("");
    await client.invalidateQueries({ queryKey: ["workspaces", teamId] });
  });
  return (
    <form
      className="team-inline-form"
      aria-label="New workspace"
      onSubmit={(e) => {
        e.preventDefault();
        void create.run();
      }}
    >
      <Field
        label="New workspace"
        required
        maxLength={100}
        value={name}
        onChange={(e) => setName(e.target.value)}
        testId="workspace-create-name"
      />
      <button type="submit" className="btn" disabled={create.busy} data-testid="workspace-create-submit">
        Create workspace
      </button>
      <ErrorBox error={create.error} testId="workspace-create-error" />
    </form>
  );
}

function CreateTeam() {
  const client = useQueryClient();
  const [name, setName] = useState("");
  const create = useAction(async () => {
    await teamsApi.create(name.trim());
    setName("");
    await client.invalidateQueries({ queryKey: ["teams"] });
    await client.invalidateQueries({ queryKey: ["me"] });
  });
  return (
    <Section title="Create a team">
      <form
        className="team-inline-form"
        aria-label="Create a team"
        onSubmit={(e) => {
          e.preventDefault();
          void create.run();
        }}
      >
        <Field
          label="Team name"
          required
          maxLength={100}
          value={name}
          onChange={(e) => setName(e.target.value)}
          testId="team-create-name"
        />
        <button type="submit" className="btn primary" disabled={create.busy} data-testid="team-create-submit">
          Create team
        </button>
        <ErrorBox error={create.error} testId="team-create-error" />
      </form>
    </Section>
  );
}
