// The page's terminals: the xterm sessions (module level, they outlive the panel's React
// tree), a small store the view renders from, and the operations the commands run.
import type { TerminalExit, TerminalOutput } from "../api/generated/events";
import { currentSettings } from "../stores/settings";
import { useLayout } from "../stores/layout";
import { create } from "zustand";
import { exitNote } from "./naming";
import { TerminalSession } from "./session";
import { terminalTheme } from "./theme";
import { terminalApi, type AttachedTerminal } from "./transport";

export const TERMINAL_VIEW = "terminal";

export interface TerminalTab {
  key: string;
  termId: string | null;
  title: string;
  exited: boolean;
}

interface TerminalState {
  tabs: TerminalTab[];
  active: string | null;
  /** A readable failure (open refused, too many terminals), shown in the view until dismissed. */
  error: string | null;
  findOpen: boolean;
}

export const useTerminals = create<TerminalState>(() => ({ tabs: [], active: null, error: null, findOpen: false }));

const sessions = new Map<string, TerminalSession>();
let nextKey = 0;

export function sessionOf(key: string | null): TerminalSession | undefined {
  return key === null ? undefined : sessions.get(key);
}

export function activeSession(): TerminalSession | undefined {
  return sessionOf(useTerminals.getState().active);
}

function byTermId(termId: string): TerminalSession | undefined {
  for (const s of sessions.values()) if (s.termId === termId) return s;
  return undefined;
}

function patchTab(key: string, patch: Partial<TerminalTab>): void {
  useTerminals.setState((s) => ({ tabs: s.tabs.map((t) => (t.key === key ? { ...t, ...patch } : t)) }));
}

function fontSize(): number {
  return currentSettings()["editor.fontSize"];
}

function newSession(): TerminalSession {
  const key = `t${++nextKey}`;
  const session = new TerminalSession(
    key,
    {
      input: terminalApi.input,
      ack: terminalApi.ack,
      resize: terminalApi.resize,
      find: () => useTerminals.setState({ findOpen: true }),
    },
    { theme: terminalTheme(), fontSize: fontSize() },
  );
  sessions.set(key, session);
  return session;
}

// Output can reach the page before the ack of the term:open that created the terminal (the
// shell prints its prompt at once): keep it, bounded, until the terminal is known.
const early = new Map<string, TerminalOutput[]>();
const EARLY_MAX_IDS = 16;

function keepEarly(event: TerminalOutput): void {
  if (!early.has(event.term_id) && early.size >= EARLY_MAX_IDS) {
    const oldest = early.keys().next().value;
    if (oldest !== undefined) early.delete(oldest);
  }
  const list = early.get(event.term_id) ?? [];
  if (list.length < 256) list.push(event);
  early.set(event.term_id, list);
}

function adoptEarly(session: TerminalSession): void {
  if (!session.termId) return;
  const held = early.get(session.termId);
  early.delete(session.termId);
  for (const event of held ?? []) session.output(event.offset, event.data);
}

export function onTerminalOutput(event: TerminalOutput): void {
  const session = byTermId(event.term_id);
  if (session) session.output(event.offset, event.data);
  else keepEarly(event);
}

export function onTerminalExit(event: TerminalExit): void {
  early.delete(event.term_id);
  const session = byTermId(event.term_id);
  if (!session) return;
  session.exit(event.exit_code, event.signal, exitNote(event.exit_code, event.signal, event.reason));
  patchTab(session.key, { exited: true });
}

/** Resolves once the view has put the session in the DOM and fitted it (or after `ms`). */
function whenMounted(session: TerminalSession, ms = 1500): Promise<void> {
  return new Promise((resolve) => {
    const started = performance.now();
    const check = () => {
      if (session.host.isConnected && session.host.clientWidth > 0) {
        session.fitToHost();
        resolve();
      } else if (performance.now() - started > ms) resolve();
      else requestAnimationFrame(check);
    };
    check();
  });
}

function showView(): void {
  useLayout.getState().showPanelView(TERMINAL_VIEW);
}

function focusActiveSoon(): void {
  requestAnimationFrame(() => activeSession()?.term.focus());
}

/** Opens a new shell in the workspace root, shown and focused in the panel. */
export async function createTerminal(): Promise<void> {
  showView();
  const session = newSession();
  useTerminals.setState((s) => ({
    tabs: [...s.tabs, { key: session.key, termId: null, title: "terminal", exited: false }],
    active: session.key,
    error: null,
  }));
  await whenMounted(session);
  try {
    const opened = await terminalApi.open(session.term.cols, session.term.rows);
    session.setOpened(opened.term_id, opened.cols, opened.rows);
    patchTab(session.key, { termId: opened.term_id, title: opened.title || opened.shell });
    adoptEarly(session);
    // The view may have been resized while the shell started.
    session.fitToHost();
    if (useTerminals.getState().active === session.key) focusActiveSoon();
  } catch (err) {
    removeSession(session.key);
    useTerminals.setState({ error: `Could not open a terminal: ${(err as Error).message}` });
  }
}

