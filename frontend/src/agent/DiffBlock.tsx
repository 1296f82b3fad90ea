// One step's unified diff, monospace, added lines green and removed lines red. The file header
// lines (---/+++) are left out: the card names the file.
import { diffLineKind } from "./describe";

export function DiffBlock({ diff }: { diff: string }) {
  const all = diff.replace(/\n$/, "").split("\n");
  // Only before the first hunk: inside one, "--- x" is a removed line "-- x".
  const first = all.findIndex((line) => line.startsWith("@@"));
  const lines = first > 0 ? all.slice(first) : all;
  return (
    <pre className="agent-diff" aria-label="Diff">
      {lines.map((line, i) => (
        <span key={i} className={`agent-diff-line ${diffLineKind(line)}`}>
          {line || " "}
          {"\n"}
        </span>
      ))}
    </pre>
  );
}
