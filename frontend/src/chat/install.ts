// The chat feature's contributions: the Chat view in the secondary side bar (so the explorer and
// chat show together), the commands that show and move that bar, the chat commands and socket handlers.
import { useLayout } from "../stores/layout";
import { ChatIcon } from "../ui/icons";
import { executeCommand } from "../workbench/commands";
import type { WorkbenchRegistry } from "../workbench/registry";
import { ChatPanel } from "./ChatPanel";
import {
  onChatDelta,
  onChatDone,
  onChatError,
  onChatStarted,
  openConversation,
  rejoinConversation,
  useChat,
} from "./chatStore";

const VIEW = "chat";

export function installChat(wb: WorkbenchRegistry): void {
  const layout = () => useLayout.getState();
  const show = () => layout().showSecondaryView(VIEW);
  wb.sideView({
    id: VIEW,
    location: "secondary",
    title: "Chat",
    order: 30,
    keybinding: "Mod+Alt+I",
    icon: ChatIcon,
    component: ChatPanel,
    titled: true,
  });
  wb.socketHandler("chat.started", "chat:started", onChatStarted);
  wb.socketHandler("chat.delta", "chat:delta", onChatDelta);
  wb.socketHandler("chat.done", "chat:done", onChatDone);
  wb.socketHandler("chat.error", "chat:error", onChatError);
  wb.resync({ id: "chat.rejoin", run: rejoinConversation });
  wb.command({ id: "workbench.view.chat", category: "View", title: "Show Chat", keybinding: "Mod+Alt+I", run: show });
  wb.command({
    id: "workbench.action.toggleAuxiliaryBar",
    category: "View",
    title: "Toggle Secondary Side Bar",
    keybinding: "Mod+Alt+B",
    run: () => layout().toggleSecondary(),
  });
  wb.command({
    id: "workbench.action.moveAuxiliaryBarLeft",
    category: "View",
    title: "Move Secondary Side Bar Left",
    when: () => layout().secondarySide === "right",
    run: () => layout().moveSecondary("left"),
  });
  wb.command({
    id: "workbench.action.moveAuxiliaryBarRight",
    category: "View",
    title: "Move Secondary Side Bar Right",
    when: () => layout().secondarySide === "left",
    run: () => layout().moveSecondary("right"),
  });
  wb.command({
    id: "chat.new",
    category: "Chat",
    title: "New Conversation",
    run: () => {
      show();
      void openConversation(null);
    },
  });
  wb.command({
    id: "chat.models",
    category: "Chat",
    title: "Model Settings (providers, roles, API keys)",
    run: () => executeCommand("pairpad.openModelSettings"),
  });
  wb.command({
    id: "chat.history",
    category: "Chat",
    title: "Show Conversations",
    run: () => {
      show();
      useChat.setState({ view: "history" });
    },
  });
}
