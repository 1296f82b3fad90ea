import { describe, expect, it } from "vitest";
import { listen, onDelta, onDisconnect, onDone, onError, type EditListener } from "./inlineEditApi";

function recorder(): { events: string[]; listener: EditListener } {
  const events: string[] = [];
  return {
    events,
    listener: {
      delta: (text) => events.push(`delta:${text}`),
      done: (text, reason) => events.push(`done:${text}:${reason}`),
      error: (detail) => events.push(`error:${detail}`),
    },
  };
}

describe("inline edit event routing", () => {
  it("delivers events that came before the ack, in order, then the rest", () => {
    onDelta({ edit_id: "e1", text: "a" });
    onDelta({ edit_id: "e1", text: "b" });
    onDelta({ edit_id: "other", text: "x" });
    const { events, listener } = recorder();
    const stop = listen("e1", listener);
    expect(events).toEqual(["delta:a", "delta:b"]);
    onDone({ edit_id: "e1", text: "ab", finish_reason: "stop" });
    expect(events).toEqual(["delta:a", "delta:b", "done:ab:stop"]);
    stop();
    onError({ edit_id: "e1", detail: "late" });
    expect(events).toHaveLength(3);
  });

  it("tells every running edit when the connection drops", () => {
    const { events, listener } = recorder();
    listen("e2", listener);
    onDisconnect();
    expect(events).toEqual(["error:The connection to the server was lost."]);
    onDelta({ edit_id: "e2", text: "after" });
    expect(events).toHaveLength(1);
  });
});
