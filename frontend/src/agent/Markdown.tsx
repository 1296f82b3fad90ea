// The model's text as Markdown. No raw HTML (react-markdown's default), so model output cannot
// inject markup; links open in a new tab.
import ReactMarkdown, { type Components } from "react-markdown";

const components: Components = {
  a({ href, children }) {
    return (
      <a href={href} target="_blank" rel="noopener noreferrer">
        {children}
      </a>
    );
  },
};

export function Markdown({ text }: { text: string }) {
  return <ReactMarkdown components={components}>{text}</ReactMarkdown>;
}
