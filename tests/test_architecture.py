"""ARCHITECTURE.md stays true: every path it names exists, every room is named, and its
flow diagram is the order the import contracts enforce."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "ARCHITECTURE.md"
PACKAGE = ROOT / "partnerkit"

PATH = re.compile(r"`((?:partnerkit|tests|notebooks|bench|tools)(?:/[\w.\-]+)*/?)`")
ROW = re.compile(r"^\| `(partnerkit/[\w./]+)` \|(.*)\|$", re.M)
MODULE = re.compile(r"`([\w]+\.py)`")


def text() -> str:
    return DOC.read_text(encoding="utf-8")


def named_paths(doc: str) -> list[str]:
    return sorted(set(PATH.findall(doc)))


def rooms_on_disk() -> set[str]:
    """``partnerkit/<package>/`` and ``partnerkit/<module>.py`` of every top-level room."""
    packages = {
        f"partnerkit/{p.name}/"
        for p in PACKAGE.iterdir()
        if p.is_dir() and (p / "__init__.py").exists()
    }
    modules = {f"partnerkit/{p.name}" for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    return packages | modules


def diagram_layers(doc: str) -> list[set[str]]:
    """The rooms of the flow diagram, one set per level, as drawn: the lowest layer first."""
    (block,) = re.findall(r"```\n(.*?)```", doc, re.S)
    levels = []
    for line in block.splitlines():
        head = re.split(r"\s{2,}", line.strip())[0]
        if head and head != "↓":
            levels.append({name.strip() for name in head.split("·")})
    return levels


def contract_layers() -> list[set[str]]:
    """The layers contract of ``pyproject.toml``, bottom level first, names without package."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (layers,) = [
        c["layers"] for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers"
    ]
    return [
        {n.strip().removeprefix("partnerkit.") for n in layer.split("|")}
        for layer in reversed(layers)
    ]


def test_the_document_names_paths() -> None:
    assert len(named_paths(text())) > 20


@pytest.mark.parametrize("path", named_paths(text()))
def test_every_named_path_exists(path: str) -> None:
    assert (ROOT / path).exists(), f"ARCHITECTURE.md names {path}, which does not exist"


def test_every_module_named_in_a_room_row_exists() -> None:
    rows = ROW.findall(text())
    assert len(rows) >= 15
    missing = [
        f"{room}{name}"
        for room, cells in rows
        if room.endswith("/")
        for name in MODULE.findall(cells)
        if not (ROOT / room / name).exists()
    ]
    assert missing == []


def test_every_room_is_named() -> None:
    rows = {room for room, _ in ROW.findall(text())}
    assert rooms_on_disk() - rows == set(), "a room of partnerkit/ missing from ARCHITECTURE.md"


def test_the_diagram_is_the_contracted_order() -> None:
    assert diagram_layers(text()) == contract_layers()


def test_checks_can_fail(tmp_path: Path) -> None:
    # The parsers find a missing path, an unnamed room and a reordered diagram.
    doc = "```\nb · a    text\n  ↓\nc\n```\n| `partnerkit/nowhere/` | `x.py` |\n"
    assert named_paths(doc) == ["partnerkit/nowhere/"]
    assert not (ROOT / "partnerkit/nowhere/").exists()
    assert diagram_layers(doc) == [{"a", "b"}, {"c"}]
    assert ROW.findall(doc) == [("partnerkit/nowhere/", " `x.py` ")]
