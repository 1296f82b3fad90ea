// Forgotten password: ask for a link by email (always the same answer), then set a new one.
import { useState } from "react";
import { authApi } from "../api";
import { useAction } from "../hooks";
import { linkToken, useLocation } from "../nav";
import { Card, ErrorBox, Field, Link, Notice } from "../ui";
import { MIN_PASSWORD } from "./SignUp";

export function ResetPassword() {
  const { search } = useLocation();
  const token = linkToken(search);
  return token ? <NewPassword token={token} /> : <Forgot />;
}

function Forgot() {
  const [email, setEmail] = useState("");
  const [sent, setSent] = useState(false);
  const send = useAction(async () => {
    await authApi.forgotPassword(email.trim());
    setSent(true);
  });
  return (
    <Card title="Reset your password">
      {sent ? (
        <Notice testId="forgot-sent">
          If an account uses this address, an email with a reset link is on its way. The link works once and expires
          soon.
        </Notice>
      ) : (
        <form
          className="team-form"
          aria-label="Ask for a reset link"
          onSubmit={(e) => {
            e.preventDefault();
            void send.run();
          }}
        >
          <Field
            label="Email"
            type="email"
            autoComplete="email"
            required
            autoFocus
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            testId="forgot-email"
          />
          <ErrorBox error={send.error} testId="forgot-error" />
          <button type="submit" className="btn primary team-wide" disabled={send.busy} data-testid="forgot-submit">
            Email me a reset link
          </button>
        </form>
      )}
      <p className="team-links">
        <Link href="/signin">Back to sign in</Link>
      </p>
    </Card>
  );
}

function NewPassword({ token }: { token: string }) {
  const [password, setPassword] = useState("");
  const [done, setDone] = useState(false);
  const reset = useAction(async () => {
    if (password.length < MIN_PASSWORD) throw new Error(`The password needs at least ${MIN_PASSWORD} characters.`);
    await authApi.resetPassword(token, password);
    setDone(true);
  });
  return (
    <Card title="Choose a new password">
      {done ? (
        <>
          <Notice testId="reset-done">Your password is changed. Sign in with it.</Notice>
          <p className="team-links">
            <Link href="/signin" data-testid="signin-link">
              Sign in
            </Link>
          </p>
        </>
      ) : (
        <form
          className="team-form"
          aria-label="New password"
          onSubmit={(e) => {
            e.preventDefault();
            void reset.run();
          }}
        >
          <Field
            label="New password"
            type="password"
            autoComplete="new-password"
            required
            minLength={MIN_PASSWORD}
            autoFocus
            hint={`At least ${MIN_PASSWORD} characters; common or leaked passwords are refused.`}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            testId="reset-password"
          />
          <ErrorBox error={reset.error} testId="reset-error" />
          <button type="submit" className="btn primary team-wide" disabled={reset.busy} data-testid="reset-submit">
            Set the password
          </button>
        </form>
      )}
    </Card>
  );
}
