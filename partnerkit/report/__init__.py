"""The headless portfolio report: one static HTML page plus the chart pack and exports.

See :func:`partnerkit.report.build.build_report`; the ``partnerkit report`` command runs it
on a portfolio folder.
"""

from __future__ import annotations

from partnerkit.report.build import build_report, default_partners

__all__ = ["build_report", "default_partners"]
