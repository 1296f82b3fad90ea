// The review feature's contributions: the "Review changes" tab, the status bar's count of
// pending changes, the live "review:changed" event, and the review / checkpoint commands.
import { createElement } from "react";
import { useTabs } from "../stores/tabs";
import type { WorkbenchRegistry } from "../workbench/registry";
import { loadCheckpoints, openCheckpointPicker } from "./checkpoints";
import { CheckpointPicker } from "./CheckpointPicker";
import { ReviewIcon } from "./ReviewIcon";
import { ReviewStatusItem } from "./ReviewStatusItem";
import { isReviewOpen, loadPending, onReviewChanged, openReview, resetReview, REVIEW_TAB } from "./reviewStore";
import { ReviewTab } from "./ReviewTab";
import "./review.css";

/** Forgets what the review showed once its tab is closed (the next open starts from what is pending). */
function resetWhenClosed(): void {
  let open = isReviewOpen();
  useTabs.subscribe(() => {
    const now = isReviewOpen();
    if (open && !now) resetReview();
    open = now;
  });
}

export function installReview(wb: WorkbenchRegistry): void {
  wb.tabKind({
    kind: REVIEW_TAB,
    component: ReviewTab,
    useInfo: () => ({
      title: "Review Changes",
      icon: createElement(ReviewIcon),
      tooltip: "Review changes from the AI",
    }),
  });
  wb.statusBarItem({ id: "review.pending", alignment: "left", order: 30, component: ReviewStatusItem });
  wb.host({ id: "review.checkpointPicker", component: CheckpointPicker });
  wb.socketHandler("review.changed", "review:changed", onReviewChanged);
  wb.activation({
    id: "review.start",
    run: () => {
      resetWhenClosed();
      void loadPending();
    },
  });
  wb.resync({ id: "review.reload", run: () => void loadPending() });
  wb.command({
    id: "pairpad.review.open",
    category: "Review",
    title: "Review Changes",
    run: () => openReview(),
  });
  wb.command({
    id: "pairpad.checkpoints.restore",
    category: "Review",
    title: "Restore Checkpoint…",
    run: openCheckpointPicker,
  });
  wb.command({
    id: "pairpad.checkpoints.show",
    category: "Review",
    title: "Show Checkpoints",
    run: async () => {
      await openReview();
      await loadCheckpoints();
    },
  });
}
