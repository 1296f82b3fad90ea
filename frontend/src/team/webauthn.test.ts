import { describe, expect, it } from "vitest";
import { base64urlToBuffer, bufferToBase64url, splitOptions, toCreationOptions, toRequestOptions } from "./webauthn";

describe("webauthn JSON", () => {
  it("round-trips base64url without padding", () => {
    const bytes = new Uint8Array([0, 1, 2, 250, 251, 252, 253, 254, 255]);
    const text = bufferToBase64url(bytes.buffer);
    expect(text).not.toMatch(/[+/=]/);
    expect(new Uint8Array(base64urlToBuffer(text))).toEqual(bytes);
    expect(bufferToBase64url(new Uint8Array([255, 254]))).toBe("__4");
  });

  it("decodes the binary fields of the server's options", () => {
    const req = toRequestOptions({
      challenge: "AAEC",
      rpId: "localhost",
      allowCredentials: [{ id: "_w", type: "public-key" }],
    });
    expect(new Uint8Array(req.challenge as ArrayBuffer)).toEqual(new Uint8Array([0, 1, 2]));
    expect(new Uint8Array(req.allowCredentials![0].id as ArrayBuffer)).toEqual(new Uint8Array([255]));
    const create = toCreationOptions({
      challenge: "AAEC",
      rp: { name: "Pairpad" },
      user: { id: "AQ", name: "a@b", displayName: "A" },
      pubKeyCredParams: [],
    });
    expect(new Uint8Array(create.user.id as ArrayBuffer)).toEqual(new Uint8Array([1]));
    expect(create.user.name).toBe("a@b");
  });

  it("keeps the fields next to wrapped options for the verification", () => {
    expect(splitOptions({ options: { challenge: "x" }, challenge_id: "c1" })).toEqual({
      options: { challenge: "x" },
      extras: { challenge_id: "c1" },
    });
    expect(splitOptions({ challenge: "x" })).toEqual({ options: { challenge: "x" }, extras: {} });
  });
});
