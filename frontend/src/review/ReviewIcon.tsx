// The review tab's glyph: a diff (two sheets, a plus and a minus).
export const ReviewIcon = () => (
  <svg
    width="16"
    height="16"
    viewBox="0 0 16 16"
    fill="none"
    stroke="currentColor"
    strokeWidth="1.2"
    aria-hidden="true"
  >
    <rect x="2.5" y="1.5" width="11" height="13" rx="1.5" />
    <path d="M8 4v4M6 6h4M6 11h4" strokeLinecap="round" />
  </svg>
);
