// Entry of team.html: sign-in, account and team pages of `pairpad serve` (never loaded by the
// local-mode workbench, index.html).
import "../styles/theme.css";
import "./team.css";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { TeamApp } from "./TeamApp";

// The workbench's light/dark palettes, following the system's preference.
const light = window.matchMedia?.("(prefers-color-scheme: light)").matches;
document.documentElement.dataset.theme = light ? "light" : "dark";

const queryClient = new QueryClient({
  defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false } },
});

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <TeamApp />
    </QueryClientProvider>
  </StrictMode>,
);
