// The status bar's branch (or short commit when detached); a click opens the branch picker.
import { BranchIcon } from "../ui/icons";
import { openBranchPicker } from "./branchPickerStore";
import { useScm } from "./scmStore";

export function BranchStatusItem() {
  const status = useScm((s) => s.status);
  if (!status?.repository) return null;
  const label = status.branch ?? (status.head ? status.head.slice(0, 7) : "(no commit)");
  const sync = status.ahead || status.behind ? ` ${status.behind}↓ ${status.ahead}↑` : "";
  return (
    <button
      type="button"
      className="status-item scm-branch"
      data-testid="status-branch"
      title={`Git branch: ${label}${status.upstream ? ` (tracks ${status.upstream})` : ""} — click to switch or create a branch`}
      onClick={openBranchPicker}
    >
      <BranchIcon size={14} />
      {label}
      {sync}
    </button>
  );
}
