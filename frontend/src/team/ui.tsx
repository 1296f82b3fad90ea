// The team pages' building blocks: page frame, labelled fields, error and notice boxes, links.
import { useId, useState, type AnchorHTMLAttributes, type InputHTMLAttributes, type ReactNode } from "react";
import { ErrorIcon, InfoIcon } from "../ui/icons";
import { navigate } from "./nav";

/** An in-app link: plain clicks navigate without a reload; modified clicks open as usual. */
export function Link({ href, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  return (
    <a
      href={href}
      onClick={(e) => {
        onClick?.(e);
        if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        navigate(href);
      }}
      {...rest}
    />
  );
}

export function Page({ title, children, header }: { title: string; children: ReactNode; header?: ReactNode }) {
  return (
    <div className="team-page">
      {header}
      <main className="team-main" aria-labelledby="page-title">
        <h1 id="page-title">{title}</h1>
        {children}
      </main>
    </div>
  );
}

/** A narrow centred card for the sign-in style pages. */
export function Card({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="team-page">
      <main className="team-card" aria-labelledby="page-title">
        <div className="team-brand" aria-hidden="true">
          Pairpad
        </div>
        <h1 id="page-title">{title}</h1>
        {children}
      </main>
    </div>
  );
}

export function Section({ title, children, testId }: { title: string; children: ReactNode; testId?: string }) {
  const id = useId();
  return (
    <section className="team-section" aria-labelledby={id} data-testid={testId}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

type FieldProps = InputHTMLAttributes<HTMLInputElement> & { label: string; hint?: ReactNode; testId?: string };

/** A labelled input (the label names it; the hint describes it for screen readers too). */
export function Field({ label, hint, testId, ...input }: FieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  return (
    <div className="team-field">
      <label htmlFor={id}>{label}</label>
      <input id={id} data-testid={testId} aria-describedby={hint ? hintId : undefined} {...input} />
      {hint && (
        <div className="team-hint" id={hintId}>
          {hint}
        </div>
      )}
    </div>
  );
}

export function ErrorBox({ error, testId = "error" }: { error: string | null | undefined; testId?: string }) {
  if (!error) return null;
  return (
    <div className="team-error" role="alert" data-testid={testId}>
      <ErrorIcon />
      <span>{error}</span>
    </div>
  );
}

export function Notice({ children, testId }: { children: ReactNode; testId?: string }) {
  return (
    <div className="team-notice" role="status" data-testid={testId}>
      <InfoIcon />
      <span>{children}</span>
    </div>
  );
}

/** Copies `text` to the clipboard and says so. */
export function CopyButton({ text, label = "Copy", testId }: { text: string; label?: string; testId?: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      className="btn"
      data-testid={testId}
      onClick={() => {
        void navigator.clipboard?.writeText(text).then(
          () => setCopied(true),
          () => setCopied(false),
        );
      }}
    >
      {copied ? "Copied" : label}
    </button>
  );
}

export function Loading({ what = "Loading…" }: { what?: string }) {
  return (
    <p className="team-muted" role="status" aria-live="polite">
      {what}
    </p>
  );
}
