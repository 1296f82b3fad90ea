// One step's unified diff, monospace, added lines green and removed lines red.
import { diffLineKind } from "./describe";

export function DiffBlock({ diff }: { diff: string }) {
  const lines = diff.replace(/\n$/, "").split("\n");
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
