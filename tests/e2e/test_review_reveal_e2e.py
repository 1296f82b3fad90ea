"""The review opens a file's diff at its first pending change, not at line 1 (found trying the
review on a real package: an agent's edit at line 59 of a module was off screen, only a mark
in the overview ruler said where).

A change near the end of a 200-line file is applied through the edit engine (a change set to
review, as a chat Apply or an agent step makes), then opened from the status bar's review item:
the changed line is drawn in the diff (Monaco renders only the lines in view) and line 1 is not.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from .conftest import IDE

pytestmark = pytest.mark.e2e

LONG = "".join(f"value_{n} = {n}\n" for n in range(1, 201))
EDIT = ("long.py\n<<<<<<< SEARCH\nvalue_180 = 180\n=======\n"
        "value_180 = 180  # changed by the AI\n>>>>>>> REPLACE\n")


def post(ide: IDE, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = httpx.post(f"{ide.server.base_url}{path}", json=body,
                          headers=ide.server.auth_headers, timeout=30)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def test_the_review_opens_a_long_file_at_its_change(ide: IDE) -> None:
    (ide.workspace / "long.py").write_text(LONG)
    preview = post(ide, "/api/edits/preview", {"text": EDIT})
    etags = {f["path"]: f["etag"] for f in preview["files"]}
    applied = post(ide, "/api/edits/apply", {"text": EDIT, "etags": etags, "source": "api",
                                             "title": "Mark value 180"})
    assert applied["status"] == "ok"

    page = ide.page
    page.get_by_test_id("status-review").click()
    review = page.get_by_test_id("review")
    expect(review).to_be_visible()
    modified = review.locator('[data-testid="review-diff"][data-path="long.py"] '
                              ".editor.modified .view-line")
    expect(modified.filter(has_text="value_180 = 180  # changed by the AI")).to_be_visible()
    expect(modified.filter(has_text="value_1 = 1")).to_have_count(0)
    ide.screenshot("review-opens-at-change")
