"""The profiles of bench/ time the steps the commands run: they must follow the code they time.

``bench/profile_report.py`` repeats the report command's steps one by one to time each; when
the report builder changed, the profile broke without a test noticing.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_the_report_profile_follows_the_report_builder(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "profile_report.py"), str(ROOT / "data" / "samples"),
         "--child", str(tmp_path)],
        capture_output=True, text=True, check=False, cwd=ROOT,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr[-2000:]
    steps = json.loads(out.stdout.splitlines()[-1])
    assert list(steps)[:4] == ["import partnerkit", "import charts + report", "read", "analyze"]
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "Partner reviews" in page
    assert "Recommended exits" in page
