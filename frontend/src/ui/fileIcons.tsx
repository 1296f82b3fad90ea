// File-type icons drawn inline: a folder glyph or a coloured badge by extension.
import { extname, basename } from "../util/paths";

interface Badge {
  label: string;
  color: string;
}

const BY_EXT: Record<string, Badge> = {
  ts: { label: "TS", color: "#3178c6" },
  tsx: { label: "TS", color: "#3178c6" },
  js: { label: "JS", color: "#d4b21a" },
  jsx: { label: "JS", color: "#d4b21a" },
  mjs: { label: "JS", color: "#d4b21a" },
  cjs: { label: "JS", color: "#d4b21a" },
  py: { label: "PY", color: "#3b77a8" },
  pyi: { label: "PY", color: "#3b77a8" },
  json: { label: "{}", color: "#c7a13a" },
  md: { label: "M↓", color: "#4b8bd4" },
  html: { label: "<>", color: "#e2622d" },
  htm: { label: "<>", color: "#e2622d" },
  css: { label: "#", color: "#7f61c9" },
  scss: { label: "#", color: "#cd6799" },
  less: { label: "#", color: "#5b7fbf" },
  rs: { label: "RS", color: "#c36b3c" },
  go: { label: "GO", color: "#00a7d0" },
  java: { label: "JV", color: "#c0793a" },
  c: { label: "C", color: "#5e8fc2" },
  h: { label: "H", color: "#8c63b8" },
  cpp: { label: "C+", color: "#5e8fc2" },
  hpp: { label: "H+", color: "#8c63b8" },
  cs: { label: "C#", color: "#6a9a3d" },
  rb: { label: "RB", color: "#c5322c" },
  php: { label: "PH", color: "#7a86b8" },
  sh: { label: "$", color: "#6b9e4f" },
  bash: { label: "$", color: "#6b9e4f" },
  yml: { label: "Y", color: "#b34c6a" },
  yaml: { label: "Y", color: "#b34c6a" },
  toml: { label: "T", color: "#9c6b4e" },
  ini: { label: "≡", color: "#888" },
  cfg: { label: "≡", color: "#888" },
  txt: { label: "≡", color: "#888" },
  svg: { label: "SV", color: "#d09a2f" },
  png: { label: "IM", color: "#3f9e8c" },
  jpg: { label: "IM", color: "#3f9e8c" },
  jpeg: { label: "IM", color: "#3f9e8c" },
  gif: { label: "IM", color: "#3f9e8c" },
  sql: { label: "DB", color: "#d18c2f" },
  lock: { label: "🔒", color: "#888" },
};

const BY_NAME: Record<string, Badge> = {
  dockerfile: { label: "D", color: "#2496ed" },
  makefile: { label: "M", color: "#b25c3a" },
  ".gitignore": { label: "G", color: "#e0503b" },
  license: { label: "©", color: "#c7a13a" },
};

function badgeFor(path: string): Badge {
  const name = basename(path).toLowerCase();
  return BY_NAME[name] ?? BY_EXT[extname(path)] ?? { label: "", color: "#8a8f98" };
}

export function FileIcon({ path }: { path: string }) {
  const badge = badgeFor(path);
  if (!badge.label) {
    return (
      <svg className="file-icon" width="16" height="16" viewBox="0 0 16 16" aria-hidden="true">
        <path d="M4 1.5h5.5l3 3v10h-8.5z" fill="none" stroke={badge.color} strokeWidth="1.1" strokeLinejoin="round" />
        <path d="M9.5 1.5v3h3" fill="none" stroke={badge.color} strokeWidth="1.1" strokeLinejoin="round" />
      </svg>
    );
  }
  return (
    <span className="file-icon file-badge" style={{ color: badge.color }} aria-hidden="true">
      {badge.label}
    </span>
  );
}

export function FolderIcon({ open }: { open: boolean }) {
  return (
    <svg className="file-icon" width="16" height="16" viewBox="0 0 16 16" aria-hidden="true">
      {open ? (
        <path
          d="M1.5 3.5h4l1.3 1.3h6.7v1.7H4.2L1.5 13zM1.5 13l2.7-6.5h11l-2.7 6.5z"
          fill="var(--folder-color)"
          fillOpacity="0.85"
          stroke="var(--folder-color)"
          strokeWidth="0.8"
          strokeLinejoin="round"
        />
      ) : (
        <path
          d="M1.5 3.5h4l1.3 1.3h7.7v8.7h-13z"
          fill="var(--folder-color)"
          fillOpacity="0.85"
          stroke="var(--folder-color)"
          strokeWidth="0.8"
          strokeLinejoin="round"
        />
      )}
    </svg>
  );
}
