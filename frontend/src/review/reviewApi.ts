// The review's public API (imported by chat, later Ctrl+K and the agent): apply an edit text
// through the engine and open the review of the change set it made; restore a checkpoint
// (asks first, reports conflicts) found in the list.
export { applyEdit, type ApplyEditRequest, type ApplyOutcome } from "./applyEdit";
export { openReview } from "./reviewStore";
export { loadCheckpoints, restoreCheckpoint } from "./checkpoints";
