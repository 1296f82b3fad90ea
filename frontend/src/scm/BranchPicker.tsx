// The branch picker (from the status bar's branch): type to filter, Enter switches; a name no
// branch has is offered as "Create branch". git's refusal (local changes) is shown as is.
import { useEffect, useMemo, useState } from "react";
import { errorMessage } from "../api/http";
import { QuickPicker } from "../ui/QuickPicker";
import { branchEntries, type BranchEntry } from "./branchItems";
import { closeBranchPicker, useBranchPicker } from "./branchPickerStore";
import { gitApi, type BranchList } from "./scmApi";
import { switchBranch } from "./scmStore";

export function BranchPicker() {
  const open = useBranchPicker((s) => s.open);
  return open ? <PickerWidget /> : null;
}

function PickerWidget() {
  const [list, setList] = useState<BranchList | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [query, setQuery] = useState("");

  useEffect(() => {
    gitApi.branches().then(setList, (err: unknown) => setError(errorMessage(err)));
  }, []);

  const items = useMemo(() => branchEntries(query, list?.branches ?? []), [list, query]);
  const choose = (item: BranchEntry) => {
    if (item.kind === "switch" && item.current) return;
    void switchBranch(item.name, item.kind === "create");
  };

  return (
    <QuickPicker
      label="Switch Branch"
      testId="branch-picker"
      listId="branch-picker-list"
      inputLabel="Branch"
      placeholder="Select a branch to switch to, or type a new branch name"
      query={query}
      onQueryChange={setQuery}
      items={items}
      itemKey={(item) => `${item.kind}:${item.name}`}
      itemAttributes={(item) => ({ "data-branch": item.name })}
      renderItem={(item) => (
        <>
          <span className="primary">{item.kind === "create" ? `+ Create branch "${item.name}"` : item.name}</span>
          <span className="secondary">{item.detail}</span>
        </>
      )}
      emptyText={error ?? (list ? "No matching branches" : "Loading branches…")}
      onPick={choose}
      onClose={closeBranchPicker}
    />
  );
}
