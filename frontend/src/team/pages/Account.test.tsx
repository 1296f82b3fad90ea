// @vitest-environment jsdom
// The account page's two-step enrolment against a fake server: setup shows the QR as a data:
// image and the key, the code turns it on, and the ten recovery codes are shown once.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Account } from "./Account";

const ME = {
  id: "u1",
  email: "ada@example.com",
  display_name: "Ada",
  email_verified: true,
  is_admin: false,
  totp_enabled: false,
  has_password: true,
  passkeys: [],
  teams: [],
};
const CODES = Array.from({ length: 10 }, (_, i) => `code-${i}`);
// segno's inline SVG has no namespace: an <img> needs one to draw it.
const SVG = '<svg width="10" height="10" class="segno"><rect width="10" height="10"/></svg>';
const SVG_NS =
  '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" class="segno"><rect width="10" height="10"/></svg>';

let calls: { url: string; method: string; body: unknown }[];
let me: typeof ME;

beforeEach(() => {
  calls = [];
  me = { ...ME };
  const routes: Record<string, () => unknown> = {
    "GET /api/auth/me": () => me,
    "GET /api/auth/config": () => ({ mode: "team", open_registration: true, oauth: [], passkeys: true }),
    "GET /api/auth/passkeys": () => ({ passkeys: [] }),
    "GET /api/auth/sessions": () => ({
      sessions: [
        { id: "s1", created_at: null, last_used_at: null, user_agent: "Test", ip: "127.0.0.1", current: true },
      ],
    }),
    "GET /api/auth/oauth/links": () => ({ links: [] }),
    "POST /api/auth/totp/setup": () => ({ secret: "JBSWY3DPEHPK3PXP", otpauth_uri: "otpauth://totp/x", qr_svg: SVG }),
    "POST /api/auth/totp/enable": () => {
      me = { ...me, totp_enabled: true };
      return { recovery_codes: CODES };
    },
  };
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string, init?: RequestInit) => {
      const method = init?.method ?? "GET";
      calls.push({ url, method, body: init?.body ? JSON.parse(init.body as string) : undefined });
      const route = routes[`${method} ${url}`];
      return route
        ? new Response(JSON.stringify(route()), { status: 200 })
        : new Response(JSON.stringify({ detail: "Not Found" }), { status: 404 });
    }),
  );
  history.replaceState(null, "", "/account");
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe("account page: two-step enrolment", () => {
  it("shows the QR and key, turns TOTP on with the code and shows the recovery codes once", async () => {
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    render(
      <QueryClientProvider client={client}>
        <Account />
      </QueryClientProvider>,
    );
    fireEvent.click(await screen.findByTestId("totp-setup"));
    const qr = await screen.findByTestId<HTMLImageElement>("totp-qr");
    expect(qr.getAttribute("src")).toBe(`data:image/svg+xml;base64,${btoa(SVG_NS)}`);
    expect(qr.alt).toMatch(/QR code/);
    expect(screen.getByTestId("totp-secret").textContent).toBe("JBSWY3DPEHPK3PXP");
    expect(screen.getByLabelText("6-digit code from the app")).toBe(screen.getByTestId("totp-code"));

    fireEvent.change(screen.getByTestId("totp-code"), { target: { value: "123 456" } });
    fireEvent.click(screen.getByTestId("totp-enable"));
    const list = await screen.findByTestId("recovery-codes");
    await waitFor(() => expect(calls.filter((c) => c.url === "/api/auth/me")).toHaveLength(2));
    expect(
      within(list)
        .getAllByRole("listitem")
        .map((li) => li.textContent),
    ).toEqual(CODES);
    expect(calls.find((c) => c.url === "/api/auth/totp/enable")!.body).toEqual({ code: "123456" });

    fireEvent.click(screen.getByTestId("recovery-codes-done"));
    expect(screen.queryByTestId("recovery-codes")).toBeNull();
    await waitFor(() => expect(screen.getByTestId("totp-status").textContent).toMatch(/^On/));
  });
});
