// Save / Overwrite against the etag API, with a tiny fake of Monaco's text model.
import { beforeEach, describe, expect, it, vi } from "vitest";

class FakeModel {
  private text: string;
  private version = 1;
  private listeners: (() => void)[] = [];
  constructor(text: string) {
    this.text = text;
  }
  getValue() {
    return this.text;
  }
  setValue(text: string) {
    this.text = text;
    this.version += 1;
    this.listeners.forEach((l) => l());
  }
  getAlternativeVersionId() {
    return this.version;
  }
  getLanguageId() {
    return "plaintext";
  }
  onDidChangeContent(listener: () => void) {
    this.listeners.push(listener);
    return { dispose: () => undefined };
  }
  isDisposed() {
    return false;
  }
  dispose() {}
}

vi.mock("./monacoSetup", () => ({
  monaco: {
    editor: { createModel: (text: string) => new FakeModel(text) },
    languages: { getLanguages: () => [{ id: "plaintext" }] },
    Uri: { from: (parts: { path: string }) => parts },
  },
}));

interface DiskFile {
  content: string;
  etag: string;
}
const disk = new Map<string, DiskFile>();
let etagCounter = 0;
const writes: { path: string; content: string; etag: string | null }[] = [];

function writeDisk(path: string, content: string): string {
  const etag = `e${++etagCounter}`;
  disk.set(path, { content, etag });
  return etag;
}

vi.mock("../api/endpoints", async () => {
  const { ApiError } = await import("../api/http");
  return {
    filesApi: {
      read: async (path: string) => {
        const file = disk.get(path);
        if (!file) throw new ApiError(404, "Not found", null);
        return {
          path,
          content: file.content,
          etag: file.etag,
          encoding: "utf-8",
          eol: "lf",
          language: null,
          size: file.content.length,
        };
      },
      write: async (path: string, content: string, etag: string | null) => {
        writes.push({ path, content, etag });
        const current = disk.get(path);
        if ((current?.etag ?? null) !== etag) {
          throw new ApiError(409, "changed on disk", {
            detail: "changed on disk",
            current_etag: current?.etag ?? null,
          });
        }
        return { etag: writeDisk(path, content) };
      },
    },
  };
});

const { ensureBuffer, getBuffer, getModel, overwriteBuffer, releaseBuffer, saveBuffer, checkDisk, whileSettling } =
  await import("./buffers");

function edit(path: string, text: string): void {
  (getModel(path) as unknown as FakeModel).setValue(text);
}

describe("buffers: save and overwrite", () => {
  beforeEach(() => {
    releaseBuffer("a.txt");
    disk.clear();
    writes.length = 0;
  });

  it("a 409 on save shows the disk version that won and writes nothing", async () => {
    writeDisk("a.txt", "v1\n");
    await ensureBuffer("a.txt");
    edit("a.txt", "mine\n");
    const theirs = writeDisk("a.txt", "theirs\n");
    expect(await saveBuffer("a.txt")).toBe(false);
    expect(disk.get("a.txt")!.content).toBe("theirs\n");
    expect(getBuffer("a.txt")!.conflict).toEqual({
      reason: "save-rejected",
      diskEtag: theirs,
      diskContent: "theirs\n",
    });
    expect(getBuffer("a.txt")!.dirty).toBe(true);
  });

  it("Overwrite saves over the version the user was shown", async () => {
    writeDisk("a.txt", "v1\n");
    await ensureBuffer("a.txt");
    edit("a.txt", "mine\n");
    const shown = writeDisk("a.txt", "theirs\n");
    await checkDisk("a.txt");
    expect(getBuffer("a.txt")!.conflict?.diskEtag).toBe(shown);
    expect(await overwriteBuffer("a.txt")).toBe(true);
    expect(writes.at(-1)).toEqual({ path: "a.txt", content: "mine\n", etag: shown });
    expect(disk.get("a.txt")!.content).toBe("mine\n");
    expect(getBuffer("a.txt")!.conflict).toBeNull();
    expect(getBuffer("a.txt")!.dirty).toBe(false);
  });

  it("Overwrite never clobbers a newer disk version the user has not seen", async () => {
    writeDisk("a.txt", "v1\n");
    await ensureBuffer("a.txt");
    edit("a.txt", "mine\n");
    const shown = writeDisk("a.txt", "theirs\n");
    await checkDisk("a.txt");
    // The disk changes again after the bar appeared (the watcher event is still on its way).
    const newer = writeDisk("a.txt", "even newer\n");
    expect(await overwriteBuffer("a.txt")).toBe(false);
    expect(writes.at(-1)?.etag).toBe(shown);
    expect(disk.get("a.txt")!.content).toBe("even newer\n");
    // The bar now shows the newer version, and the user's text is still in the buffer.
    expect(getBuffer("a.txt")!.conflict).toEqual({
      reason: "save-rejected",
      diskEtag: newer,
      diskContent: "even newer\n",
    });
    expect(getModel("a.txt")!.getValue()).toBe("mine\n");
    expect(getBuffer("a.txt")!.dirty).toBe(true);
    // A second, informed Overwrite goes through.
    expect(await overwriteBuffer("a.txt")).toBe(true);
    expect(disk.get("a.txt")!.content).toBe("mine\n");
  });

  it("re-creating a deleted file refuses if someone created it meanwhile", async () => {
    writeDisk("a.txt", "v1\n");
    await ensureBuffer("a.txt");
    edit("a.txt", "mine\n");
    disk.delete("a.txt");
    await checkDisk("a.txt");
    expect(getBuffer("a.txt")!.conflict?.reason).toBe("deleted");
    writeDisk("a.txt", "created by someone else\n");
    expect(await overwriteBuffer("a.txt")).toBe(false);
    expect(disk.get("a.txt")!.content).toBe("created by someone else\n");
    expect(getBuffer("a.txt")!.conflict?.diskContent).toBe("created by someone else\n");
  });
});

describe("buffers: moves in flight", () => {
  it("a watcher event for a path being moved does not re-read it (it would 404)", async () => {
    releaseBuffer("a.txt");
    disk.clear();
    writeDisk("a.txt", "v1\n");
    await ensureBuffer("a.txt");
    const reads: string[] = [];
    await whileSettling("a.txt", async () => {
      disk.delete("a.txt"); // the move has landed on the server
      const original = disk.get.bind(disk);
      disk.get = (key: string) => {
        reads.push(key);
        return original(key);
      };
      await checkDisk("a.txt");
      disk.get = original;
    });
    expect(reads).toEqual([]);
    expect(getBuffer("a.txt")!.conflict).toBeNull();
  });
});
