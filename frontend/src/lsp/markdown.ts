// LSP hover and signature documentation as Monaco markdown. Pure (unit-tested).
import type { Hover, MarkedString, MarkupContent } from "./protocol";

export interface MarkdownLike {
  value: string;
}

function fence(language: string, value: string): string {
  return "```" + language + "\n" + value + "\n```";
}

function escapePlain(text: string): string {
  // Plain text must not be read as markdown (underscores in Python names, `*args`).
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, "\\$&");
}

export function markedToMarkdown(content: MarkupContent | MarkedString): MarkdownLike {
  if (typeof content === "string") return { value: content };
  if ("kind" in content) return { value: content.kind === "markdown" ? content.value : escapePlain(content.value) };
  return { value: fence(content.language, content.value) };
}

/** A hover's contents as Monaco markdown strings (empty parts dropped). */
export function hoverContents(hover: Hover | null | undefined): MarkdownLike[] {
  if (!hover?.contents) return [];
  const parts = Array.isArray(hover.contents) ? hover.contents : [hover.contents];
  return parts.map(markedToMarkdown).filter((m) => m.value.trim() !== "");
}

export function documentation(doc: string | MarkupContent | undefined): MarkdownLike | undefined {
  if (doc === undefined) return undefined;
  return markedToMarkdown(doc);
}
