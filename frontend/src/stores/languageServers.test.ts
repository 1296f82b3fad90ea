import { beforeEach, describe, expect, it } from "vitest";
import {
  hasLiveServer,
  servedLanguages,
  serversFor,
  summarize,
  useLanguageServers,
  type ServerStatus,
} from "./languageServers";

const pyright: ServerStatus = { name: "basedpyright", languages: ["python"], state: "ready" };
const ruff: ServerStatus = { name: "ruff", languages: ["python"], state: "ready" };
const ts: ServerStatus = {
  name: "typescript",
  languages: ["typescript", "javascript"],
  state: "crashed",
  detail: "exit code 1: Cannot find module 'typescript'",
};

describe("language server state", () => {
  beforeEach(() => useLanguageServers.setState({ servers: null }));

  it("knows nothing until the first status, then which languages are served", () => {
    expect(useLanguageServers.getState().servers).toBeNull();
    expect(hasLiveServer("python")).toBe(false);
    useLanguageServers.getState().setServers([pyright, ruff, ts]);
    expect([...servedLanguages(useLanguageServers.getState().servers)].sort()).toEqual([
      "javascript",
      "python",
      "typescript",
    ]);
    expect(serversFor(useLanguageServers.getState().servers, "python").map((s) => s.name)).toEqual([
      "basedpyright",
      "ruff",
    ]);
  });

  it("a language has a live server while one is ready or starting, not after a crash", () => {
    useLanguageServers.getState().setServers([pyright, ts]);
    expect(hasLiveServer("python")).toBe(true);
    expect(hasLiveServer("typescript")).toBe(false);
    expect(hasLiveServer("markdown")).toBe(false);
    useLanguageServers.getState().setServers([{ ...pyright, state: "starting" }]);
    expect(hasLiveServer("python")).toBe(true);
    useLanguageServers.getState().setServers([{ ...pyright, state: "failed" }]);
    expect(hasLiveServer("python")).toBe(false);
  });

  it("summarizes a language's servers by the worst state, each server's reason in the tooltip", () => {
    expect(summarize([])).toBeNull();
    expect(summarize([pyright, ruff])?.state).toBe("ready");
    expect(summarize([pyright, { ...ruff, state: "starting" }])?.state).toBe("starting");
    const crashed = summarize([ts, { ...pyright, state: "starting" }]);
    expect(crashed?.state).toBe("crashed");
    expect(crashed?.tooltip).toBe(
      "typescript: crashed — exit code 1: Cannot find module 'typescript'\nbasedpyright: starting",
    );
  });
});
