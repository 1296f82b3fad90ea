import { beforeEach, describe, expect, it, vi } from "vitest";

const sent: { event: string; body: Record<string, unknown> }[] = [];

vi.mock("../api/socket", () => ({
  getSocket: () => ({
    timeout: () => ({
      emitWithAck: async (event: string, body: Record<string, unknown>) => {
        sent.push({ event, body });
        return { conversation_id: "c1", message_id: "m1" };
      },
    }),
    emit: () => undefined,
  }),
  useConnection: { getState: () => ({ generation: 0 }), subscribe: () => () => undefined },
}));
vi.mock("../editor/editorApi", () => ({
  getActiveFile: () => ({ path: "shop/orders.py", language: "python", content: "", dirty: false }),
  getSelection: () => null,
  getCursorLine: () => null,
}));
vi.mock("./chatApi", () => ({
  chatApi: { get: async () => ({ messages: [], streaming: [] }), list: async () => ({ conversations: [] }) },
}));

const { buildRequest, newConversation, openConversation, send, useChat } = await import("./chatStore");

describe("chat store", () => {
  beforeEach(async () => {
    sent.length = 0;
    await openConversation(null);
  });

  it("keeps a removed context item out of the next messages of the conversation", async () => {
    useChat.setState({ exclude: ["file:shop/orders.py"] });
    expect(await send("first question")).toBe(true);
    expect(sent[0].body.exclude).toEqual(["file:shop/orders.py"]);
    expect(useChat.getState().exclude).toEqual(["file:shop/orders.py"]);
    expect(buildRequest("second question").exclude).toEqual(["file:shop/orders.py"]);
    await send("second question");
    expect(sent[1].body.exclude).toEqual(["file:shop/orders.py"]);
  });

  it("remembers what each conversation left out, and starts a new one with everything", async () => {
    useChat.setState({ exclude: ["file:shop/orders.py"] });
    await send("question");
    expect(useChat.getState().currentId).toBe("c1");
    await newConversation();
    expect(useChat.getState().exclude).toEqual([]);
    await openConversation("c1");
    expect(useChat.getState().exclude).toEqual(["file:shop/orders.py"]);
  });

  it("clears the input after a send, and a new conversation starts with an empty input", async () => {
    useChat.setState({ draft: "hello" });
    await send("hello");
    expect(useChat.getState().draft).toBe("");
    useChat.setState({ draft: "half-written thought" });
    await newConversation();
    expect(useChat.getState().draft).toBe("");
  });
});
