import { describe, expectTypeOf, it } from "vitest";
import type { BodyOf, ResponseOf } from "../api/schema";
import type { CompleteRequest, CompleteResponse, CompletionStats, FeedbackBody, WarmResponse } from "./types";

describe("completion types are the server's routes' types", () => {
  it("checked by tsc (npx tsc --noEmit)", () => {
    expectTypeOf<BodyOf<"/api/complete", "post">>().toEqualTypeOf<CompleteRequest>();
    expectTypeOf<ResponseOf<"/api/complete", "post">>().toEqualTypeOf<CompleteResponse>();
    expectTypeOf<BodyOf<"/api/complete/feedback", "post">>().toEqualTypeOf<FeedbackBody>();
    expectTypeOf<ResponseOf<"/api/complete/stats", "get">>().toEqualTypeOf<CompletionStats>();
    expectTypeOf<ResponseOf<"/api/complete/warm", "post">>().toEqualTypeOf<WarmResponse>();
  });
});
