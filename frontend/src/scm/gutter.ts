// Gutter markers in every file editor for the lines changed against HEAD (added, modified,
// deleted), and an inline peek on click: a view zone under the change showing HEAD's lines,
// with Revert (puts them back in the buffer, unsaved, one undoable edit) and Close.
import { monaco } from "../editor/editorApi";
import { lineChanges, splitLines, type LineChange } from "./lineChanges";
import { gitApi } from "./scmApi";
import { useScm } from "./scmStore";

const DEBOUNCE_MS = 250;
/** HEAD's text by path; null: nothing to compare with (untracked, binary, no repository). */
const heads = new Map<string, Promise<string | null>>();
const attached = new Set<Attached>();

function headText(path: string): Promise<string | null> {
  let text = heads.get(path);
  if (!text) {
    text = gitApi.fileAt(path, "HEAD").then(
      (file) => (file.exists && !file.binary ? (file.content ?? "") : null),
      () => null,
    );
    heads.set(path, text);
  }
  return text;
}

const CLASSES: Record<LineChange["kind"], string> = {
  added: "scm-gutter-added",
  modified: "scm-gutter-modified",
  deleted: "scm-gutter-deleted",
};

class Attached {
  private readonly decorations: monaco.editor.IEditorDecorationsCollection;
  private changes: LineChange[] = [];
  private base: string[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private peek: { id: string; change: LineChange } | null = null;
  private readonly subscriptions: monaco.IDisposable[];

  constructor(private readonly editor: monaco.editor.ICodeEditor) {
    this.decorations = editor.createDecorationsCollection();
    this.subscriptions = [
      editor.onDidChangeModel(() => {
        this.closePeek();
        this.update(0);
      }),
      editor.onDidChangeModelContent(() => this.update(DEBOUNCE_MS)),
      editor.onMouseDown((e) => {
        if (e.target.type !== monaco.editor.MouseTargetType.GUTTER_LINE_DECORATIONS) return;
        const line = e.target.position?.lineNumber;
        const change = line === undefined ? undefined : this.changeAt(line);
        if (change) this.togglePeek(change);
      }),
    ];
    this.update(0);
  }

  private path(): string | null {
    const uri = this.editor.getModel()?.uri;
    return uri?.scheme === "file" ? uri.path.replace(/^\//, "") : null;
  }

  update(delay: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.compute(), delay);
  }

  private async compute(): Promise<void> {
    const model = this.editor.getModel();
    const path = this.path();
    const head = path ? await headText(path) : null;
    if (model !== this.editor.getModel() || !model || model.isDisposed()) return;
    if (head === null) {
      this.changes = [];
      this.decorations.clear();
      return;
    }
    this.base = splitLines(head);
    this.changes = lineChanges(this.base, splitLines(model.getValue()));
    this.decorations.set(this.changes.map((c) => this.decoration(c)));
    if (this.peek) {
      const still = this.changes.find((c) => c.oldStart === this.peek!.change.oldStart && c.kind !== "added");
      if (!still) this.closePeek();
    }
  }

  private decoration(change: LineChange): monaco.editor.IModelDeltaDecoration {
    const line = Math.max(1, change.start);
    const end = change.kind === "deleted" ? line : change.end;
    const className = change.kind === "deleted" && change.start === 0 ? "scm-gutter-deleted-top" : CLASSES[change.kind];
    return {
      range: new monaco.Range(line, 1, end, 1),
      options: {
        isWholeLine: true,
        linesDecorationsClassName: className,
        overviewRuler: {
          color: change.kind === "added" ? "#3fb950aa" : change.kind === "deleted" ? "#e5534baa" : "#3b8eeaaa",
          position: monaco.editor.OverviewRulerLane.Left,
        },
        minimap: {
          color: change.kind === "added" ? "#3fb950" : change.kind === "deleted" ? "#e5534b" : "#3b8eea",
          position: monaco.editor.MinimapPosition.Gutter,
        },
      },
    };
  }

  private changeAt(line: number): LineChange | undefined {
    return this.changes.find((c) =>
      c.kind === "deleted" ? Math.max(1, c.start) === line : line >= c.start && line <= c.end,
    );
  }

  private togglePeek(change: LineChange): void {
    const same = this.peek && this.peek.change.start === change.start && this.peek.change.kind === change.kind;
    this.closePeek();
    if (!same) this.openPeek(change);
  }

  private openPeek(change: LineChange): void {
    const old = this.base.slice(change.oldStart - 1, change.oldEnd);
    const node = document.createElement("div");
    node.className = "scm-peek";
    node.dataset.testid = "scm-peek";
    const bar = document.createElement("div");
    bar.className = "scm-peek-bar";
    const title = document.createElement("span");
    title.textContent =
      change.kind === "added"
        ? `Added ${change.end - change.start + 1} line(s) — not in HEAD`
        : `HEAD had ${old.length} line(s) here`;
    bar.append(
      title,
      this.button("Revert", () => this.revert(change)),
      this.button("Close", () => this.closePeek()),
    );
    const pre = document.createElement("pre");
    pre.className = "scm-peek-lines";
    pre.textContent = old.length ? old.join("\n") : "(nothing: these lines are new)";
    node.append(bar, pre);
    // Keep the editor's own mouse handling (selection, focus) out of the zone's buttons.
    node.addEventListener("mousedown", (e) => e.stopPropagation());
    const afterLineNumber = change.kind === "deleted" ? change.start : change.end;
    this.editor.changeViewZones((accessor) => {
      const id = accessor.addZone({
        afterLineNumber,
        heightInLines: Math.min(12, Math.max(1, old.length)) + 1.6,
        domNode: node,
        suppressMouseDown: false,
      });
      this.peek = { id, change };
    });
  }

  private button(label: string, onClick: () => void): HTMLButtonElement {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "btn scm-small";
    button.textContent = label;
    button.addEventListener("click", (e) => {
      e.preventDefault();
      onClick();
    });
    return button;
  }

  closePeek(): void {
    const peek = this.peek;
    if (!peek) return;
    this.peek = null;
    this.editor.changeViewZones((accessor) => accessor.removeZone(peek.id));
  }

  /** HEAD's lines back in place of the change, in the buffer (save to keep it). */
  private revert(change: LineChange): void {
    const model = this.editor.getModel();
    if (!model) return;
    const old = this.base.slice(change.oldStart - 1, change.oldEnd);
    const eol = model.getEOL();
    let range: monaco.Range;
    let text: string;
    if (change.kind === "deleted") {
      // Insert the lost lines after line `start` (before line 1 when start is 0).
      const at = change.start;
      range =
        at === 0
          ? new monaco.Range(1, 1, 1, 1)
          : new monaco.Range(at, model.getLineMaxColumn(at), at, model.getLineMaxColumn(at));
      text = at === 0 ? old.join(eol) + eol : eol + old.join(eol);
    } else if (change.kind === "added") {
      // Remove the added lines with their line break.
      range =
        change.end < model.getLineCount()
          ? new monaco.Range(change.start, 1, change.end + 1, 1)
          : change.start > 1
            ? new monaco.Range(
                change.start - 1,
                model.getLineMaxColumn(change.start - 1),
                change.end,
                model.getLineMaxColumn(change.end),
              )
            : new monaco.Range(1, 1, change.end, model.getLineMaxColumn(change.end));
      text = "";
    } else {
      range = new monaco.Range(change.start, 1, change.end, model.getLineMaxColumn(change.end));
      text = old.join(eol);
    }
    this.closePeek();
    this.editor.pushUndoStop();
    this.editor.executeEdits("scm-revert", [{ range, text, forceMoveMarkers: true }]);
    this.editor.pushUndoStop();
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.closePeek();
    this.decorations.clear();
    this.subscriptions.forEach((d) => d.dispose());
    attached.delete(this);
  }
}

/** Attaches to every file editor Monaco creates (not the sides of diff editors). */
export function installGutter(): void {
  monaco.editor.onDidCreateEditor((editor) => {
    if (editor.getOption(monaco.editor.EditorOption.inDiffEditor)) return;
    const item = new Attached(editor);
    attached.add(item);
    editor.onDidDispose(() => item.dispose());
  });
  // HEAD moved (a commit, a branch switch, init): compare again. Staging changes nothing here.
  const headOf = () => {
    const status = useScm.getState().status;
    return `${status?.repository}:${status?.head ?? ""}`;
  };
  let head = headOf();
  useScm.subscribe(() => {
    if (headOf() === head) return;
    head = headOf();
    heads.clear();
    for (const item of attached) item.update(0);
  });
}
