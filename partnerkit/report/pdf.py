"""Print the review pack to PDF through headless Chromium, offline.

The page's print stylesheet does the layout (A4, a section per printed page, the as-of,
window and currency at the top of every printed page, page numbers at the bottom); Chromium
only prints it. Chromium is looked up on the ``PATH`` (``chromium``, ``chromium-browser``,
``google-chrome``) unless ``browser`` names it; any request to the network is sent to a
closed local port, so the report must be, and is, self-contained.

Examples
--------
>>> find_browser("no-such-browser-here") is None
True
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

__all__ = ["BROWSERS", "OFFLINE_FLAGS", "find_browser", "print_pdf"]

BROWSERS: tuple[str, ...] = ("chromium", "chromium-browser", "google-chrome")
"""Browser commands tried, in order, when none is given."""

OFFLINE_FLAGS: tuple[str, ...] = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--proxy-server=127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>",
)
"""Headless Chromium with no background traffic; any request is sent to a closed local port."""

_FLAGS: tuple[str, ...] = (*OFFLINE_FLAGS, "--no-pdf-header-footer")


def find_browser(*names: str) -> str | None:
    """Return the path of the first browser found among ``names`` (or :data:`BROWSERS`)."""
    for name in names or BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


def print_pdf(
    page: str | os.PathLike[str],
    out: str | os.PathLike[str],
    /,
    *,
    browser: str | None = None,
    timeout: float = 180.0,
) -> Path:
    """Print the HTML file ``page`` to the PDF file ``out`` with headless Chromium.

    Raises ``OSError`` when no browser is found or the browser fails to print.
    """
    command = browser or find_browser()
    if command is None:
        raise OSError(
            "no Chromium found to print the PDF (install chromium, or open report.html in a "
            "browser and print it)"
        )
    target = Path(out).resolve()
    with tempfile.TemporaryDirectory(prefix="partnerkit-print-") as profile:
        result = subprocess.run(
            [
                command,
                *_FLAGS,
                f"--user-data-dir={profile}",
                f"--print-to-pdf={target}",
                Path(page).resolve().as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    if result.returncode != 0 or not target.exists():
        raise OSError(f"Chromium could not print {page}: {result.stderr.strip()[-500:]}")
    return target
