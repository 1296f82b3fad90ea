// The agent's glyph: a spark (the activity bar draws it at 24px; stroke = currentColor).
import type { IconProps } from "../ui/icons";

export const AgentIcon = ({ size = 16, ...rest }: IconProps) => (
  <svg
    width={size}
    height={size}
    viewBox="0 0 16 16"
    fill="none"
    stroke="currentColor"
    strokeWidth={1.2}
    strokeLinecap="round"
    strokeLinejoin="round"
    aria-hidden="true"
    focusable="false"
    {...rest}
  >
    <path d="M7 1.5 8.3 5.7 12.5 7 8.3 8.3 7 12.5 5.7 8.3 1.5 7 5.7 5.7z" />
    <path d="M12.5 10.5v4M10.5 12.5h4" />
  </svg>
);
