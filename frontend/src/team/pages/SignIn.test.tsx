// @vitest-environment jsdom
// The sign-in page against a fake server: wrong password and 429 shown plainly, the MFA step
// after a password, `?mfa_token=` (after OAuth) going straight to it, and `next=` honoured.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { loadPage } from "../nav";
import { SignIn } from "./SignIn";

vi.mock("../nav", async (original) => ({ ...(await original<typeof import("../nav")>()), loadPage: vi.fn() }));

type Answer = { status: number; body: unknown; headers?: Record<string, string> };
let answers: Record<string, Answer[]>;
let calls: { url: string; body: unknown }[];
const load = vi.mocked(loadPage);

function answer(url: string, ...list: Answer[]) {
  answers[url] = list;
}

beforeEach(() => {
  answers = {};
  calls = [];
  answer("/api/auth/config", {
    status: 200,
    body: { mode: "team", open_registration: true, oauth: [{ name: "github", label: "GitHub" }], passkeys: true },
  });
  answer("/api/auth/refresh", { status: 401, body: { detail: "No refresh token" } });
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string, init?: RequestInit) => {
      calls.push({ url, body: init?.body ? JSON.parse(init.body as string) : undefined });
      const queue = answers[url] ?? [{ status: 404, body: { detail: "Not Found" } }];
      const next = queue.length > 1 ? queue.shift()! : queue[0];
      return new Response(JSON.stringify(next.body), { status: next.status, headers: next.headers });
    }),
  );
  load.mockReset();
  sessionStorage.clear();
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function renderPage(href: string) {
  history.replaceState(null, "", href);
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <SignIn />
    </QueryClientProvider>,
  );
}

function signIn(email: string, password: string) {
  fireEvent.change(screen.getByTestId("signin-email"), { target: { value: email } });
  fireEvent.change(screen.getByTestId("signin-password"), { target: { value: password } });
  fireEvent.click(screen.getByTestId("signin-submit"));
}

describe("sign-in page", () => {
  it("labels its inputs and links the OAuth providers with next=", async () => {
    renderPage("/signin?next=%2Fw%2Fws1%2F");
    expect(screen.getByLabelText("Email")).toBe(screen.getByTestId("signin-email"));
    expect(screen.getByLabelText("Password")).toBe(screen.getByTestId("signin-password"));
    const github = await screen.findByTestId("oauth-github");
    expect(github.getAttribute("href")).toBe("/api/auth/oauth/github/start?next=%2Fw%2Fws1%2F");
  });

  it("shows a wrong password and a rate limit plainly", async () => {
    answer(
      "/api/auth/login",
      { status: 401, body: { detail: "Wrong email or password." } },
      { status: 429, body: { detail: "Too many attempts." }, headers: { "Retry-After": "42" } },
    );
    renderPage("/signin");
    signIn("a@example.com", "wrong password!");
    expect((await screen.findByTestId("signin-error")).textContent).toBe("Wrong email or password.");
    // No refresh attempt for wrong credentials.
    expect(calls.filter((c) => c.url === "/api/auth/refresh")).toHaveLength(0);
    signIn("a@example.com", "wrong password!");
    await waitFor(() =>
      expect(screen.getByTestId("signin-error").textContent).toMatch(/Too many attempts\. Try again in 42 seconds\./),
    );
    expect(load).not.toHaveBeenCalled();
  });

  it("asks for the second factor, then goes to next", async () => {
    answer("/api/auth/login", {
      status: 200,
      body: { mfa_required: true, mfa_token: "mfa1", methods: ["totp", "recovery"] },
    });
    answer("/api/auth/mfa/verify", {
      status: 200,
      body: { access_token: null, refresh_token: null, token_type: "bearer", expires_in: 900 },
    });
    renderPage("/signin?next=%2Fw%2Fws1%2F");
    signIn("a@example.com", "correct horse battery");
    const code = await screen.findByTestId("mfa-code");
    expect(calls.find((c) => c.url === "/api/auth/login")!.body).toEqual({
      email: "a@example.com",
      password: "correct horse battery",
      cookie: true,
    });
    fireEvent.change(code, { target: { value: "123 456" } });
    fireEvent.click(screen.getByTestId("mfa-submit"));
    await waitFor(() => expect(load).toHaveBeenCalledWith("/w/ws1/"));
    expect(calls.find((c) => c.url === "/api/auth/mfa/verify")!.body).toEqual({
      mfa_token: "mfa1",
      code: "123456",
      cookie: true,
    });
  });

  it("goes straight to the MFA step with ?mfa_token= and takes a recovery code", async () => {
    answer("/api/auth/mfa/verify", {
      status: 200,
      body: { access_token: null, refresh_token: null, token_type: "bearer", expires_in: 900 },
    });
    renderPage("/signin?mfa_token=tok2&methods=totp,recovery&next=https%3A%2F%2Fevil.example%2F");
    await screen.findByTestId("mfa-code");
    fireEvent.click(screen.getByTestId("mfa-toggle-recovery"));
    expect(screen.getByLabelText("Recovery code")).toBe(screen.getByTestId("mfa-code"));
    fireEvent.change(screen.getByTestId("mfa-code"), { target: { value: " abcd-efgh " } });
    fireEvent.click(screen.getByTestId("mfa-submit"));
    // A foreign next= is ignored: home.
    await waitFor(() => expect(load).toHaveBeenCalledWith("/"));
    expect(calls.find((c) => c.url === "/api/auth/mfa/verify")!.body).toEqual({
      mfa_token: "tok2",
      code: "abcd-efgh",
      cookie: true,
    });
  });

  it("renews a still valid session silently when sent here with next=", async () => {
    answer("/api/auth/refresh", {
      status: 200,
      body: { access_token: null, refresh_token: null, token_type: "bearer", expires_in: 900 },
    });
    renderPage("/signin?next=%2Fw%2Fws1%2F");
    await waitFor(() => expect(load).toHaveBeenCalledWith("/w/ws1/", true));
    expect(calls.find((c) => c.url === "/api/auth/refresh")!.body).toEqual({ cookie: true });
  });
});
