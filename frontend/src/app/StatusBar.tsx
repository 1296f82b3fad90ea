// The status bar: the contributed items, left then right of the spacer, in their order.
import { useConnection } from "../api/socket";
import { useContributions } from "../workbench/registry";

export function StatusBar() {
  const connection = useConnection((s) => s.status);
  const items = useContributions("statusBarItems");
  const offline = connection === "disconnected" || connection === "unauthorized";
  const side = (alignment: "left" | "right") =>
    items.filter((item) => item.alignment === alignment).map(({ id, component: Item }) => <Item key={id} />);
  return (
    <footer className={`status-bar${offline ? " offline" : ""}`} aria-label="Status bar">
      {side("left")}
      <span className="spacer" />
      {side("right")}
    </footer>
  );
}
