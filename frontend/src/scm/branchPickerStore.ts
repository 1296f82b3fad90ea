// Whether the branch picker is open (the status bar's branch and the command open it).
import { create } from "zustand";

export const useBranchPicker = create<{ open: boolean }>(() => ({ open: false }));

export const openBranchPicker = () => useBranchPicker.setState({ open: true });
export const closeBranchPicker = () => useBranchPicker.setState({ open: false });
