// Email verification: the emailed link's token, confirmed by a click (a link scanner that
// merely opens the page verifies nothing).
import { useState } from "react";
import { authApi } from "../api";
import { useAction } from "../hooks";
import { linkToken, useLocation } from "../nav";
import { Card, ErrorBox, Link, Notice } from "../ui";

export function VerifyEmail() {
  const { search } = useLocation();
  const token = linkToken(search) ?? "";
  const [done, setDone] = useState(false);
  const verify = useAction(async () => {
    await authApi.verifyEmail(token);
    setDone(true);
  });
  return (
    <Card title="Verify your email">
      {!token && <ErrorBox error="This link has no token: open the link from the email again." />}
      {done ? (
        <Notice testId="verify-done">Your email address is verified.</Notice>
      ) : (
        token && (
          <button
            type="button"
            className="btn primary team-wide"
            disabled={verify.busy}
            onClick={() => void verify.run()}
            data-testid="verify-submit"
          >
            Verify my email address
          </button>
        )
      )}
      <ErrorBox error={verify.error} testId="verify-error" />
      <p className="team-links">
        <Link href="/">Go to your teams</Link>
      </p>
    </Card>
  );
}
