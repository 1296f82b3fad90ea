// A drag handle that resizes the neighbouring pane (pointer capture, keyboard arrows too).
import { useRef, useState } from "react";

interface SashProps {
  orientation: "vertical" | "horizontal";
  /** Current size of the pane being resized. */
  size: number;
  onResize: (size: number) => void;
  /** +1 when dragging right/down grows the pane, -1 when it shrinks it. */
  direction?: 1 | -1;
  label: string;
}

export function Sash({ orientation, size, onResize, direction = 1, label }: SashProps) {
  const start = useRef<{ pos: number; size: number } | null>(null);
  const [active, setActive] = useState(false);
  const coord = (e: React.PointerEvent) => (orientation === "vertical" ? e.clientX : e.clientY);
  return (
    <div
      className={`sash ${orientation}${active ? " active" : ""}`}
      role="separator"
      aria-orientation={orientation}
      aria-label={label}
      aria-valuenow={size}
      tabIndex={0}
      onPointerDown={(e) => {
        e.currentTarget.setPointerCapture(e.pointerId);
        start.current = { pos: coord(e), size };
        setActive(true);
      }}
      onPointerMove={(e) => {
        if (!start.current) return;
        onResize(start.current.size + direction * (coord(e) - start.current.pos));
      }}
      onPointerUp={() => {
        start.current = null;
        setActive(false);
      }}
      onKeyDown={(e) => {
        const grow = orientation === "vertical" ? "ArrowRight" : "ArrowDown";
        const shrink = orientation === "vertical" ? "ArrowLeft" : "ArrowUp";
        if (e.key === grow) onResize(size + 10 * direction);
        else if (e.key === shrink) onResize(size - 10 * direction);
      }}
    />
  );
}
