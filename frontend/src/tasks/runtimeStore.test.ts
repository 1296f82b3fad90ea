import { expect, it, vi } from "vitest";

vi.mock("./tasksApi", () => ({ tasksApi: {} }));
const { sandboxDetails, sandboxLabel } = await import("./runtimeStore");

const info = {
  sandbox: "none" as const,
  network: false,
  unsandboxed_allowed: true,
  detail: "bubblewrap cannot create a user namespace",
  landlock_abi: 0,
  limits: {
    timeout_s: 60,
    max_timeout_s: 600,
    cpu_s: 120,
    memory_mb: 2048,
    file_size_mb: 512,
    open_files: 1024,
    processes: 256,
    processes_by: "cgroup v2",
    output_bytes: 1048576,
  },
};

it("names the sandbox, and says when commands run without one", () => {
  expect(sandboxLabel({ sandbox: "bubblewrap", unsandboxed_allowed: false })).toBe("bubblewrap");
  expect(sandboxLabel({ sandbox: "landlock", unsandboxed_allowed: false })).toBe("Landlock");
  expect(sandboxLabel({ sandbox: "none", unsandboxed_allowed: false })).toBe("No sandbox");
  expect(sandboxLabel(info)).toBe("No sandbox (unsandboxed allowed)");
  const details = sandboxDetails(info);
  expect(details[0]).toMatch(/WITHOUT a sandbox.*tasks never do/);
  expect(details).toContain("Network: off");
  expect(details).toContain(info.detail);
});
