import { describe, expect, it } from "vitest";
import { ApiError } from "../api/http";
import { httpTransport, isAbortError, socketTransport, socketWarm, type AckSocket } from "./transport";
import type { CompleteRequest, CompleteResponse } from "./types";

const body: CompleteRequest = {
  path: "a.py",
  language: "python",
  prefix: "x",
  suffix: "",
  cursor: { line: 1, column: 2 },
};
const answer: CompleteResponse = { id: "r1", items: [], model: "local:m", cached: false, latency_ms: 1 };

function fakeSocket(connected = true) {
  const emitted: { event: string; payload: unknown }[] = [];
  const acks: ((err: Error | null, res: unknown) => void)[] = [];
  const socket: AckSocket = {
    connected,
    timeout: () => ({
      emit: (event, payload, ack) => {
        emitted.push({ event, payload });
        acks.push(ack);
      },
    }),
    emit: (event, payload) => emitted.push({ event, payload }),
  };
  return { socket, emitted, acks };
}

const neverHttp = httpTransport(() => Promise.reject(new Error("HTTP should not be used")));

describe("socketTransport", () => {
  it("sends complete:request with a client id and resolves with the ack", async () => {
    const { socket, emitted, acks } = fakeSocket();
    const pending = socketTransport(() => socket, neverHttp).complete(body, new AbortController().signal);
    expect(emitted[0].event).toBe("complete:request");
    expect(emitted[0].payload).toMatchObject(body);
    expect((emitted[0].payload as { id: unknown }).id).toMatch(/^c\d+$/);
    acks[0](null, answer);
    expect(await pending).toEqual(answer);
  });

  it("an abort sends complete:cancel with the same id and rejects with an AbortError", async () => {
    const { socket, emitted, acks } = fakeSocket();
    const controller = new AbortController();
    const pending = socketTransport(() => socket, neverHttp).complete(body, controller.signal);
    controller.abort();
    const id = (emitted[0].payload as { id: string }).id;
    expect(emitted[1]).toEqual({ event: "complete:cancel", payload: { id } });
    await expect(pending).rejects.toSatisfy(isAbortError);
    acks[0](null, answer); // the late (empty) answer is ignored
  });

  it("an error ack becomes an ApiError with the server's status and reason", async () => {
    const { socket, acks } = fakeSocket();
    const pending = socketTransport(() => socket, neverHttp).complete(body, new AbortController().signal);
    acks[0](null, { error: "model unreachable: connection refused", status: 503 });
    await expect(pending).rejects.toMatchObject({ status: 503, detail: "model unreachable: connection refused" });
    await expect(pending).rejects.toBeInstanceOf(ApiError);
  });

  it("falls back to HTTP while the socket is not connected", async () => {
    const { socket, emitted } = fakeSocket(false);
    const http = httpTransport(async () => answer);
    expect(await socketTransport(() => socket, http).complete(body, new AbortController().signal)).toEqual(answer);
    expect(emitted).toEqual([]);
  });
});

describe("socketWarm", () => {
  it("sends complete:warm with the completion's body and resolves with the ack", async () => {
    const { socket, emitted, acks } = fakeSocket();
    const pending = socketWarm(
      () => socket,
      () => Promise.reject(new Error("HTTP should not be used")),
    )(body);
    expect(emitted).toEqual([{ event: "complete:warm", payload: body }]);
    acks[0](null, { model: "local:m", state: "ready", latency_ms: 5 });
    expect(await pending).toEqual({ model: "local:m", state: "ready", latency_ms: 5 });
  });

  it("an error ack becomes an ApiError; offline it posts over HTTP", async () => {
    const { socket, acks } = fakeSocket();
    const pending = socketWarm(() => socket)(body);
    acks[0](null, { error: "secret file", status: 403 });
    await expect(pending).rejects.toMatchObject({ status: 403, detail: "secret file" });
    const posted: unknown[] = [];
    const offline = fakeSocket(false);
    const answer = { model: "local:m", state: "ready" as const, latency_ms: 1 };
    const viaHttp = socketWarm(
      () => offline.socket,
      (b) => {
        posted.push(b);
        return Promise.resolve(answer);
      },
    );
    expect(await viaHttp(body)).toEqual(answer);
    expect(posted).toEqual([body]);
    expect(offline.emitted).toEqual([]);
  });
});
