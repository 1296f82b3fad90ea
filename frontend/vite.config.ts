/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";
import { fileURLToPath } from "node:url";

// The Python server serves the build from src/pairpad/static; `npm run dev` proxies the API
// to a running `pairpad open` (set PAIRPAD_URL, e.g. http://127.0.0.1:8765).
const serverUrl = process.env.PAIRPAD_URL ?? "http://127.0.0.1:8765";

export default defineConfig({
  plugins: [react()],
  base: "/",
  build: {
    outDir: fileURLToPath(new URL("../src/pairpad/static", import.meta.url)),
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 6000,
    // No modulepreload polyfill: it would be an inline script, which the CSP forbids.
    modulePreload: { polyfill: false },
    // Two pages: the workbench (index.html: local mode's `/`, team mode's `/w/{id}/`) and team
    // mode's sign-in/account/team pages (team.html), so the local UI loads none of the team code.
    rollupOptions: {
      input: {
        index: fileURLToPath(new URL("index.html", import.meta.url)),
        team: fileURLToPath(new URL("team.html", import.meta.url)),
      },
    },
  },
  worker: { format: "es" },
  server: {
    proxy: {
      "/api": serverUrl,
      "/socket.io": { target: serverUrl, ws: true },
    },
  },
  test: {
    environment: "node",
    include: ["src/**/*.test.ts", "src/**/*.test.tsx"],
  },
});
