// The workbench registry: the one place features plug their UI into. Each feature folder has an
// `install.ts` that contributes its side views, tab kinds, status-bar items, commands (with
// their keybindings), Monaco providers, socket handlers, editor headers and hosts; `app/`
// renders the descriptor tables and never names a feature. An id may be contributed once per
// contribution point: a second contribution with the same id is a bug and throws.
import { createContext, useContext, useSyncExternalStore, type ComponentType, type ReactNode } from "react";
import type { ServerEvents } from "../api/schema";
import { defineTabKind, type Tab } from "../stores/tabs";
import type { IconProps } from "../ui/icons";
import { registerCommand, type Command } from "./commands";

/** A view of the bottom panel (Problems, Output, Terminal), with its tab in the panel's tab strip. */
export interface PanelViewDescriptor {
  id: string;
  title: string;
  /** Tab position, ascending. */
  order: number;
  component: ComponentType;
  /** Drawn beside the title (a problem count); renders nothing when it has nothing to say. */
  badge?: ComponentType;
  /** Buttons at the right of the tab strip while this view is shown (new terminal, clear). */
  actions?: ComponentType;
  /** Kept mounted (hidden) while another view is shown, so its state survives tab switches. */
  keepAlive?: boolean;
}

/** A view of a side bar, with its button on the activity bar. */
export interface SideViewDescriptor {
  id: string;
  /** "secondary": the side bar opposite the explorer (chat), so both show together. Default primary. */
  location?: "primary" | "secondary";
  title: string;
  /** The activity bar's glyph (drawn at 24px). */
  icon: ComponentType<IconProps>;
  /** Activity bar position, ascending. */
  order: number;
  /** Shown in the button's tooltip, e.g. "Mod+Shift+E" (the command itself is contributed apart). */
  keybinding?: string;
  component: ComponentType;
  /** The workbench draws a header with the title above it (views without one draw their own). */
  titled?: boolean;
  /** Runs instead of a plain "show" when the activity bar reveals a hidden view (search focuses its input). */
  reveal?: () => void;
}

export interface TabViewProps {
  groupId: string;
  tab: Tab;
}

/** What the tab bar shows for a tab. */
export interface TabInfo {
  title: string;
  icon: ReactNode;
  /** The tab's tooltip (defaults to the title). */
  tooltip?: string;
  /** A workspace path the tab shows (`data-path`, and a directory hint when names collide). */
  path?: string;
  dirty?: boolean;
  deleted?: boolean;
}

/** A kind of editor tab: how its body renders and how the tab bar labels it. */
export interface TabKindDescriptor {
  kind: string;
  component: ComponentType<TabViewProps>;
  /** A hook (called once per mounted tab, whose kind never changes): the tab bar's label. */
  useInfo: (tab: Tab) => TabInfo;
  /** A fresh component per tab; otherwise one instance follows the group's active tab of this kind. */
  remountPerTab?: boolean;
  /** `path` is a workspace file: renamed and closed with it, keeps its buffer alive. */
  fileBacked?: boolean;
  /** Reopened after a reload (hot exit keeps the layout). */
  persistent?: boolean;
  /** After the user activates the tab (the file tab focuses its editor). */
  onActivate?: (groupId: string, tab: Tab) => void;
}

export interface StatusBarItemDescriptor {
  id: string;
  alignment: "left" | "right";
  /** Position within its side, ascending. */
  order: number;
  /** Renders nothing when it has nothing to say. */
  component: ComponentType;
}

/** A widget above a file's editor (breadcrumbs). */
export interface EditorHeaderDescriptor {
  id: string;
  order: number;
  component: ComponentType<{ path: string }>;
}

/** A component mounted once at the workbench's root: overlays (quick input, pickers), appliers (theme). */
export interface HostDescriptor {
  id: string;
  component: ComponentType;
}

/** Monaco language features, registered once when the workbench starts. */
export interface MonacoProviderDescriptor {
  id: string;
  register: () => void;
}

/** A listener on the app's Socket.IO connection, attached when the workbench starts. */
export interface SocketHandlerDescriptor {
  id: string;
  event: string;
  handler: (payload: never) => void;
}

/** Runs once when the workbench starts (after socket handlers are attached). */
export interface ActivationDescriptor {
  id: string;
  run: () => void;
}

/** Runs after a reconnect: events may have been missed while offline. */
export interface ResyncDescriptor {
  id: string;
  run: () => void;
}

export interface SocketLike {
  on(event: string, handler: (payload: never) => void): unknown;
}

