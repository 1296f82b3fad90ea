"""Path confinement: a property over arbitrary strings plus a corpus of known escapes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pairpad.errors import BadRequest, Forbidden, NotFound, PairpadError
from pairpad.workspace.files import FileService
from pairpad.workspace.paths import WorkspacePaths, normalise


@pytest.fixture(scope="module")
def layout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """/base/ws (the root) with links inside, /base/ws-evil a sibling sharing its prefix."""
    base = tmp_path_factory.mktemp("confine")
    root, evil = base / "ws", base / "ws-evil"
    (root / "src").mkdir(parents=True)
    evil.mkdir()
    (root / "src" / "a.py").write_text("inside\n")
    (evil / "secret.txt").write_text("outside\n")
    (root / "to-evil").symlink_to(evil)  # directory link leading out
    (root / "evil-file").symlink_to(evil / "secret.txt")  # file link leading out
    (root / "abs-etc").symlink_to("/etc")
    (root / "to-src").symlink_to(root / "src")  # a link that stays inside
    (root / "dangling").symlink_to(root / "missing.txt")
    (root / "dangling-out").symlink_to(evil / "missing.txt")
    (root / "loop-a").symlink_to(root / "loop-b")
    (root / "loop-b").symlink_to(root / "loop-a")
    (root / "self").symlink_to("self")
    return root


# Segments that matter for escapes, mixed with arbitrary text.
_SEGMENTS = st.sampled_from(
    [
        "..",
        ".",
        "",
        "src",
        "to-evil",
        "evil-file",
        "abs-etc",
        "to-src",
        "dangling",
        "dangling-out",
        "loop-a",
        "self",
        "%2e%2e",
        "%252e%252e",
        "%2f",
        "..%2f",
        "%00",
        "\\..",
        "..\\..",
        "\x00",
        "ws-evil",
        "a.py",
        "secret.txt",
        "é",
        "😀",
        "~",
        "%",
    ]
)
_PATHS = st.one_of(
    st.text(alphabet=st.sampled_from("./\\%2eEfF0\x00aé😀~:"), max_size=30),
    st.lists(st.one_of(_SEGMENTS, st.text(max_size=8)), max_size=8).map("/".join),
    st.lists(_SEGMENTS, max_size=6).map(lambda parts: "/" + "/".join(parts)),
)


@settings(
    max_examples=600, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(raw=_PATHS)
def test_any_path_resolves_inside_the_root_or_is_refused(layout: Path, raw: str) -> None:
    paths = WorkspacePaths(layout)
    for follow_last in (True, False):
        try:
            resolved = paths.resolve(raw) if follow_last else paths.entry(raw)
        except (Forbidden, BadRequest):
            continue
        # `entry` leaves the last component literal: its parent must be inside.
        checked = resolved.path if follow_last or resolved.is_root else resolved.path.parent
        real = os.path.realpath(checked)
        assert os.path.commonpath([str(layout), real]) == str(layout), (raw, real)
        assert ".." not in resolved.rel.split("/")


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(raw=_PATHS)
def test_file_operations_never_fail_with_anything_but_a_domain_error(
    layout: Path, raw: str
) -> None:
    service = FileService(layout, max_file_size=1 << 20)
    for operation in (service._read, service._tree):
        try:
            result = operation(raw)
        except PairpadError:
            continue
        assert result.path == normalise(raw)


@pytest.mark.parametrize(
    "raw",
    [
        "..",
        "../ws-evil/secret.txt",
        "src/../../ws-evil/secret.txt",
        "src/..",
        "/etc/passwd",
        "//etc/passwd",
        "%2e%2e/ws-evil/secret.txt",
        "%2E%2E%2Fws-evil",
        "%252e%252e/ws-evil",
        "src%2f..%2f..%2fws-evil",
        "..%5c..%5cetc",
        "src/a.py\x00.txt",
        "%00",
        "..\\ws-evil\\secret.txt",
        "src\\a.py",
        "to-evil",
        "to-evil/secret.txt",
        "evil-file",
        "abs-etc/passwd",
        "dangling-out",
        "loop-a",
        "self",
    ],
)
def test_escapes_are_forbidden(layout: Path, raw: str) -> None:
    with pytest.raises(Forbidden):
        WorkspacePaths(layout).resolve(raw)


def test_sibling_with_the_same_prefix_is_outside(layout: Path) -> None:
    paths = WorkspacePaths(layout)
    assert not paths.contains(str(layout) + "-evil")
    assert not paths.contains(str(layout) + "-evil/secret.txt")
    assert paths.contains(layout / "src")
    assert paths.contains(layout)


@pytest.mark.parametrize(
    ("raw", "rel"),
    [
        ("", ""),
        (".", ""),
        ("./src//a.py", "src/a.py"),
        ("src/", "src"),
        ("100%.txt", "100%.txt"),
        ("a%20b", "a%20b"),
        ("é/😀", "é/😀"),
    ],
)
def test_ordinary_paths_normalise(layout: Path, raw: str, rel: str) -> None:
    assert WorkspacePaths(layout).resolve(raw).rel == rel


def test_links_that_stay_inside_are_followed(layout: Path) -> None:
    resolved = WorkspacePaths(layout).resolve("to-src/a.py")
    assert resolved.path == layout / "src" / "a.py"
    assert resolved.rel == "to-src/a.py"


def test_dangling_link_inside_resolves_to_its_missing_target(layout: Path) -> None:
    service = FileService(layout, max_file_size=1 << 20)
    with pytest.raises(NotFound):
        service._read("dangling")


def test_entry_keeps_the_last_component_literal(layout: Path) -> None:
    """Deleting or moving a link acts on the link, even when it points outside."""
    paths = WorkspacePaths(layout)
    assert paths.entry("to-evil").path == layout / "to-evil"
    assert paths.entry("loop-a").path == layout / "loop-a"
    with pytest.raises(Forbidden):
        paths.entry("to-evil/secret.txt")  # the parent leads outside


def test_the_real_root_is_used(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "alias").symlink_to(real)
    paths = WorkspacePaths(tmp_path / "alias")
    assert paths.root == real
    assert paths.resolve("x").path == real / "x"
