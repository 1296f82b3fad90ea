// The search feature's contributions: the Find in Files side view and its command.
import { SearchIcon } from "../ui/icons";
import type { WorkbenchRegistry } from "../workbench/registry";
import { SearchPanel } from "./SearchPanel";
import { focusSearch, SEARCH_VIEW } from "./searchFocus";

export function installSearch(wb: WorkbenchRegistry): void {
  wb.sideView({
    id: SEARCH_VIEW,
    title: "Search",
    order: 20,
    keybinding: "Mod+Shift+F",
    icon: SearchIcon,
    component: SearchPanel,
    reveal: focusSearch,
  });
  wb.command({
    id: "workbench.view.search",
    category: "Search",
    title: "Find in Files",
    keybinding: "Mod+Shift+F",
    run: focusSearch,
  });
}
