// Toast notifications: every server error detail ends up here, never swallowed.
import { create } from "zustand";
import { errorMessage } from "../api/http";

export type Severity = "info" | "warning" | "error";

export interface Notification {
  id: number;
  severity: Severity;
  message: string;
}

interface NotificationState {
  items: Notification[];
  push: (severity: Severity, message: string) => number;
  dismiss: (id: number) => void;
}

let nextId = 1;

export const useNotifications = create<NotificationState>((set) => ({
  items: [],
  push: (severity, message) => {
    const id = nextId++;
    set((s) => ({ items: [...s.items.filter((n) => n.message !== message), { id, severity, message }].slice(-5) }));
    if (severity !== "error") setTimeout(() => useNotifications.getState().dismiss(id), 5000);
    return id;
  },
  dismiss: (id) => set((s) => ({ items: s.items.filter((n) => n.id !== id) })),
}));

export function notifyError(prefix: string, err: unknown): void {
  useNotifications.getState().push("error", `${prefix}: ${errorMessage(err)}`);
}

export function notifyInfo(message: string): void {
  useNotifications.getState().push("info", message);
}
