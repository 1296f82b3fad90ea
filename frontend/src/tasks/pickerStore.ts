// Whether the Run Task picker is open.
import { create } from "zustand";

export const useTaskPicker = create<{ open: boolean }>(() => ({ open: false }));

export const openTaskPicker = () => useTaskPicker.setState({ open: true });
