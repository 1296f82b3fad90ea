// Breadcrumbs above the editor: the file's folders, then the symbols around the cursor.
import { useEffect, useState } from "react";
import { useModel } from "../editor/editorApi";
import { useStatus } from "../stores/status";
import { symbolPath } from "./convert";
import { symbolsApi, type SymbolNode } from "./symbolsApi";

const OUTLINE_DEBOUNCE_MS = 400;

export function Breadcrumbs({ path }: { path: string }) {
  const line = useStatus((s) => s.line);
  const [outline, setOutline] = useState<SymbolNode[]>([]);
  const model = useModel(path);
  useEffect(() => {
    if (!model) return;
    let controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const refresh = () => {
      controller.abort();
      controller = new AbortController();
      symbolsApi.outline(path, model.getValue(), controller.signal).then(
        (r) => setOutline(r.symbols),
        () => undefined, // aborted or failed: keep the last outline rather than flicker
      );
    };
    refresh();
    // Follow edits, so the symbol at the cursor stays right while typing.
    const listener = model.onDidChangeContent(() => {
      clearTimeout(timer);
      timer = setTimeout(refresh, OUTLINE_DEBOUNCE_MS);
    });
    return () => {
      listener.dispose();
      clearTimeout(timer);
      controller.abort();
    };
  }, [path, model]);
  const crumbs = [...path.split("/"), ...symbolPath(outline, line).map((s) => s.name)];
  const files = path.split("/").length;
  return (
    <nav className="breadcrumbs" aria-label="Breadcrumbs" data-testid="breadcrumbs">
      {crumbs.map((text, i) => (
        <span key={i} className={i >= files ? "crumb-symbol" : undefined}>
          {i > 0 && <span className="sep">›</span>} {text}
        </span>
      ))}
    </nav>
  );
}
