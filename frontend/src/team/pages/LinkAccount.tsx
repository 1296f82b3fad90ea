// Linking an OAuth identity whose verified email matches this account: only on the signed-in
// user's explicit confirmation (POST /api/auth/oauth/link/confirm {handle}).
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { authApi } from "../api";
import { describeError, useAction } from "../hooks";
import { navigate, useLocation } from "../nav";
import { Card, ErrorBox, Link, Loading, Notice } from "../ui";

export function LinkAccount() {
  const { search } = useLocation();
  const handle = search.get("handle") ?? "";
  const me = useQuery({ queryKey: ["me"], queryFn: () => authApi.me() });
  // What waits for confirmation (GET /api/auth/oauth/link?handle=): provider and its email.
  const pending = useQuery({
    queryKey: ["pending-link", handle],
    queryFn: () => authApi.pendingLink(handle),
    enabled: !!handle && !!me.data,
  });
  const provider = pending.data?.label ?? pending.data?.provider;
  const [done, setDone] = useState(false);
  const confirm = useAction(async () => {
    await authApi.confirmLink(handle);
    setDone(true);
  });
  if (!handle) {
    return (
      <Card title="Link a sign-in provider">
        <ErrorBox error="This link is incomplete: start again from the sign-in page." />
      </Card>
    );
  }
  if (me.isPending || (me.data && pending.isPending)) return <Card title="Link a sign-in provider">{<Loading />}</Card>;
  if (done) {
    return (
      <Card title="Provider linked">
        <Notice testId="link-done">You can now sign in with {provider ?? "this provider"} too.</Notice>
        <button type="button" className="btn primary team-wide" onClick={() => navigate("/account")}>
          Go to your account
        </button>
      </Card>
    );
  }
  return (
    <Card title="Link a sign-in provider">
      <ErrorBox error={me.error ? describeError(me.error) : null} />
      <ErrorBox error={pending.error ? describeError(pending.error) : null} testId="link-invalid" />
      {pending.data && (
        <p data-testid="link-summary">
          Sign in to {me.data ? <strong>{me.data.email}</strong> : "this account"} with your <strong>{provider}</strong>{" "}
          account <strong>{pending.data.email}</strong> from now on? Only confirm if you started this yourself.
        </p>
      )}
      <ErrorBox error={confirm.error} testId="link-error" />
      <div className="team-row">
        <button
          type="button"
          className="btn primary"
          disabled={confirm.busy || !pending.data}
          onClick={() => void confirm.run()}
          data-testid="link-confirm"
        >
          Link the accounts
        </button>
        <Link className="btn" href="/account" data-testid="link-cancel">
          Cancel
        </Link>
      </div>
    </Card>
  );
}
