// Team mode's pages outside a workspace, chosen by location.pathname.
import { useEffect } from "react";
import { useLocation } from "./nav";
import { Account } from "./pages/Account";
import { AuditLog } from "./pages/AuditLog";
import { Home } from "./pages/Home";
import { Invite } from "./pages/Invite";
import { LinkAccount } from "./pages/LinkAccount";
import { ResetPassword } from "./pages/ResetPassword";
import { SignIn } from "./pages/SignIn";
import { SignUp } from "./pages/SignUp";
import { TeamAdmin } from "./pages/TeamAdmin";
import { VerifyEmail } from "./pages/VerifyEmail";
import { routeOf, type Route } from "./routes";
import { Card, Link } from "./ui";

const TITLES: Record<Route["page"], string> = {
  home: "Your teams",
  signin: "Sign in",
  signup: "Sign up",
  account: "Account",
  link: "Link a provider",
  team: "Team",
  invite: "Invitation",
  reset: "Reset password",
  verify: "Verify email",
  audit: "Audit trail",
  notfound: "Not found",
};

export function TeamApp() {
  const { pathname } = useLocation();
  const route = routeOf(pathname);
  useEffect(() => {
    document.title = `${TITLES[route.page]} · Pairpad`;
  }, [route.page]);
  switch (route.page) {
    case "home":
      return <Home />;
    case "signin":
      return <SignIn />;
    case "signup":
      return <SignUp />;
    case "account":
      return <Account />;
    case "link":
      return <LinkAccount />;
    case "team":
      return <TeamAdmin key={route.teamId} teamId={route.teamId} />;
    case "invite":
      return <Invite token={route.token} />;
    case "reset":
      return <ResetPassword />;
    case "verify":
      return <VerifyEmail />;
    case "audit":
      return <AuditLog />;
    case "notfound":
      return (
        <Card title="Page not found">
          <p className="team-links">
            <Link href="/">Go to your teams</Link>
          </p>
        </Card>
      );
  }
}
