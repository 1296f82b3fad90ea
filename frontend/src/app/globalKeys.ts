// Workbench shortcuts run before Monaco sees the key (capture phase), so Ctrl+S, Ctrl+P
// and friends work wherever focus is.
import { commandForEvent } from "../workbench/commands";
import { workbenchMayHandle } from "../workbench/keyScopes";

export function installGlobalKeys(target: Window = window): () => void {
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.isComposing || event.repeat) {
      if (event.repeat && (event.ctrlKey || event.metaKey)) event.preventDefault();
      return;
    }
    const command = commandForEvent(event);
    if (!command) return;
    // A focused terminal keeps most keys for its shell.
    if (!workbenchMayHandle(event.target, command.id)) return;
    // Let dialogs own their keys.
    if (document.querySelector(".modal-backdrop .dialog")) return;
    event.preventDefault();
    event.stopPropagation();
    void command.run();
  };
  target.addEventListener("keydown", onKeyDown, true);
  return () => target.removeEventListener("keydown", onKeyDown, true);
}
