// Sign up (when the server allows open registration), then sign in with the same password.
import { useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { authApi } from "../api";
import { useAction } from "../hooks";
import { loadPage, safeNext, useLocation, withNext } from "../nav";
import { Card, ErrorBox, Field, Link, Loading, Notice } from "../ui";

export const MIN_PASSWORD = 12;

export function SignUp() {
  const { search } = useLocation();
  const next = safeNext(search.get("next"));
  const config = useQuery({ queryKey: ["auth-config"], queryFn: authApi.config });
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [name, setName] = useState("");
  const [created, setCreated] = useState(false);
  const signUp = useAction(async () => {
    await authApi.register(email.trim(), password, name.trim());
    setCreated(true);
    // Straight in when the server lets a new account sign in (else: "check your email").
    const answer = await authApi.login(email.trim(), password).catch(() => null);
    if (answer && !("mfa_required" in answer)) loadPage(next);
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (password.length < MIN_PASSWORD) {
      signUp.setError(`The password needs at least ${MIN_PASSWORD} characters.`);
      return;
    }
    void signUp.run();
  };
  if (config.isPending) return <Card title="Create your Pairpad account">{<Loading />}</Card>;
  if (config.data && !config.data.open_registration) {
    return (
      <Card title="Create your Pairpad account">
        <Notice testId="registration-closed">
          This server does not take sign-ups. Ask an administrator of your team for an account or an invitation.
        </Notice>
        <p className="team-links">
          <Link href={withNext("/signin", next)}>Sign in</Link>
        </p>
      </Card>
    );
  }
  if (created && !signUp.busy) {
    return (
      <Card title="Account created">
        <Notice testId="signup-done">
          If the address is new to this server, your account is ready: check your email to verify it, then sign in.
        </Notice>
        <p className="team-links">
          <Link href={withNext("/signin", next)} data-testid="signin-link">
            Sign in
          </Link>
        </p>
      </Card>
    );
  }
  return (
    <Card title="Create your Pairpad account">
      <form onSubmit={submit} className="team-form" aria-label="Sign up">
        <Field
          label="Email"
          type="email"
          autoComplete="email"
          required
          autoFocus
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          testId="signup-email"
        />
        <Field
          label="Password"
          type="password"
          autoComplete="new-password"
          required
          minLength={MIN_PASSWORD}
          hint={`At least ${MIN_PASSWORD} characters. Long passphrases are best; common or leaked passwords are refused.`}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          testId="signup-password"
        />
        <Field
          label="Display name (optional)"
          autoComplete="name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          testId="signup-name"
        />
        <ErrorBox error={signUp.error} testId="signup-error" />
        <button type="submit" className="btn primary team-wide" disabled={signUp.busy} data-testid="signup-submit">
          {signUp.busy ? "Creating…" : "Create account"}
        </button>
      </form>
      {config.error && <ErrorBox error="Cannot read the server's sign-up settings." />}
      <p className="team-links">
        Already have an account? <Link href={withNext("/signin", next)}>Sign in</Link>
      </p>
    </Card>
  );
}
