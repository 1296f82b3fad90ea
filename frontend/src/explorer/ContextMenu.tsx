import { useEffect, useRef } from "react";
import { dirname } from "../util/paths";
import { useExplorer } from "./explorerStore";
import { deleteEntry } from "./fileOps";
import { notifyInfo } from "../stores/notifications";

export function ContextMenu() {
  const menu = useExplorer((s) => s.menu)!;
  const ref = useRef<HTMLDivElement>(null);
  const { closeMenu, startEdit, expand } = useExplorer.getState();

  useEffect(() => {
    ref.current?.querySelector<HTMLButtonElement>("button")?.focus();
    const onDown = (e: MouseEvent) => {
      if (!ref.current?.contains(e.target as Node)) closeMenu();
    };
    window.addEventListener("mousedown", onDown);
    return () => window.removeEventListener("mousedown", onDown);
  }, [closeMenu]);

  const dir = menu.path === null ? "" : menu.isDir ? menu.path : dirname(menu.path);
  const items: ({ label: string; keys?: string; run: () => void } | "sep")[] = [
    { label: "New File…", run: () => (expand(dir), startEdit({ mode: "newFile", dir })) },
    { label: "New Folder…", run: () => (expand(dir), startEdit({ mode: "newFolder", dir })) },
  ];
  if (menu.path !== null) {
    const path = menu.path;
    items.push(
      "sep",
      {
        label: "Copy Relative Path",
        run: () => void navigator.clipboard?.writeText(path).then(() => notifyInfo(`Copied ${path}`)),
      },
      "sep",
      { label: "Rename…", keys: "F2", run: () => startEdit({ mode: "rename", dir: dirname(path), path }) },
      { label: "Delete", keys: "Delete", run: () => void deleteEntry(path, menu.isDir) },
    );
  }

  // Keep the menu on screen.
  const x = Math.min(menu.x, window.innerWidth - 200);
  const y = Math.min(menu.y, window.innerHeight - 30 * items.length);
  return (
    <div
      ref={ref}
      className="context-menu"
      role="menu"
      style={{ left: x, top: y }}
      onKeyDown={(e) => {
        const buttons = [...(ref.current?.querySelectorAll<HTMLButtonElement>("button") ?? [])];
        const i = buttons.indexOf(document.activeElement as HTMLButtonElement);
        if (e.key === "Escape") closeMenu();
        else if (e.key === "ArrowDown") buttons[(i + 1) % buttons.length]?.focus();
        else if (e.key === "ArrowUp") buttons[(i - 1 + buttons.length) % buttons.length]?.focus();
        else return;
        e.preventDefault();
      }}
    >
      {items.map((item, i) =>
        item === "sep" ? (
          <hr key={`sep${i}`} />
        ) : (
          <button
            key={item.label}
            type="button"
            role="menuitem"
            onClick={() => {
              closeMenu();
              item.run();
            }}
          >
            <span>{item.label}</span>
            {item.keys && <span style={{ opacity: 0.7 }}>{item.keys}</span>}
          </button>
        ),
      )}
    </div>
  );
}
