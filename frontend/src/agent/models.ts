// The models the run can use: what GET /api/models lists (the same query, and so the same cache,
// as the chat's model settings and the status bar), as `provider:model` refs.
import { useQuery } from "@tanstack/react-query";
import { call } from "../api/schema";
import { MODELS_KEY } from "../stores/queryClient";

type Overview = Awaited<ReturnType<typeof fetchModels>>;

const fetchModels = () => call("get", "/api/models", { query: { probe: true } });

/** Every `provider:model` ref the providers offer, then each role's own (kept while its provider is down). */
export function modelRefs(data: Overview | undefined): string[] {
  const out: string[] = [];
  for (const p of data?.providers ?? []) {
    for (const m of ("models" in p ? p.models : null) ?? []) out.push(`${p.name}:${m.id}`);
    for (const m of p.configured_models ?? []) out.push(`${p.name}:${m}`);
  }
  for (const r of Object.values(data?.roles ?? {})) if (r.ref) out.push(r.ref);
  return [...new Set(out)];
}

/** The choices of the model picker and the chat role's model (the default). */
export function useModelChoices(): { refs: string[]; defaultRef: string | null; error: string | null } {
  const query = useQuery({ queryKey: MODELS_KEY, queryFn: fetchModels, staleTime: 30_000, retry: false });
  return {
    refs: modelRefs(query.data),
    defaultRef: query.data?.roles.chat?.ref ?? null,
    error: query.error ? query.error.message : null,
  };
}
