// Account: profile, password, two-step verification (TOTP + recovery codes), passkeys,
// sessions (devices) and linked sign-in providers.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { authApi, request, type Me, type TotpSetup } from "../api";
import { Header } from "../Header";
import { loadPage } from "../nav";
import { describeError, useAction } from "../hooks";
import { CopyButton, ErrorBox, Field, Loading, Notice, Page, Section } from "../ui";
import { createCredential, passkeysSupported } from "../webauthn";
import { MIN_PASSWORD } from "./SignUp";

const when = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : "—");

export function Account() {
  const me = useQuery({ queryKey: ["me"], queryFn: () => authApi.me() });
  return (
    <Page title="Your account" header={<Header email={me.data?.email} />}>
      {me.isPending && <Loading />}
      <ErrorBox error={me.error ? describeError(me.error) : null} />
      {me.data && (
        <>
          <Profile me={me.data} />
          <ChangePassword hasPassword={me.data.has_password !== false} />
          <TwoStep me={me.data} />
          <Passkeys me={me.data} />
          <Sessions />
          <LinkedAccounts />
        </>
      )}
    </Page>
  );
}

function Profile({ me }: { me: Me }) {
  return (
    <Section title="Profile" testId="profile">
      <dl className="team-dl">
        <dt>Email</dt>
        <dd data-testid="profile-email">
          {me.email} {me.email_verified ? "(verified)" : "(not verified)"}
        </dd>
        <dt>Display name</dt>
        <dd data-testid="profile-name">{me.display_name || "—"}</dd>
        <dt>Teams</dt>
        <dd>{me.teams.length ? me.teams.map((t) => `${t.name} (${t.role})`).join(", ") : "—"}</dd>
        {me.is_admin && (
          <>
            <dt>Server</dt>
            <dd>Administrator</dd>
          </>
        )}
      </dl>
    </Section>
  );
}

function ChangePassword({ hasPassword }: { hasPassword: boolean }) {
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [done, setDone] = useState(false);
  const change = useAction(async () => {
    setDone(false);
    if (next.length < MIN_PASSWORD) throw new Error(`The new password needs at least ${MIN_PASSWORD} characters.`);
    await authApi.changePassword(current, next);
    setCurrent("");
    setNext("");
    setDone(true);
  });
  return (
    <Section title="Password">
      <form
        className="team-form"
        aria-label="Change password"
        onSubmit={(e) => {
          e.preventDefault();
          void change.run();
        }}
      >
        <input type="text" name="username" autoComplete="username" hidden readOnly />
        {hasPassword ? (
          <Field
            label="Current password"
            type="password"
            autoComplete="current-password"
            required
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
            testId="password-current"
          />
        ) : (
          <p className="team-muted">You sign in through a provider: set a password to sign in with it too.</p>
        )}
        <Field
          label="New password"
          type="password"
          autoComplete="new-password"
          required
          minLength={MIN_PASSWORD}
          hint={`At least ${MIN_PASSWORD} characters; common or leaked passwords are refused.`}
          value={next}
          onChange={(e) => setNext(e.target.value)}
          testId="password-new"
        />
        <ErrorBox error={change.error} testId="password-error" />
        {done && <Notice testId="password-changed">Password changed.</Notice>}
        <div>
          <button type="submit" className="btn primary" disabled={change.busy} data-testid="password-change-submit">
            Change password
          </button>
        </div>
      </form>
    </Section>
  );
}