function removeSession(key: string): void {
  sessionOf(key)?.dispose();
  sessions.delete(key);
  useTerminals.setState((s) => {
    const index = s.tabs.findIndex((t) => t.key === key);
    const tabs = s.tabs.filter((t) => t.key !== key);
    const active = s.active === key ? (tabs[Math.min(index, tabs.length - 1)]?.key ?? null) : s.active;
    return { tabs, active, findOpen: active ? s.findOpen : false };
  });
}

/** Ends the terminal's shell (if it runs) and removes its tab. */
export function closeTerminal(key: string): void {
  const session = sessionOf(key);
  if (!session) return;
  if (session.termId) terminalApi.close(session.termId);
  removeSession(key);
  focusActiveSoon();
}

export function killActiveTerminal(): void {
  const key = useTerminals.getState().active;
  if (key) closeTerminal(key);
}

export function activateTerminal(key: string): void {
  if (!sessions.has(key)) return;
  useTerminals.setState({ active: key });
  focusActiveSoon();
}

/** Ctrl+`: hides the panel when it shows the terminal, else shows it (opening a terminal if none). */
export async function toggleTerminal(): Promise<void> {
  const layout = useLayout.getState();
  if (layout.panelVisible && layout.panelView === TERMINAL_VIEW) {
    layout.togglePanel();
    return;
  }
  showView();
  // Right after a load the server's terminals may not be listed yet: do not open another.
  await reattaching;
  if (useTerminals.getState().tabs.length === 0) await createTerminal();
  else focusActiveSoon();
}

export function findInTerminal(): void {
  showView();
  if (activeSession()) useTerminals.setState({ findOpen: true });
}

export function clearTerminal(): void {
  activeSession()?.term.clear();
  focusActiveSoon();
}

function applyAttach(session: TerminalSession, ack: AttachedTerminal): void {
  session.setOpened(ack.term_id, ack.cols, ack.rows);
  session.finishAttach(ack.scrollback, ack.offset);
  patchTab(session.key, { title: ack.title || ack.shell });
  if (ack.exited) {
    session.exit(ack.exit_code, ack.signal);
    patchTab(session.key, { exited: true });
  } else {
    session.fitToHost();
  }
}

let reattaching: Promise<void> = Promise.resolve();

/** After a page load: reattach every terminal the server still holds, with its scroll-back. */
export function reattachAll(): Promise<void> {
  reattaching = reattachListed();
  return reattaching;
}

async function reattachListed(): Promise<void> {
  let listed;
  try {
    listed = (await terminalApi.list()).terminals;
  } catch (err) {
    useTerminals.setState({ error: `Could not list the terminals: ${(err as Error).message}` });
    return;
  }
  for (const item of listed) {
    if (byTermId(item.term_id)) continue;
    const session = newSession();
    session.termId = item.term_id;
    session.beginAttach();
    useTerminals.setState((s) => ({
      tabs: [...s.tabs, { key: session.key, termId: item.term_id, title: item.title, exited: item.exited }],
      active: s.active ?? session.key,
    }));
    try {
      applyAttach(session, await terminalApi.attach(item.term_id));
      adoptEarly(session);
    } catch (err) {
      session.abortAttach();
      session.exit(null, null, `[could not reattach: ${(err as Error).message}]`);
      patchTab(session.key, { exited: true });
    }
  }
}

/** After a reconnect: reattach the live terminals, catching up on the output missed offline. */
export function resyncTerminals(): void {
  for (const session of sessions.values()) {
    if (!session.termId || session.exited) continue;
    const termId = session.termId;
    session.beginAttach();
    terminalApi.attach(termId).then(
      (ack) => applyAttach(session, ack),
      (err: Error) => {
        session.abortAttach();
        session.exit(null, null, `[terminal lost while offline: ${err.message}]`);
        patchTab(session.key, { exited: true });
      },
    );
  }
  void reattachAll();
}

/** Theme or font size changed: restyle every terminal. */
export function restyleTerminals(): void {
  const theme = terminalTheme();
  const size = fontSize();
  for (const session of sessions.values()) {
    session.setAppearance(theme, size);
    session.fitToHost();
  }
}
