// One inline edit in one editor: the instruction box above the selection (a view zone holding
// the space, an overlay widget in it), then the streamed proposal drawn as an inline diff (the
// original lines marked removed, the proposed lines in green view zones after them), then
// Accept (one undoable edit), Reject, or Refine (a follow-up instruction with the previous round).
import { monaco } from "../editor/editorApi";
import { cancelInlineEdit, listen, startInlineEdit, type InlineEditStartBody } from "./inlineEditApi";
import { inlineHunks, proposedLines, touchedLines } from "./lineDiff";

type Editor = monaco.editor.ICodeEditor;
type State = "input" | "starting" | "streaming" | "review";

/** The code around the selection sent with it, at most (the server fits it to the model's window). */
const CONTEXT_CHARS = 60_000;
const WIDGET_HEIGHT = 46;

export interface FileInfo {
  path: string;
  language: string;
}

let nextId = 0;

export class InlineEditSession {
  private state: State = "input";
  private readonly tracked: monaco.editor.IEditorDecorationsCollection;
  private readonly removed: monaco.editor.IEditorDecorationsCollection;
  private zoneIds: string[] = [];
  private inputZoneId: string | null = null;
  private inputZoneTop = 0;
  private readonly widget: monaco.editor.IOverlayWidget;
  private readonly dom: {
    root: HTMLDivElement;
    input: HTMLInputElement;
    status: HTMLSpanElement;
    accept: HTMLButtonElement;
    reject: HTMLButtonElement;
    error: HTMLDivElement;
  };
  private editId: string | null = null;
  private stopListening: (() => void) | null = null;
  private proposal = "";
  private finalText: string | null = null;
  private instruction = "";
  private rendering = 0;
  private readonly disposables: monaco.IDisposable[] = [];
  private closed = false;

  constructor(
    private readonly editor: Editor,
    private readonly model: monaco.editor.ITextModel,
    private readonly file: FileInfo,
    selection: monaco.Selection,
    private readonly onClose: (session: InlineEditSession) => void,
  ) {
    // The selection, followed through edits made meanwhile (its ends do not grow with typing).
    this.tracked = editor.createDecorationsCollection([
      {
        range: selection,
        options: { stickiness: monaco.editor.TrackedRangeStickiness.NeverGrowsWhenTypingAtEdges },
      },
    ]);
    this.removed = editor.createDecorationsCollection();
    this.dom = this.buildDom();
    const id = `pairpad.inlineEdit.${nextId++}`;
    this.widget = {
      getId: () => id,
      getDomNode: () => this.dom.root,
      getPosition: () => ({ preference: { top: this.inputZoneTop, left: this.editor.getLayoutInfo().contentLeft } }),
    };
    editor.addOverlayWidget(this.widget);
    this.addInputZone();
    this.disposables.push(
      editor.onDidLayoutChange(() => this.layoutWidget()),
      editor.onDidChangeModel(() => this.close()),
      // The editor itself goes (its group closed): stop the stream; its zones go with it.
      editor.onDidDispose(() => this.close(false)),
      model.onWillDispose(() => this.close()),
    );
    this.layoutWidget();
    this.focus();
  }

