// Type-level checks that the generated files (`make api-types`) still say what the UI relies on:
// a schema change that breaks one of these breaks `tsc -b` (and so `make test`), not the app.
import { describe, expect, expectTypeOf, it } from "vitest";
import { fillPath, type BodyOf, type QueryOf, type ResponseOf, type ServerEvents } from "./schema";
import type { FileContent, FsChange, TreeEntry } from "./types";

describe("generated API types", () => {
  it("look a route's answer, body and query up by its path", () => {
    expectTypeOf<ResponseOf<"/api/files/content", "get">>().toEqualTypeOf<FileContent>();
    expectTypeOf<ResponseOf<"/api/files/tree", "get">["entries"]>().toEqualTypeOf<TreeEntry[]>();
    expectTypeOf<ResponseOf<"/api/conversations/{conversation_id}", "delete">>().toEqualTypeOf<null>();
    expectTypeOf<BodyOf<"/api/files/content", "put">>().toHaveProperty("etag").toEqualTypeOf<string | null>();
    expectTypeOf<QueryOf<"/api/files/content", "get">>().toEqualTypeOf<{ path: string }>();
    expectTypeOf<FileContent["eol"]>().toEqualTypeOf<"lf" | "crlf" | "cr">();
  });

  it("type the socket events by their wire names", () => {
    expectTypeOf<ServerEvents["chat:delta"]>().toEqualTypeOf<{
      conversation_id: string;
      message_id: string;
      text: string;
    }>();
    expectTypeOf<FsChange["type"]>().toEqualTypeOf<"added" | "modified" | "deleted">();
  });

  it("fills path parameters, encoded", () => {
    expect(fillPath("/api/models/providers/{name}/test", { name: "a b/c" })).toBe(
      "/api/models/providers/a%20b%2Fc/test",
    );
    expect(() => fillPath("/api/conversations/{conversation_id}", {})).toThrow(/conversation_id/);
  });
});
