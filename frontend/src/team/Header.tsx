// The signed-in pages' top bar: home, account, sign out.
import { authApi } from "./api";
import { useAction } from "./hooks";
import { loadPage } from "./nav";
import { Link } from "./ui";

/** POST /api/auth/logout {} (revokes this device's session, clears the cookies), then /signin. */
async function signOut(): Promise<void> {
  await authApi.logout().catch(() => undefined);
  loadPage("/signin");
}

export function Header({ email }: { email?: string }) {
  const out = useAction(signOut);
  return (
    <header className="team-header">
      <nav aria-label="Main">
        <Link href="/" className="team-brand-link" data-testid="nav-home">
          Pairpad
        </Link>
        <Link href="/account" data-testid="nav-account">
          Account
        </Link>
      </nav>
      <div className="team-header-end">
        {email && (
          <span className="team-muted" data-testid="signed-in-as">
            {email}
          </span>
        )}
        <button type="button" className="btn" data-testid="signout" disabled={out.busy} onClick={() => void out.run()}>
          Sign out
        </button>
      </div>
    </header>
  );
}
