import { formatKeybinding } from "../ui/keybindings";

const HINTS: [string, string][] = [
  ["Show All Commands", "Mod+Shift+P"],
  ["Go to File", "Mod+P"],
  ["Find in Files", "Mod+Shift+F"],
  ["Toggle Side Bar", "Mod+B"],
  ["Settings", "Mod+,"],
];

export function Watermark() {
  return (
    <div className="watermark">
      <div className="logo">Pairpad</div>
      <dl>
        {HINTS.map(([label, keys]) => (
          <div key={label} style={{ display: "contents" }}>
            <dt>{label}</dt>
            <dd>
              {formatKeybinding(keys)
                .split("+")
                .map((k, i) => (
                  <span key={i}>
                    {i > 0 && " "}
                    <kbd>{k}</kbd>
                  </span>
                ))}
            </dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
