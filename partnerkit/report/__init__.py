"""The headless review pack: one static HTML page plus the chart pack and exports.

:mod:`~partnerkit.report.content` chooses and formats what the report says (plain data),
:mod:`~partnerkit.report.render` lays it out with templates, and
:func:`~partnerkit.report.build.build_report` writes the files; the ``partnerkit report``
command runs it on a portfolio folder.
"""

from __future__ import annotations

from partnerkit.report.build import build_report

__all__ = ["build_report"]
