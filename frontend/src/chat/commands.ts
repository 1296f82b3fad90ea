// Chat commands in the command palette.
import { registerCommand } from "../workbench/commands";
import { openModelSettings } from "../settings/section";
import { useLayout } from "../stores/layout";
import { openConversation, useChat } from "./chatStore";

let installed = false;

export function installChatCommands(): void {
  if (installed) return;
  installed = true;
  const show = () => useLayout.getState().showSideView("chat");
  registerCommand({
    id: "chat.new", category: "Chat", title: "New Conversation",
    run: () => {
      show();
      void openConversation(null);
    },
  });
  registerCommand({ id: "chat.models", category: "Chat", title: "Model Settings (providers, roles, API keys)", run: openModelSettings });
  registerCommand({
    id: "chat.history", category: "Chat", title: "Show Conversations",
    run: () => {
      show();
      useChat.setState({ view: "history" });
    },
  });
}
