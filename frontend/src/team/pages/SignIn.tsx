// Sign in: email + password, OAuth providers, a passkey; then the second factor when asked.
import { useQuery } from "@tanstack/react-query";
import { useEffect, useState, type FormEvent } from "react";
import { authApi, refreshSession, request, type LoginAnswer, type Tokens } from "../api";
import { useAction } from "../hooks";
import { loadPage, safeNext, useLocation, withNext } from "../nav";
import { Card, ErrorBox, Field, Link, Notice } from "../ui";
import { getAssertion, passkeysSupported } from "../webauthn";

interface MfaStep {
  token: string;
  methods: string[];
}

/** Signed in (the cookies are set): load the target page (a workspace is another page). */
function finish(next: string): void {
  loadPage(next);
}

/** Passwordless sign-in, or the passkey as the second factor when `mfaToken` is given. */
async function passkeySignIn(mfaToken?: string): Promise<Tokens> {
  const extra = mfaToken ? { mfa_token: mfaToken } : {};
  const answer = await request<unknown>("/api/auth/passkeys/login/options", { method: "POST", body: extra });
  const { credential, extras } = await getAssertion(answer);
  return request<Tokens>("/api/auth/passkeys/login/verify", {
    method: "POST",
    body: { ...extras, ...extra, credential, cookie: true },
  });
}

const SILENT_KEY = "pairpad.signin.silentRefresh";
const SILENT_EVERY_MS = 30_000;

/**
 * Sent here with a `next` (an expired access cookie on a workspace page load): a still valid
 * refresh cookie renews the session without asking. At most every 30 s, so a page that keeps
 * refusing us cannot bounce back and forth.
 */
function useSilentRenewal(next: string, enabled: boolean): void {
  useEffect(() => {
    if (!enabled || next === "/") return;
    const last = Number(sessionStorage.getItem(SILENT_KEY) ?? 0);
    if (Date.now() - last < SILENT_EVERY_MS) return;
    sessionStorage.setItem(SILENT_KEY, String(Date.now()));
    void refreshSession().then((ok) => {
      if (ok) loadPage(next, true);
    });
  }, [next, enabled]);
}

export function SignIn() {
  const { search } = useLocation();
  const next = safeNext(search.get("next"));
  const urlToken = search.get("mfa_token");
  // After OAuth the callback sends the second factor here: ?mfa_token=…&methods=totp,passkey
  const urlMethods = search.get("methods")?.split(",").filter(Boolean);
  const [mfa, setMfa] = useState<MfaStep | null>(
    urlToken ? { token: urlToken, methods: urlMethods?.length ? urlMethods : ["totp", "recovery"] } : null,
  );
  const config = useQuery({ queryKey: ["auth-config"], queryFn: authApi.config });
  useSilentRenewal(next, !mfa);
  if (mfa) return <MfaForm step={mfa} next={next} onRestart={() => setMfa(null)} />;
  return <PasswordForm next={next} config={config.data} onMfa={setMfa} oauthError={search.get("error")} />;
}

