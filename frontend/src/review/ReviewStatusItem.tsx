// The status bar's "3 changes to review" (hidden when nothing is pending); a click opens the review.
import { reviewCountDetail, reviewCountLabel } from "./hunks";
import { openReview, useReview } from "./reviewStore";

export function ReviewStatusItem() {
  const hunks = useReview((s) => s.pendingHunks);
  const files = useReview((s) => s.pendingFiles);
  const label = reviewCountLabel(hunks);
  if (!label) return null;
  return (
    <button
      type="button"
      className="status-item review-status"
      data-testid="status-review"
      title={`${reviewCountDetail(hunks, files)} from the AI wait for you: click to review them`}
      onClick={() => void openReview()}
    >
      <span className="review-status-dot" aria-hidden="true" />
      {label}
    </button>
  );
}
