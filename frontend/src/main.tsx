import "./styles/theme.css";
import "./styles/workbench.css";
import "./editor/monacoSetup";
import { QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app/App";
import { installWorkbench } from "./app/install";
import { queryClient } from "./stores/queryClient";

installWorkbench();

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <App />
    </QueryClientProvider>
  </StrictMode>,
);
