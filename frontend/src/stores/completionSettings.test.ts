import { beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../api/http";

const update = vi.fn(async (values: Record<string, unknown>) => ({ values }));
vi.mock("../api/endpoints", () => ({
  settingsApi: { get: vi.fn(), update: (values: Record<string, unknown>) => update(values) },
}));

const { queryClient } = await import("./queryClient");
const { useNotifications } = await import("./notifications");
const { SETTINGS_KEY, completionEnabledFor, currentCompletionSettings, updateCompletionSettings } =
  await import("./settings");

describe("completion settings (server preferences, PUT /api/settings)", () => {
  beforeEach(() => {
    update.mockReset();
    update.mockImplementation(async (values) => ({ values }));
    queryClient.clear();
    useNotifications.setState({ items: [] });
  });

  it("default: on for every language", () => {
    const settings = currentCompletionSettings();
    expect(settings).toEqual({ "completion.enabled": true, "completion.disabledLanguages": [] });
    expect(completionEnabledFor(settings, "python")).toBe(true);
  });

  it("a disabled language, or completion off, asks nothing", () => {
    const settings = { "completion.enabled": true, "completion.disabledLanguages": ["markdown"] };
    expect(completionEnabledFor(settings, "markdown")).toBe(false);
    expect(completionEnabledFor(settings, "python")).toBe(true);
    expect(completionEnabledFor({ ...settings, "completion.enabled": false }, "python")).toBe(false);
  });

  it("reads them from the server's preferences", () => {
    queryClient.setQueryData(SETTINGS_KEY, {
      "editor.fontSize": 14,
      "completion.enabled": false,
      "completion.disabledLanguages": ["plaintext"],
    });
    expect(currentCompletionSettings()).toEqual({
      "completion.enabled": false,
      "completion.disabledLanguages": ["plaintext"],
    });
  });

  it("a change is saved through PUT /api/settings and the server's answer kept", async () => {
    queryClient.setQueryData(SETTINGS_KEY, { "editor.fontSize": 14, "completion.enabled": true });
    update.mockImplementation(async (values) => ({
      values: { "editor.fontSize": 14, "completion.enabled": true, "completion.disabledLanguages": [], ...values },
    }));
    await updateCompletionSettings({ "completion.enabled": false });
    expect(update).toHaveBeenCalledWith({ "completion.enabled": false });
    expect(currentCompletionSettings()["completion.enabled"]).toBe(false);
    // Nothing is kept in the browser: with the query cache gone, the default is back.
    queryClient.clear();
    expect(currentCompletionSettings()["completion.enabled"]).toBe(true);
  });

  it("a refused change is rolled back with a toast", async () => {
    queryClient.setQueryData(SETTINGS_KEY, { "completion.disabledLanguages": ["go"] });
    update.mockRejectedValue(new ApiError(422, "Invalid settings: completion.disabledLanguages: …", null));
    await updateCompletionSettings({ "completion.disabledLanguages": ["Bad Id"] });
    expect(currentCompletionSettings()["completion.disabledLanguages"]).toEqual(["go"]);
    expect(useNotifications.getState().items.map((n) => n.severity)).toEqual(["error"]);
  });
});
