// Applies the theme setting to the page and to Monaco (mounted once as a workbench host).
import { useSettings } from "../stores/settings";
import { useApplyTheme } from "./theme";

export function ThemeHost() {
  const settings = useSettings();
  useApplyTheme(settings["workbench.theme"]);
  return null;
}
