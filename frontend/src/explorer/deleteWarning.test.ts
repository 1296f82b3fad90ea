import { describe, expect, it } from "vitest";
import { unsavedChangesWarning } from "./deleteWarning";

describe("delete confirmation: unsaved changes", () => {
  it("says nothing when no file under the target is dirty", () => {
    expect(unsavedChangesWarning([])).toBeNull();
  });

  it("counts and names the files", () => {
    expect(unsavedChangesWarning(["notes.txt"])).toBe("Unsaved changes in 1 open file will be lost: notes.txt.");
    expect(unsavedChangesWarning(["shop/orders.py", "shop/inventory.py"])).toBe(
      "Unsaved changes in 2 open files will be lost: shop/inventory.py, shop/orders.py.",
    );
  });

  it("names the first few of many", () => {
    const paths = ["a", "b", "c", "d", "e", "f", "g"];
    expect(unsavedChangesWarning(paths)).toBe(
      "Unsaved changes in 7 open files will be lost: a, b, c, d, e and 2 more.",
    );
  });
});
