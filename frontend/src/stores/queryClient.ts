import { QueryClient } from "@tanstack/react-query";

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: { retry: 1, refetchOnWindowFocus: false, staleTime: 30_000 },
  },
});

/** GET /api/models (providers and roles): the settings page and the status bar read it; chat
 * refreshes it after a failed answer (a provider may have changed state). */
export const MODELS_KEY = ["models"] as const;