/** The ten recovery codes, shown once, with copy and download. */
function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const text = codes.join("\n") + "\n";
  const download = () => {
    const url = URL.createObjectURL(new Blob([text], { type: "text/plain" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = "pairpad-recovery-codes.txt";
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };
  return (
    <div className="team-codes">
      <Notice>
        Save these recovery codes somewhere safe. Each one signs you in once if you lose your authenticator. They are
        shown only now.
      </Notice>
      <ol className="team-code-list" data-testid="recovery-codes" aria-label="Recovery codes">
        {codes.map((c) => (
          <li key={c}>
            <code>{c}</code>
          </li>
        ))}
      </ol>
      <div className="team-row">
        <CopyButton text={text} label="Copy codes" testId="recovery-codes-copy" />
        <button type="button" className="btn" onClick={download} data-testid="recovery-codes-download">
          Download
        </button>
        <button type="button" className="btn primary" onClick={onDone} data-testid="recovery-codes-done">
          I saved them
        </button>
      </div>
    </div>
  );
}

/**
 * The segno SVG as an <img> (a data: URL: no markup from the server enters the page). An SVG
 * image needs the SVG namespace, which an SVG written for inline use may leave out.
 */
function qrDataUrl(svg: string): string {
  if (!/<svg\b[^>]*\bxmlns=/.test(svg)) svg = svg.replace(/<svg\b/, '<svg xmlns="http://www.w3.org/2000/svg"');
  const bytes = new TextEncoder().encode(svg);
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return `data:image/svg+xml;base64,${btoa(binary)}`;
}

function TwoStep({ me }: { me: Me }) {
  const client = useQueryClient();
  const [setup, setSetup] = useState<TotpSetup | null>(null);
  const [code, setCode] = useState("");
  const [codes, setCodes] = useState<string[] | null>(null);
  const [disablePassword, setDisablePassword] = useState("");
  const [disableCode, setDisableCode] = useState("");
  const refreshMe = () => client.invalidateQueries({ queryKey: ["me"] });
  const start = useAction(async () => {
    setSetup(await authApi.totpSetup());
    setCode("");
  });
  const enable = useAction(async () => {
    const answer = await authApi.totpEnable(code.replace(/\s/g, ""));
    setSetup(null);
    setCodes(answer.recovery_codes);
    await refreshMe(); // "On" underneath the codes already
  });
  const disable = useAction(async () => {
    await authApi.totpDisable({ password: disablePassword || undefined, code: disableCode.trim() || undefined });
    setDisablePassword("");
    setDisableCode("");
    await refreshMe();
  });
  const regenerate = useAction(async () => {
    setCodes((await authApi.recoveryCodes()).recovery_codes);
  });

  if (codes) {
    return (
      <Section title="Two-step verification" testId="totp">
        <RecoveryCodes codes={codes} onDone={() => setCodes(null)} />
      </Section>
    );
  }
  if (!me.totp_enabled) {
    return (
      <Section title="Two-step verification" testId="totp">
        <p className="team-muted" data-testid="totp-status">
          Off. Turn it on to ask for a code from an authenticator app after your password.
        </p>
        {!setup && (
          <button
            type="button"
            className="btn primary"
            disabled={start.busy}
            onClick={() => void start.run()}
            data-testid="totp-setup"
          >
            Set up an authenticator app
          </button>
        )}
        <ErrorBox error={start.error} testId="totp-setup-error" />
        {setup && (
          <form
            className="team-form"
            aria-label="Turn on two-step verification"
            onSubmit={(e) => {
              e.preventDefault();
              void enable.run();
            }}
          >
            <p>Scan this QR code with your authenticator app, or type the key below into it.</p>
            <img
              className="team-qr"
              src={qrDataUrl(setup.qr_svg)}
              alt="QR code of the authenticator key"
              width={200}
              height={200}
              data-testid="totp-qr"
            />
            <p>
              Key:{" "}
              <code className="team-secret" data-testid="totp-secret">
                {setup.secret}
              </code>{" "}
              <CopyButton text={setup.secret} label="Copy key" testId="totp-secret-copy" />
            </p>
            <Field
              label="6-digit code from the app"
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="[0-9 ]{6,7}"
              maxLength={7}
              required
              value={code}
              onChange={(e) => setCode(e.target.value)}
              testId="totp-code"
            />
            <ErrorBox error={enable.error} testId="totp-enable-error" />
            <div className="team-row">
              <button type="submit" className="btn primary" disabled={enable.busy} data-testid="totp-enable">
                Turn on
              </button>
              <button type="button" className="btn" onClick={() => setSetup(null)} data-testid="totp-cancel">
                Cancel
              </button>
            </div>
          </form>
        )}
      </Section>
    );
  }
  return (
    <Section title="Two-step verification" testId="totp">
      <p data-testid="totp-status">On: sign-in asks for a code from your authenticator app.</p>
      <div className="team-row">
        <button
          type="button"
          className="btn"
          disabled={regenerate.busy}
          onClick={() => void regenerate.run()}
          data-testid="recovery-regenerate"
        >
          New recovery codes
        </button>
      </div>
      <ErrorBox error={regenerate.error} />
      <form
        className="team-form"
        aria-label="Turn off two-step verification"
        onSubmit={(e) => {
          e.preventDefault();
          void disable.run();
        }}
      >
        <h3>Turn off</h3>
        <Field
          label="Password"
          type="password"
          autoComplete="current-password"
          value={disablePassword}
          onChange={(e) => setDisablePassword(e.target.value)}
          testId="totp-disable-password"
        />
        <Field
          label="Or a current code"
          inputMode="numeric"
          autoComplete="one-time-code"
          value={disableCode}
          onChange={(e) => setDisableCode(e.target.value)}
          testId="totp-disable-code"
        />
        <ErrorBox error={disable.error} testId="totp-disable-error" />
        <div>
          <button type="submit" className="btn danger" disabled={disable.busy} data-testid="totp-disable">
            Turn off two-step verification
          </button>
        </div>
      </form>
    </Section>
  );
}

function Passkeys({ me }: { me: Me }) {
  const client = useQueryClient();
  const list = useQuery({
    queryKey: ["passkeys"],
    // The dedicated list; `me.passkeys` when the server answers it there instead.
    queryFn: () => authApi.passkeys().catch(() => me.passkeys),
  });
  const [name, setName] = useState("");
  const add = useAction(async () => {
    const options = await request<unknown>("/api/auth/passkeys/register/options", {
      method: "POST",
      body: { name: name.trim() || undefined },
    });
    const { credential, extras } = await createCredential(options);
    await request<unknown>("/api/auth/passkeys/register/verify", {
      method: "POST",
      body: { ...extras, credential, name: name.trim() || undefined },
    });
    setName("");
    await client.invalidateQueries({ queryKey: ["passkeys"] });
    await client.invalidateQueries({ queryKey: ["me"] });
  });
  const remove = useAction(async (id: string) => {
    await authApi.deletePasskey(id);
    await client.invalidateQueries({ queryKey: ["passkeys"] });
    await client.invalidateQueries({ queryKey: ["me"] });
  });
  return (
    <Section title="Passkeys" testId="passkeys">
      {list.isPending && <Loading />}
      <ErrorBox error={list.error ? describeError(list.error) : null} />
      {list.data && list.data.length === 0 && <p className="team-muted">No passkey yet.</p>}
      {list.data && list.data.length > 0 && (
        <table className="team-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Added</th>
              <th scope="col">Last used</th>
              <th scope="col">
                <span className="team-sr">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.data.map((p) => (
              <tr key={p.id} data-testid={`passkey-${p.id}`}>
                <td>{p.name || "Passkey"}</td>
                <td>{when(p.created_at)}</td>
                <td>{when(p.last_used_at)}</td>
                <td>
                  <button
                    type="button"
                    className="btn"
                    disabled={remove.busy}
                    onClick={() => void remove.run(p.id)}
                    data-testid={`passkey-delete-${p.id}`}
                    aria-label={`Delete passkey ${p.name || p.id}`}
                  >
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ErrorBox error={remove.error} />
      {passkeysSupported() ? (
        <form
          className="team-inline-form"
          aria-label="Add a passkey"
          onSubmit={(e) => {
            e.preventDefault();
            void add.run();
          }}
        >
          <Field
            label="Passkey name (optional)"
            value={name}
            onChange={(e) => setName(e.target.value)}
            testId="passkey-name"
          />
          <button type="submit" className="btn" disabled={add.busy} data-testid="passkey-add">
            Add a passkey
          </button>
          <ErrorBox error={add.error} testId="passkey-add-error" />
        </form>
      ) : (
        <p className="team-muted">This browser cannot make passkeys.</p>
      )}
    </Section>
  );
}

function Sessions() {
  const client = useQueryClient();
  const sessions = useQuery({ queryKey: ["sessions"], queryFn: authApi.sessions });
  const revoke = useAction(async (id: string, current: boolean) => {
    await authApi.revokeSession(id);
    if (current) loadPage("/signin");
    else await client.invalidateQueries({ queryKey: ["sessions"] });
  });
  const everywhere = useAction(async () => {
    await authApi.logoutAll();
    loadPage("/signin");
  });
  return (
    <Section title="Sessions" testId="sessions">
      <p className="team-muted">The browsers and devices signed in to your account.</p>
      {sessions.isPending && <Loading />}
      <ErrorBox error={sessions.error ? describeError(sessions.error) : null} />
      {sessions.data && (
        <table className="team-table">
          <thead>
            <tr>
              <th scope="col">Device</th>
              <th scope="col">IP</th>
              <th scope="col">Signed in</th>
              <th scope="col">Last active</th>
              <th scope="col">
                <span className="team-sr">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {sessions.data.map((s) => (
              <tr key={s.id} data-testid={`session-${s.id}`} data-current={s.current || undefined}>
                <td>
                  {s.user_agent || "Unknown device"}
                  {s.current && <strong> (this browser)</strong>}
                </td>
                <td>{s.ip || "—"}</td>
                <td>{when(s.created_at)}</td>
                <td>{when(s.last_used_at)}</td>
                <td>
                  <button
                    type="button"
                    className="btn"
                    disabled={revoke.busy}
                    onClick={() => void revoke.run(s.id, s.current)}
                    data-testid={`session-revoke-${s.id}`}
                  >
                    Sign out
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ErrorBox error={revoke.error} />
      <div className="team-row">
        <button
          type="button"
          className="btn danger"
          disabled={everywhere.busy}
          onClick={() => void everywhere.run()}
          data-testid="signout-everywhere"
        >
          Sign out everywhere
        </button>
      </div>
      <ErrorBox error={everywhere.error} />
    </Section>
  );
}

function LinkedAccounts() {
  const config = useQuery({ queryKey: ["auth-config"], queryFn: authApi.config });
  const client = useQueryClient();
  const identities = useQuery({ queryKey: ["identities"], queryFn: authApi.identities, retry: false });
  const unlink = useAction(async (provider: string) => {
    await authApi.unlink(provider);
    await client.invalidateQueries({ queryKey: ["identities"] });
  });
  const providers = config.data?.oauth ?? [];
  if (providers.length === 0 && !identities.data?.length) return null;
  const label = (name: string) => providers.find((p) => p.name === name)?.label ?? name;
  return (
    <Section title="Linked sign-in providers" testId="linked-accounts">
      {identities.data && identities.data.length > 0 ? (
        <ul className="team-list">
          {identities.data.map((i) => (
            <li key={i.provider} data-testid={`linked-${i.provider}`} className="team-row">
              <span>
                {i.label ?? label(i.provider)}
                {i.email ? ` — ${i.email}` : ""}
              </span>
              <button
                type="button"
                className="btn"
                disabled={unlink.busy}
                onClick={() => void unlink.run(i.provider)}
                data-testid={`unlink-${i.provider}`}
              >
                Unlink
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="team-muted">{identities.isPending ? "Loading…" : "No provider linked."}</p>
      )}
      <ErrorBox error={unlink.error} testId="unlink-error" />
      {providers.length > 0 && (
        <div className="team-row">
          {providers.map((p) => (
            <a
              key={p.name}
              className="btn"
              href={`/api/auth/oauth/${encodeURIComponent(p.name)}/start?next=${encodeURIComponent("/account")}`}
              data-testid={`link-${p.name}`}
            >
              Link {p.label}
            </a>
          ))}
        </div>
      )}
    </Section>
  );
}
