// Status bar item: indexing percentage while the index builds; a click rebuilds it.
import { executeCommand } from "../workbench/commands";
import { percentOf, useSymbols } from "./symbolStore";

export function IndexStatusItem() {
  const progress = useSymbols((s) => s.progress);
  if (!progress || progress.state === "disabled") return null;
  const building = progress.state === "building";
  const label = building ? `Indexing ${percentOf(progress)}%` : progress.state === "error" ? "Index error" : "Indexed";
  const title = building
    ? `Indexing the codebase: ${progress.indexed} of ${progress.total} files`
    : `Codebase index: ${progress.total} files. Click to rebuild.`;
  return (
    <button
      type="button"
      className="status-item"
      title={title}
      data-testid="status-index"
      onClick={() => void executeCommand("pairpad.index.rebuild")}
    >
      {label}
    </button>
  );
}
