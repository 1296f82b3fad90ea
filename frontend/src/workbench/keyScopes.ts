// Key scopes: a focused widget that owns the keyboard (the terminal) tells the global key
// handler which workbench commands still run while it has focus; every other key goes to
// the widget (a shell wants Ctrl+S, Ctrl+G, Ctrl+H, Alt+W, …).

export interface KeyScope {
  /** Whether the scope holds this element (usually `target.closest(selector)`). */
  contains(target: Element): boolean;
  /** Whether the workbench command still runs inside the scope. */
  allows(commandId: string): boolean;
}

const scopes = new Set<KeyScope>();

/** Returns a function that removes the scope. */
export function registerKeyScope(scope: KeyScope): () => void {
  scopes.add(scope);
  return () => scopes.delete(scope);
}

/** False when the key event's target is inside a scope that keeps this command's key for itself. */
export function workbenchMayHandle(target: EventTarget | null, commandId: string): boolean {
  if (!(target instanceof Element)) return true;
  for (const scope of scopes) if (scope.contains(target)) return scope.allows(commandId);
  return true;
}
