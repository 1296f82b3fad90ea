// Text with some characters highlighted (the matched letters of a fuzzy query).
import { highlightSegments } from "./fuzzy";

/** `text` with the characters at `indices` in <mark>. */
export function Marked({ text, indices }: { text: string; indices: number[] }) {
  return (
    <>
      {highlightSegments(text, indices).map((s, j) =>
        s.match ? <mark key={j}>{s.text}</mark> : <span key={j}>{s.text}</span>,
      )}
    </>
  );
}
