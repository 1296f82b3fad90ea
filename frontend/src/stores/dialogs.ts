// Promise-based modal dialogs (confirm delete, save before close).
import { create } from "zustand";

export interface DialogButton<T extends string> {
  id: T;
  label: string;
  primary?: boolean;
  danger?: boolean;
}

interface DialogRequest {
  title: string;
  message: string;
  detail?: string;
  buttons: DialogButton<string>[];
  cancelId: string;
  resolve: (id: string) => void;
}

export const useDialogs = create<{ current: DialogRequest | null }>(() => ({ current: null }));

export function showDialog<T extends string>(options: {
  title: string;
  message: string;
  detail?: string;
  buttons: DialogButton<T>[];
  cancelId: T;
}): Promise<T> {
  return new Promise<T>((resolve) => {
    // A second dialog cancels the first rather than stacking.
    useDialogs.getState().current?.resolve(useDialogs.getState().current!.cancelId);
    useDialogs.setState({
      current: {
        ...options,
        resolve: (id: string) => {
          useDialogs.setState({ current: null });
          resolve(id as T);
        },
      },
    });
  });
}
