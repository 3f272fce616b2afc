"""Headless Chromium with the network cut, local servers for it, and a tiny PNG reader."""

from __future__ import annotations

import os
import signal
import struct
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from partnerkit.report.pdf import OFFLINE_FLAGS as PACKAGE_OFFLINE_FLAGS

CHROMIUM = Path("/usr/bin/chromium")
SKIP_REASON = (
    "headless Chromium not found at /usr/bin/chromium (install the Debian package "
    "'chromium' to run browser tests)"
)

# Any http(s) request goes to a closed local port, so a page that needs the network fails.
OFFLINE_FLAGS = (*PACKAGE_OFFLINE_FLAGS, "--hide-scrollbars")
# Playwright starts Chromium headless itself, and its pages come from a loopback server.
PLAYWRIGHT_FLAGS = [
    flag
    for flag in PACKAGE_OFFLINE_FLAGS
    if flag not in ("--headless", "--proxy-bypass-list=<-loopback>")
]


@contextmanager
def serve(
    argv: list[str],
    *,
    cwd: Path,
    env: dict[str, str],
    log: Path,
    status_url: str,
    what: str,
    any_answer: bool = False,
) -> Iterator[None]:
    """Run a server in its own session until ``status_url`` answers; stop it on exit.

    With ``any_answer`` an HTTP error from ``status_url`` also counts as started.
    """
    with log.open("wb") as err:
        proc = subprocess.Popen(
            argv,
            cwd=cwd,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=err,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 90
        while True:
            assert proc.poll() is None, log.read_text()
            try:
                with urllib.request.urlopen(status_url, timeout=2):
                    break
            except urllib.error.HTTPError:
                if any_answer:
                    break  # the server answers
                assert time.monotonic() < deadline, f"{what} did not start:\n" + log.read_text()
                time.sleep(0.5)
            except OSError:
                assert time.monotonic() < deadline, f"{what} did not start:\n" + log.read_text()
                time.sleep(0.5)
        yield
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


@contextmanager
def jupyter_lab(
    notebooks: Path, env: dict[str, str], log: Path, *, port: int, token: str
) -> Iterator[str]:
    """JupyterLab on 127.0.0.1:``port`` serving ``notebooks``; yields its base URL."""
    base = f"http://127.0.0.1:{port}"
    argv = [
        str(Path(sys.executable).with_name("jupyter")),
        "lab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        f"--IdentityProvider.token={token}",
        f"--notebook-dir={notebooks}",
        "--allow-root",
    ]
    status = f"{base}/api/status?token={token}"
    with serve(argv, cwd=notebooks, env=env, log=log, status_url=status, what="JupyterLab"):
        yield base


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
