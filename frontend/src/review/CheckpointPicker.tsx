// "Restore Checkpoint…" from the command palette: a quick pick of the checkpoints (newest
// first: time, source, title, files); Enter asks to confirm, then restores.
import { useEffect, useMemo, useState } from "react";
import { QuickPicker } from "../ui/QuickPicker";
import { filterByText } from "../ui/textFilter";
import { closeCheckpointPicker, loadCheckpoints, restoreCheckpoint, useCheckpoints } from "./checkpoints";
import { checkpointName, filesSummary, formatWhen } from "./hunks";

export function CheckpointPicker() {
  const open = useCheckpoints((s) => s.pickerOpen);
  return open ? <PickerWidget /> : null;
}

function PickerWidget() {
  const list = useCheckpoints((s) => s.list);
  const loadError = useCheckpoints((s) => s.loadError);
  const [loaded, setLoaded] = useState(false);
  const [query, setQuery] = useState("");

  useEffect(() => {
    void loadCheckpoints().then(() => setLoaded(true));
  }, []);

  const items = useMemo(
    () => filterByText(list ?? [], query, (cp) => `${cp.title} ${cp.source} ${cp.files.join(" ")}`),
    [list, query],
  );

  return (
    <QuickPicker
      label="Restore Checkpoint"
      testId="checkpoint-picker"
      listId="checkpoint-picker-list"
      inputLabel="Checkpoint"
      placeholder="Select the checkpoint to restore (undoes the AI changes made since)"
      query={query}
      onQueryChange={setQuery}
      items={items}
      itemKey={(cp) => cp.id}
      itemAttributes={(cp) => ({ "data-checkpoint": cp.id, title: cp.files.join("\n") })}
      renderItem={(cp) => (
        <>
          <span className="primary">{checkpointName(cp)}</span>
          <span className="secondary">
            {formatWhen(cp.created_at)} · {cp.source} · {filesSummary(cp.files)}
          </span>
        </>
      )}
      emptyText={
        loadError ?? (!loaded ? "Loading checkpoints…" : query ? "No matching checkpoints" : "No checkpoints yet")
      }
      onPick={(cp) => void restoreCheckpoint(cp)}
      onClose={closeCheckpointPicker}
    />
  );
}
