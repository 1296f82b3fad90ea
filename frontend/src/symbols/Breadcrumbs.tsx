// Breadcrumbs above the editor: the file's folders, then the symbols around the cursor.
import { useEffect, useState } from "react";
import { useStatus } from "../stores/status";
import { symbolPath } from "./convert";
import { symbolsApi, type SymbolNode } from "./symbolsApi";

export function Breadcrumbs({ path }: { path: string }) {
  const line = useStatus((s) => s.line);
  const [outline, setOutline] = useState<SymbolNode[]>([]);
  useEffect(() => {
    const controller = new AbortController();
    symbolsApi.outline(path, controller.signal).then(
      (r) => setOutline(r.symbols),
      () => setOutline([]),
    );
    return () => controller.abort();
  }, [path]);
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