interface Points {
  sideViews: SideViewDescriptor;
  panelViews: PanelViewDescriptor;
  tabKinds: TabKindDescriptor;
  statusBarItems: StatusBarItemDescriptor;
  editorHeaders: EditorHeaderDescriptor;
  hosts: HostDescriptor;
  commands: Command;
  monacoProviders: MonacoProviderDescriptor;
  socketHandlers: SocketHandlerDescriptor;
  activations: ActivationDescriptor;
  resyncs: ResyncDescriptor;
}

export type ContributionPoint = keyof Points;

const idOf = (point: ContributionPoint, item: Points[ContributionPoint]): string =>
  point === "tabKinds" ? (item as TabKindDescriptor).kind : (item as { id: string }).id;

export class WorkbenchRegistry {
  private readonly items = new Map<ContributionPoint, readonly unknown[]>();
  private readonly listeners = new Set<() => void>();
  private version = 0;
  private started = false;

  /** `wireCommands`: commands also go to the command registry (the palette and global keys). */
  constructor(private readonly wireCommands = false) {}

  private add<P extends ContributionPoint>(point: P, item: Points[P]): void {
    const id = idOf(point, item);
    const list = this.list(point);
    if (list.some((existing) => idOf(point, existing) === id)) {
      throw new Error(`Duplicate ${point} contribution: ${id}`);
    }
    this.items.set(point, [...list, item]);
    this.version++;
    for (const listener of this.listeners) listener();
  }

  sideView(view: SideViewDescriptor): void {
    this.add("sideViews", view);
  }

  panelView(view: PanelViewDescriptor): void {
    this.add("panelViews", view);
  }

  tabKind(descriptor: TabKindDescriptor): void {
    this.add("tabKinds", descriptor);
    defineTabKind(descriptor.kind, { fileBacked: !!descriptor.fileBacked, persistent: !!descriptor.persistent });
  }

  statusBarItem(item: StatusBarItemDescriptor): void {
    this.add("statusBarItems", item);
  }

  editorHeader(header: EditorHeaderDescriptor): void {
    this.add("editorHeaders", header);
  }

  host(host: HostDescriptor): void {
    this.add("hosts", host);
  }

  /** A command (palette entry, and its keybinding when it has one). */
  command(command: Command): void {
    this.add("commands", command);
    if (this.wireCommands) registerCommand(command);
  }

  monacoProvider(provider: MonacoProviderDescriptor): void {
    this.add("monacoProviders", provider);
  }

  /** `event`: a server event (its payload typed from the generated events schema) or one of Socket.IO's own. */
  socketHandler<E extends keyof ServerEvents | "connect" | "disconnect">(
    id: string,
    event: E,
    handler: (payload: E extends keyof ServerEvents ? ServerEvents[E] : never) => void,
  ): void {
    this.add("socketHandlers", { id, event, handler });
  }

  activation(activation: ActivationDescriptor): void {
    this.add("activations", activation);
  }

  resync(resync: ResyncDescriptor): void {
    this.add("resyncs", resync);
  }

  private list<P extends ContributionPoint>(point: P): readonly Points[P][] {
    return (this.items.get(point) ?? []) as readonly Points[P][];
  }

  /** The contributions of one point, in contribution order (sorted by `order` where it has one). */
  get<P extends ContributionPoint>(point: P): readonly Points[P][] {
    const list = this.list(point);
    return list.some((item) => "order" in item)
      ? [...list].sort((a, b) => ((a as { order?: number }).order ?? 0) - ((b as { order?: number }).order ?? 0))
      : list;
  }

  tabKindOf(kind: string): TabKindDescriptor | undefined {
    return this.list("tabKinds").find((d) => d.kind === kind);
  }

  /** Registers the Monaco providers, attaches the socket handlers and runs the activations, once. */
  start(socket: SocketLike): void {
    if (this.started) return;
    this.started = true;
    for (const provider of this.list("monacoProviders")) provider.register();
    for (const { event, handler } of this.list("socketHandlers")) socket.on(event, handler);
    for (const activation of this.list("activations")) activation.run();
  }

  /** Tells every feature to resync (after a reconnect). */
  resyncAll(): void {
    for (const resync of this.list("resyncs")) resync.run();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getVersion = (): number => this.version;
}

/** The app's registry, filled by the features' install functions (app/install.ts). */
export const workbench = new WorkbenchRegistry(true);

/** The registry the workbench renders from (tests provide their own). */
export const RegistryContext = createContext<WorkbenchRegistry>(workbench);

export function useRegistry(): WorkbenchRegistry {
  const registry = useContext(RegistryContext);
  useSyncExternalStore(registry.subscribe, registry.getVersion);
  return registry;
}

/** A point's contributions, re-rendering when a feature contributes later. */
export function useContributions<P extends ContributionPoint>(point: P): readonly Points[P][] {
  return useRegistry().get(point);
}
