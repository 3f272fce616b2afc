"""Headless Chromium with the network cut, and a tiny PNG reader, for browser tests."""

from __future__ import annotations

import struct
import subprocess
import zlib
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
SKIP_REASON = (
    "headless Chromium not found at /usr/bin/chromium (install the Debian package "
    "'chromium' to run browser tests)"
)

# Any http(s) request goes to a closed local port, so a page that needs the network fails.
OFFLINE_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--hide-scrollbars",
    "--proxy-server=127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>",
)


def run_chromium(page: Path, profile: Path, *extra: str, timeout: float = 120) -> str:
    """Run Chromium offline on a local page with its own profile folder; return stdout."""
    result = subprocess.run(
        [
            str(CHROMIUM),
            *OFFLINE_FLAGS,
            f"--user-data-dir={profile}",
            *extra,
            page.resolve().as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def dump_dom(page: Path, profile: Path, *, budget_ms: int = 15_000) -> str:
    """The page's DOM after scripts ran for ``budget_ms`` of virtual time."""
    return run_chromium(page, profile, f"--virtual-time-budget={budget_ms}", "--dump-dom")


def screenshot(page: Path, profile: Path, out: Path, *, size: str = "1300,2000") -> Path:
    """Save a PNG screenshot of ``page`` to ``out``."""
    run_chromium(
        page,
        profile,
        "--virtual-time-budget=15000",
        f"--window-size={size}",
        f"--screenshot={out}",
    )
    assert out.exists(), "Chromium wrote no screenshot"
    return out


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def png_pixels(data: bytes) -> tuple[int, int, list[bytes]]:
    """Decode an 8-bit RGB or RGBA, non-interlaced PNG: width, height, rows of raw pixels."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, b""
    width = height = channels = 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8, depth
            assert interlace == 0
            channels = {2: 3, 6: 4}[colour]
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    rows: list[bytes] = []
    prev = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = prev[i]
            corner = prev[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                line[i] = (line[i] + _paeth(left, up, corner)) & 0xFF
        rows.append(bytes(line))
        prev = line
    return width, height, rows


def colour_stats(data: bytes, *, step: int = 3) -> tuple[int, float]:
    """Distinct colours and the share of non-white pixels (sampled every ``step`` pixels)."""
    width, _, rows = png_pixels(data)
    channels = len(rows[0]) // width
    colours: set[bytes] = set()
    inked = total = 0
    for row in rows[::step]:
        for x in range(0, width, step):
            pixel = row[x * channels : x * channels + 3]
            colours.add(pixel)
            total += 1
            inked += pixel != b"\xff\xff\xff"
    return len(colours), inked / max(total, 1)
