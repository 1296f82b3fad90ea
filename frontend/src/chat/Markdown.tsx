// An answer as Markdown; fenced code goes through CodeBlock. No raw HTML (react-markdown's
// default), so model output cannot inject markup.
import { createContext, useContext, useMemo, type ReactNode } from "react";
import ReactMarkdown, { type Components } from "react-markdown";
import { lineBefore } from "./applyCode";
import { CodeBlock } from "./CodeBlock";

interface HastNode {
  type: string;
  value?: string;
  tagName?: string;
  properties?: { className?: unknown };
  children?: HastNode[];
  data?: { meta?: unknown };
  position?: { start?: { offset?: number } };
}

function textOf(node: HastNode): string {
  if (node.type === "text") return node.value ?? "";
  return (node.children ?? []).map(textOf).join("");
}

// The answer's source and its question's files, for the code blocks (a context keeps the
// components stable, so streaming does not remount the blocks).
const Source = createContext<{ text: string; contextPaths: string[] }>({ text: "", contextPaths: [] });

function Pre({ node, children }: { node?: unknown; children?: ReactNode }) {
  const { text, contextPaths } = useContext(Source);
  const pre = node as HastNode | undefined;
  const code = pre?.children?.find((c) => c.type === "element" && c.tagName === "code");
  if (!code) return <pre>{children}</pre>;
  const classes = Array.isArray(code.properties?.className) ? (code.properties.className as string[]) : [];
  const info = classes.find((c) => c.startsWith("language-"))?.slice("language-".length) ?? "";
  const meta = typeof code.data?.meta === "string" ? code.data.meta : "";
  const offset = pre?.position?.start?.offset;
  const before = typeof offset === "number" ? lineBefore(text, offset) : "";
  return (
    <CodeBlock
      code={textOf(code).replace(/\n$/, "")}
      info={info}
      meta={meta}
      before={before}
      contextPaths={contextPaths}
    />
  );
}

const components: Components = {
  pre: Pre,
  a({ href, children }) {
    return (
      <a href={href} target="_blank" rel="noopener noreferrer">
        {children}
      </a>
    );
  },
};

/** `contextPaths`: the files of the question's context (a code block naming one by its bare
 * name applies to it). */
export function Markdown({ text, contextPaths = [] }: { text: string; contextPaths?: string[] }) {
  const key = contextPaths.join("\n");
  const value = useMemo(() => ({ text, contextPaths: key ? key.split("\n") : [] }), [text, key]);
  return (
    <Source.Provider value={value}>
      <ReactMarkdown components={components}>{text}</ReactMarkdown>
    </Source.Provider>
  );
}
