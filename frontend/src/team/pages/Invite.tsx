// An invitation link: which team and role; accept when signed in, else sign in / up first.
import { useQuery } from "@tanstack/react-query";
import { authApi, teamsApi } from "../api";
import { describeError, useAction } from "../hooks";
import { navigate, withNext } from "../nav";
import { Card, ErrorBox, Link, Loading } from "../ui";

export function Invite({ token }: { token: string }) {
  const here = `/invite/${encodeURIComponent(token)}`;
  const invite = useQuery({ queryKey: ["invitation", token], queryFn: () => teamsApi.invitation(token), retry: false });
  // Signed out is a normal state here: no redirect to /signin.
  const me = useQuery({ queryKey: ["me", "optional"], queryFn: () => authApi.me(false), retry: false });
  const accept = useAction(async () => {
    await teamsApi.accept(token);
    navigate("/"); // the home page lists the team's workspaces
  });
  if (invite.isPending || me.isPending) return <Card title="Invitation">{<Loading />}</Card>;
  if (invite.error) {
    return (
      <Card title="Invitation">
        <ErrorBox error={describeError(invite.error)} testId="invite-invalid" />
        <p className="team-links">
          <Link href="/">Go to your teams</Link>
        </p>
      </Card>
    );
  }
  const info = invite.data;
  const teamName = info.team_name ?? info.team?.name ?? "a team";
  return (
    <Card title={`Join ${teamName}`}>
      <p data-testid="invite-summary">
        You are invited to join <strong>{teamName}</strong> as <strong>{info.role}</strong>
        {info.email ? ` (for ${info.email})` : ""}.
      </p>
      {me.data ? (
        <>
          <p className="team-muted">Signed in as {me.data.email}.</p>
          <ErrorBox error={accept.error} testId="invite-accept-error" />
          <button
            type="button"
            className="btn primary team-wide"
            disabled={accept.busy}
            onClick={() => void accept.run()}
            data-testid="invite-accept"
          >
            Accept the invitation
          </button>
        </>
      ) : (
        <div className="team-row">
          <Link className="btn primary" href={withNext("/signin", here)} data-testid="invite-signin">
            Sign in to accept
          </Link>
          <Link className="btn" href={withNext("/signup", here)} data-testid="invite-signup">
            Create an account
          </Link>
        </div>
      )}
    </Card>
  );
}
