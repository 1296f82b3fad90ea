// The review's public API (imported by chat, later Ctrl+K and the agent): apply an edit text
// through the engine and open the review of the change set it made.
export { applyEdit, type ApplyEditRequest, type ApplyOutcome } from "./applyEdit";
export { openReview } from "./reviewStore";
