import { describe, expect, it } from "vitest";
import { encodingLabel, eolLabel } from "./eol";

describe("status bar labels", () => {
  it("names every line ending the server reports", () => {
    expect(eolLabel("lf")).toBe("LF");
    expect(eolLabel("crlf")).toBe("CRLF");
    expect(eolLabel("cr")).toBe("CR");
    expect(eolLabel("", "a\rb\r")).toBe("CR");
    expect(eolLabel(undefined, "a\r\nb")).toBe("CRLF");
    expect(eolLabel(null, "a\nb")).toBe("LF");
  });

  it("names encodings as VS Code does", () => {
    expect(encodingLabel("utf-8")).toBe("UTF-8");
    expect(encodingLabel("utf-8-sig")).toBe("UTF-8 with BOM");
    expect(encodingLabel("latin-1")).toBe("ISO 8859-1");
    expect(encodingLabel("")).toBe("UTF-8");
    expect(encodingLabel("cp1252")).toBe("CP1252");
  });
});
