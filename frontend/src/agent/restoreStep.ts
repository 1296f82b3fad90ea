// "Restore checkpoint" on a step: the review's restore (it asks first, keeps the user's own
// edits and lists conflicts) of the checkpoint taken before the step wrote.
import { loadCheckpoints, restoreCheckpoint } from "../review/reviewApi";
import { useAgent } from "./agentStore";

export async function restoreStep(checkpointId: string): Promise<boolean> {
  const checkpoint = (await loadCheckpoints()).find((c) => c.id === checkpointId);
  if (!checkpoint) {
    useAgent.setState({
      error: "The checkpoint taken before this step is not in the list (it could not be loaded, or it was removed).",
    });
    return false;
  }
  return restoreCheckpoint(checkpoint);
}
