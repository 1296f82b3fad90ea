// Status-bar labels for the server's `eol` and `encoding` fields.

/** "LF" | "CRLF" | "CR" from the server's eol ("lf"/"crlf"/"cr"), falling back to the text. */
export function eolLabel(eol: string | null | undefined, content = ""): string {
  const e = (eol ?? "").toLowerCase();
  if (e === "crlf" || e === "\r\n") return "CRLF";
  if (e === "cr" || e === "\r") return "CR";
  if (e === "lf" || e === "\n") return "LF";
  if (content.includes("\r\n")) return "CRLF";
  if (content.includes("\r")) return "CR";
  return "LF";
}

const ENCODING_LABELS: Record<string, string> = {
  "utf-8": "UTF-8",
  utf8: "UTF-8",
  "utf-8-sig": "UTF-8 with BOM",
  "latin-1": "ISO 8859-1",
  latin1: "ISO 8859-1",
  "iso-8859-1": "ISO 8859-1",
};

/** What VS Code shows in its status bar for an encoding, e.g. "UTF-8 with BOM". */
export function encodingLabel(encoding: string | null | undefined): string {
  const e = (encoding || "utf-8").toLowerCase();
  return ENCODING_LABELS[e] ?? e.toUpperCase();
}
