// The source-control feature's contributions: the Source Control view, the diff tabs, the
// status bar's branch (and its picker), the editor's gutter markers, explorer and tab
// decorations (through stores/decorations), the live git:changed / fs:changed events.
import { createElement } from "react";
import { useLayout } from "../stores/layout";
import { FileIcon } from "../ui/fileIcons";
import { basename } from "../util/paths";
import type { WorkbenchRegistry } from "../workbench/registry";
import { BranchPicker } from "./BranchPicker";
import { openBranchPicker } from "./branchPickerStore";
import { BranchStatusItem } from "./BranchStatusItem";
import { installGutter } from "./gutter";
import { CHANGES_DIFF, STAGED_DIFF } from "./openDiff";
import { ScmDiffTab } from "./ScmDiffTab";
import { ScmIcon } from "./ScmIcon";
import { commit, initRepository, refreshSoon, refreshStatus, remote, stage, useScm } from "./scmStore";
import { ScmView } from "./ScmView";
import "./scm.css";

const VIEW = "scm";

export function installScm(wb: WorkbenchRegistry): void {
  const show = () => useLayout.getState().showSideView(VIEW);
  wb.sideView({
    id: VIEW,
    title: "Source Control",
    order: 25,
    keybinding: "Mod+Shift+G",
    icon: ScmIcon,
    component: ScmView,
  });
  wb.tabKind({
    kind: CHANGES_DIFF,
    component: ({ tab }) => createElement(ScmDiffTab, { path: tab.path, staged: false }),
    useInfo: (tab) => ({
      title: `${basename(tab.path)} (Working Tree)`,
      icon: createElement(FileIcon, { path: tab.path }),
      tooltip: `${tab.path} — staged ↔ working tree`,
      path: tab.path,
    }),
    remountPerTab: true,
    fileBacked: true,
  });
  wb.tabKind({
    kind: STAGED_DIFF,
    component: ({ tab }) => createElement(ScmDiffTab, { path: tab.path, staged: true }),
    useInfo: (tab) => ({
      title: `${basename(tab.path)} (Index)`,
      icon: createElement(FileIcon, { path: tab.path }),
      tooltip: `${tab.path} — HEAD ↔ staged`,
      path: tab.path,
    }),
    remountPerTab: true,
  });
  wb.statusBarItem({ id: "scm.branch", alignment: "left", order: 10, component: BranchStatusItem });
  wb.host({ id: "scm.branchPicker", component: BranchPicker });
  wb.monacoProvider({ id: "scm.gutter", register: installGutter });
  wb.socketHandler("scm.gitChanged", "git:changed", () => void refreshStatus());
  wb.socketHandler("scm.fsChanged", "fs:changed", () => refreshSoon());
  wb.activation({
    id: "scm.start",
    run: () => {
      void refreshStatus();
      // git run in a terminal changes .git only, which the watcher ignores.
      window.addEventListener("focus", () => refreshSoon(0));
    },
  });
  wb.resync({ id: "scm.refresh", run: () => void refreshStatus() });

  wb.command({
    id: "workbench.view.scm",
    category: "View",
    title: "Show Source Control",
    keybinding: "Mod+Shift+G",
    run: show,
  });
  wb.command({ id: "git.commit", category: "Git", title: "Commit Staged", run: () => void commit() });
  wb.command({
    id: "git.stageAll",
    category: "Git",
    title: "Stage All Changes",
    run: () => {
      const status = useScm.getState().status;
      const paths = [...(status?.changes ?? []), ...(status?.untracked ?? [])].map((c) => c.path);
      if (paths.length) void stage(paths);
    },
  });
  wb.command({ id: "git.checkout", category: "Git", title: "Switch or Create Branch…", run: openBranchPicker });
  wb.command({ id: "git.init", category: "Git", title: "Initialize Repository", run: () => void initRepository() });
  wb.command({ id: "git.pull", category: "Git", title: "Pull", run: () => void remote("pull") });
  wb.command({ id: "git.push", category: "Git", title: "Push", run: () => void remote("push") });
  wb.command({ id: "git.refresh", category: "Git", title: "Refresh Source Control", run: () => void refreshStatus() });
}