function PasswordForm({
  next,
  config,
  onMfa,
  oauthError,
}: {
  next: string;
  config: Awaited<ReturnType<typeof authApi.config>> | undefined;
  onMfa: (step: MfaStep) => void;
  oauthError: string | null;
}) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const login = useAction(async () => {
    const answer: LoginAnswer = await authApi.login(email.trim(), password);
    if ("mfa_required" in answer && answer.mfa_required) {
      onMfa({ token: answer.mfa_token, methods: answer.methods ?? ["totp", "recovery"] });
      return;
    }
    finish(next);
  });
  const passkey = useAction(async () => {
    await passkeySignIn();
    finish(next);
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void login.run();
  };
  return (
    <Card title="Sign in to Pairpad">
      {oauthError && <ErrorBox error={oauthError} testId="oauth-error" />}
      <form onSubmit={submit} className="team-form" aria-label="Sign in with email and password">
        <Field
          label="Email"
          type="email"
          name="email"
          autoComplete="username webauthn"
          required
          autoFocus
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          testId="signin-email"
        />
        <Field
          label="Password"
          type="password"
          name="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          testId="signin-password"
        />
        <ErrorBox error={login.error} testId="signin-error" />
        <button type="submit" className="btn primary team-wide" disabled={login.busy} data-testid="signin-submit">
          {login.busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
      <p className="team-links">
        <Link href="/reset-password" data-testid="forgot-password">
          Forgot your password?
        </Link>
        {config?.open_registration && (
          <Link href={withNext("/signup", next)} data-testid="signup-link">
            Create an account
          </Link>
        )}
      </p>
      {((config?.oauth.length ?? 0) > 0 || (config?.passkeys && passkeysSupported())) && (
        <div className="team-alt" role="group" aria-label="Other ways to sign in">
          <div className="team-divider">or</div>
          {config?.oauth.map((p) => (
            <a
              key={p.name}
              className="btn team-wide team-oauth"
              href={`/api/auth/oauth/${encodeURIComponent(p.name)}/start?next=${encodeURIComponent(next)}`}
              data-testid={`oauth-${p.name}`}
            >
              Continue with {p.label}
            </a>
          ))}
          {config?.passkeys && passkeysSupported() && (
            <button
              type="button"
              className="btn team-wide"
              disabled={passkey.busy}
              onClick={() => void passkey.run()}
              data-testid="signin-passkey"
            >
              Sign in with a passkey
            </button>
          )}
          <ErrorBox error={passkey.error} testId="passkey-error" />
        </div>
      )}
    </Card>
  );
}

function MfaForm({ step, next, onRestart }: { step: MfaStep; next: string; onRestart: () => void }) {
  const [recovery, setRecovery] = useState(false);
  const [code, setCode] = useState("");
  const verify = useAction(async () => {
    await authApi.mfaVerify(step.token, recovery ? code.trim() : code.replace(/\s/g, ""));
    finish(next);
  });
  const passkey = useAction(async () => {
    await passkeySignIn(step.token);
    finish(next);
  });
  const canPasskey = step.methods.includes("passkey") && passkeysSupported();
  const canRecovery = step.methods.includes("recovery") || step.methods.length === 0;
  return (
    <Card title="Two-step verification">
      <form
        className="team-form"
        aria-label="Second factor"
        onSubmit={(e) => {
          e.preventDefault();
          void verify.run();
        }}
      >
        {recovery ? (
          <Field
            key="recovery"
            label="Recovery code"
            hint="One of the ten codes you saved when you turned on two-step verification. Each works once."
            autoComplete="off"
            autoCapitalize="off"
            spellCheck={false}
            required
            autoFocus
            value={code}
            onChange={(e) => setCode(e.target.value)}
            testId="mfa-code"
          />
        ) : (
          <Field
            key="totp"
            label="6-digit code from your authenticator app"
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="[0-9 ]{6,7}"
            maxLength={7}
            required
            autoFocus
            value={code}
            onChange={(e) => setCode(e.target.value)}
            testId="mfa-code"
          />
        )}
        <ErrorBox error={verify.error} testId="mfa-error" />
        <button type="submit" className="btn primary team-wide" disabled={verify.busy} data-testid="mfa-submit">
          {verify.busy ? "Checking…" : "Verify"}
        </button>
      </form>
      <div className="team-links">
        {canRecovery && (
          <button
            type="button"
            className="team-linkbtn"
            data-testid="mfa-toggle-recovery"
            onClick={() => {
              setRecovery(!recovery);
              setCode("");
              verify.setError(null);
            }}
          >
            {recovery ? "Use your authenticator app" : "Use a recovery code"}
          </button>
        )}
        <button type="button" className="team-linkbtn" onClick={onRestart} data-testid="mfa-restart">
          Start over
        </button>
      </div>
      {canPasskey && (
        <div className="team-alt">
          <button
            type="button"
            className="btn team-wide"
            disabled={passkey.busy}
            onClick={() => void passkey.run()}
            data-testid="mfa-passkey"
          >
            Use a passkey
          </button>
          <ErrorBox error={passkey.error} testId="passkey-error" />
        </div>
      )}
      {step.methods.length > 0 && !step.methods.some((m) => m === "totp" || m === "recovery") && !canPasskey && (
        <Notice>This account's second factor is not available in this browser.</Notice>
      )}
    </Card>
  );
}