  focus(): void {
    this.dom.input.focus();
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  private range(): monaco.Range | null {
    return this.tracked.getRange(0);
  }

  // ---- DOM --------------------------------------------------------------------------------

  private buildDom(): InlineEditSession["dom"] {
    const root = document.createElement("div");
    root.className = "inline-edit-widget";
    root.dataset.testid = "inline-edit";
    const row = document.createElement("div");
    row.className = "inline-edit-row";
    const input = document.createElement("input");
    input.className = "inline-edit-input";
    input.dataset.testid = "inline-edit-input";
    input.placeholder = "Edit the selection: describe the change (Enter to send, Esc to cancel)";
    input.setAttribute("aria-label", "Inline edit instruction");
    const status = document.createElement("span");
    status.className = "inline-edit-status";
    status.dataset.testid = "inline-edit-status";
    const accept = document.createElement("button");
    accept.className = "inline-edit-accept";
    accept.dataset.testid = "inline-edit-accept";
    accept.textContent = "Accept";
    accept.title = "Accept (Enter on an empty box, or Ctrl+Enter)";
    const reject = document.createElement("button");
    reject.className = "inline-edit-reject";
    reject.dataset.testid = "inline-edit-reject";
    reject.textContent = "Reject";
    reject.title = "Reject (Esc)";
    const error = document.createElement("div");
    error.className = "inline-edit-error";
    error.dataset.testid = "inline-edit-error";
    error.setAttribute("role", "alert");
    row.append(input, status, accept, reject);
    root.append(row, error);
    // The editor must not see these keys (nor mouse downs: it would move its cursor).
    root.addEventListener("keydown", (event) => this.onKeyDown(event));
    root.addEventListener("mousedown", (event) => event.stopPropagation());
    accept.addEventListener("click", () => this.accept());
    reject.addEventListener("click", () => this.reject());
    const dom = { root, input, status, accept, reject, error };
    this.renderControls(dom);
    return dom;
  }

  private renderControls(dom = this.dom): void {
    const reviewing = this.state === "review";
    dom.accept.hidden = !reviewing;
    dom.reject.hidden = this.state === "input" && !this.proposal;
    dom.root.dataset.state = this.state;
    dom.input.placeholder = reviewing
      ? "Follow-up to refine it (Enter), or Enter on an empty box to accept, Esc to reject"
      : "Edit the selection: describe the change (Enter to send, Esc to cancel)";
  }

  private setStatus(text: string): void {
    this.dom.status.textContent = text;
  }

  private setError(detail: string): void {
    this.dom.error.textContent = detail;
    this.dom.root.classList.toggle("has-error", detail !== "");
    this.layoutInputZone();
  }

  private onKeyDown(event: KeyboardEvent): void {
    event.stopPropagation();
    if (event.isComposing) return;
    if (event.key === "Escape") {
      event.preventDefault();
      this.reject();
    } else if (event.key === "Enter") {
      event.preventDefault();
      const text = this.dom.input.value.trim();
      if (this.state === "review" && (event.ctrlKey || event.metaKey || text === "")) this.accept();
      else if ((this.state === "input" || this.state === "review") && text !== "") void this.send(text);
    }
  }

  // ---- zones and decorations --------------------------------------------------------------

  private widgetHeight(): number {
    return Math.max(WIDGET_HEIGHT, this.dom.root.offsetHeight + 8);
  }

  private addInputZone(): void {
    const range = this.range();
    if (!range) return;
    this.editor.changeViewZones((accessor) => {
      if (this.inputZoneId) accessor.removeZone(this.inputZoneId);
      this.inputZoneId = accessor.addZone({
        afterLineNumber: touchedLines(rangeOf(range)).first - 1,
        heightInPx: this.widgetHeight(),
        domNode: document.createElement("div"),
        onDomNodeTop: (top) => {
          this.inputZoneTop = top;
          this.editor.layoutOverlayWidget(this.widget);
        },
      });
    });
  }

  /** The widget's height changed (an error shown or cleared): the zone follows. */
  private layoutInputZone(): void {
    if (this.inputZoneId) this.addInputZone();
  }

  private layoutWidget(): void {
    const layout = this.editor.getLayoutInfo();
    this.dom.root.style.width = `${Math.max(240, Math.min(layout.contentWidth - layout.verticalScrollbarWidth - 16, 760))}px`;
    this.editor.layoutOverlayWidget(this.widget);
  }

  /** Redraws the diff of the touched lines against the proposal (at most once per frame). */
  private scheduleDiff(): void {
    if (this.rendering) return;
    this.rendering = requestAnimationFrame(() => {
      this.rendering = 0;
      if (!this.closed) this.renderDiff();
    });
  }

  private renderDiff(): void {
    const range = this.range();
    if (!range) return;
    const { first, last } = touchedLines(rangeOf(range));
    const original: string[] = [];
    for (let line = first; line <= last; line++) original.push(this.model.getLineContent(line));
    const lineBefore = this.model.getValueInRange(new monaco.Range(first, 1, range.startLineNumber, range.startColumn));
    // A selection of whole lines ends on the next line's column 1: nothing follows it on `last`.
    const lineAfter =
      range.endLineNumber > last
        ? ""
        : this.model.getValueInRange(
            new monaco.Range(range.endLineNumber, range.endColumn, last, this.model.getLineMaxColumn(last)),
          );
    const replacement = this.finalText ?? this.proposal;
    const wholeLines = range.endColumn === 1 && range.endLineNumber > range.startLineNumber;
    // Selected whole lines end with a newline the proposal's last line does not need to show.
    const proposed = proposedLines(lineBefore, wholeLines ? replacement.replace(/\n$/, "") : replacement, lineAfter);
    const shown = replacement === "" && this.state !== "review" ? [] : proposed;
    const { removed, insertions } = inlineHunks(original, shown);
    this.removed.set(
      removed.map((index) => ({
        range: new monaco.Range(first + index, 1, first + index, 1),
        options: {
          isWholeLine: true,
          className: "inline-edit-removed",
          linesDecorationsClassName: "inline-edit-removed-gutter",
        },
      })),
    );
    const { lineHeight, fontFamily, fontSize } = this.editor.getOption(monaco.editor.EditorOption.fontInfo);
    // Syntax colours once the proposal is whole (while it streams, lines change every frame).
    const colorize = this.state === "review";
    this.editor.changeViewZones((accessor) => {
      for (const id of this.zoneIds) accessor.removeZone(id);
      this.zoneIds = insertions.map((insertion) => {
        const node = document.createElement("div");
        node.className = "inline-edit-added-zone";
        node.dataset.testid = "inline-edit-added";
        node.style.fontFamily = fontFamily;
        node.style.fontSize = `${fontSize}px`;
        node.style.lineHeight = `${lineHeight}px`;
        for (const line of insertion.lines) {
          const div = document.createElement("div");
          div.className = "inline-edit-added-line";
          div.textContent = line.text === "" ? " " : line.text;
          node.append(div);
          if (colorize && line.text.trim()) void this.colorize(div, line.text);
        }
        return accessor.addZone({
          afterLineNumber: first + insertion.after,
          heightInLines: insertion.lines.length,
          domNode: node,
        });
      });
    });
  }

  /** Replaces a proposed line's plain text by Monaco's colourised rendering of it. */
  private async colorize(div: HTMLDivElement, text: string): Promise<void> {
    const html = await monaco.editor.colorize(text, this.model.getLanguageId(), {
      tabSize: this.model.getOptions().tabSize,
    });
    if (!this.closed && div.isConnected) div.innerHTML = html.replace(/<br\/?>\s*$/, "");
  }

  private clearDiff(): void {
    this.removed.clear();
    this.editor.changeViewZones((accessor) => {
      for (const id of this.zoneIds) accessor.removeZone(id);
    });
    this.zoneIds = [];
  }

  // ---- the request ------------------------------------------------------------------------

  private body(instruction: string): InlineEditStartBody | null {
    const range = this.range();
    if (!range) return null;
    const start = { lineNumber: range.startLineNumber, column: range.startColumn };
    const end = { lineNumber: range.endLineNumber, column: range.endColumn };
    const lastLine = this.model.getLineCount();
    const prefix = this.model.getValueInRange(new monaco.Range(1, 1, start.lineNumber, start.column));
    const suffix = this.model.getValueInRange(
      new monaco.Range(end.lineNumber, end.column, lastLine, this.model.getLineMaxColumn(lastLine)),
    );
    const body: InlineEditStartBody = {
      path: this.file.path,
      language: this.file.language,
      instruction,
      range: {
        start_line: start.lineNumber,
        start_column: start.column,
        end_line: end.lineNumber,
        end_column: end.column,
      },
      text: this.model.getValueInRange(range),
      prefix: prefix.slice(-CONTEXT_CHARS),
      suffix: suffix.slice(0, CONTEXT_CHARS),
    };
    if (this.finalText !== null && this.instruction) {
      body.previous = { instruction: this.instruction, text: this.finalText };
    }
    return body;
  }

  async send(instruction: string): Promise<void> {
    const body = this.body(instruction);
    if (!body) return;
    this.stopStream();
    this.state = "starting";
    this.setError("");
    this.setStatus("Starting…");
    this.renderControls();
    const ack = await startInlineEdit(body);
    if (this.closed) {
      if ("edit_id" in ack) cancelInlineEdit(ack.edit_id);
      return;
    }
    if ("error" in ack) {
      this.state = this.finalText !== null ? "review" : "input";
      this.setStatus("");
      this.setError(ack.error);
      this.renderControls();
      return;
    }
    this.instruction = instruction;
    this.proposal = "";
    this.finalText = null;
    this.editId = ack.edit_id;
    this.state = "streaming";
    this.dom.input.value = "";
    this.setStatus(`${ack.model} · writing…`);
    this.renderControls();
    this.renderDiff();
    const stop = listen(ack.edit_id, {
      delta: (text) => {
        this.proposal += text;
        this.scheduleDiff();
      },
      done: (text, reason) => {
        this.finishStream();
        if (reason === "cancelled") return;
        this.finalText = text;
        this.state = "review";
        this.setStatus(reason === "length" ? `${ack.model} · cut at the length limit` : ack.model);
        this.renderControls();
        this.renderDiff();
        this.focus();
      },
      error: (detail) => {
        this.finishStream();
        this.state = "input";
        this.proposal = "";
        this.finalText = null;
        this.setStatus("");
        this.setError(detail);
        this.renderControls();
        this.clearDiff();
      },
    });
    // Events that came before the ack may have ended the run already, inside listen().
    if (this.editId === ack.edit_id) this.stopListening = stop;
    else stop();
  }

  /** The run ended: nothing more will come for it (a later disconnect is not its error). */
  private finishStream(): void {
    this.editId = null;
    this.stopListening?.();
    this.stopListening = null;
  }

  private stopStream(): void {
    if (this.editId) cancelInlineEdit(this.editId);
    this.editId = null;
    this.stopListening?.();
    this.stopListening = null;
  }

  // ---- the end ----------------------------------------------------------------------------

  /** Applies the proposal as ONE edit between undo stops: one Ctrl+Z restores the text. */
  accept(): void {
    const range = this.range();
    const text = this.finalText;
    if (this.state !== "review" || text === null || !range) return;
    this.close();
    this.editor.pushUndoStop();
    this.editor.executeEdits("inline-edit", [{ range, text, forceMoveMarkers: true }]);
    this.editor.pushUndoStop();
    this.editor.focus();
  }

  reject(): void {
    this.close();
    this.editor.focus();
  }

  /** `editorAlive: false` when the editor is being disposed (its zones and widgets go with it). */
  close(editorAlive = true): void {
    if (this.closed) return;
    this.closed = true;
    this.stopStream();
    if (this.rendering) cancelAnimationFrame(this.rendering);
    if (editorAlive) {
      this.clearDiff();
      this.editor.changeViewZones((accessor) => {
        if (this.inputZoneId) accessor.removeZone(this.inputZoneId);
      });
      this.editor.removeOverlayWidget(this.widget);
      this.tracked.clear();
    }
    for (const d of this.disposables) d.dispose();
    this.onClose(this);
  }
}

function rangeOf(range: monaco.IRange): { startLine: number; startColumn: number; endLine: number; endColumn: number } {
  return {
    startLine: range.startLineNumber,
    startColumn: range.startColumn,
    endLine: range.endLineNumber,
    endColumn: range.endColumn,
  };
}
