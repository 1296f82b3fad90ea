import { describe, expect, it } from "vitest";
import { describeFailure, LspError } from "./client";

describe("describeFailure", () => {
  it("says which server is missing (501) or why the server is not running (503)", () => {
    expect(
      describeFailure(new LspError(501, "No language server for markdown can textDocument/formatting"), "Format"),
    ).toBe("No language server for markdown can textDocument/formatting.");
    expect(describeFailure(new LspError(503, "basedpyright crashed: exit code 1"), "Rename")).toBe(
      "Rename: the language server is not running (basedpyright crashed: exit code 1)",
    );
    expect(describeFailure(new LspError(504, "no answer in 30 s"), "Rename")).toBe("Rename failed: no answer in 30 s");
    expect(describeFailure(new Error("boom"), "Format")).toBe("Format failed: boom");
  });
});
