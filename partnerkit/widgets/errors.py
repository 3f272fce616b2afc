"""Errors a notebook shows as one plain sentence, without a traceback.

A setting the data does not have, an export that could not be written.

:func:`partnerkit.widgets.display.setup_notebook` shows a :class:`SettingError` or an
:class:`ExportError` raised by a cell as its message alone, without a traceback; the cell
still fails, so *Run All* stops there, as it does for loading problems. A widget's button
that fails says the same sentence on the widget instead (its message line).

Examples
--------
>>> str(SettingError("No partner 'P9' in this portfolio."))
"No partner 'P9' in this portfolio."
>>> export_failure("Chart export", FileNotFoundError(2, "No such file or directory", "/x"))
'Chart export failed: cannot write to /x: No such file or directory.'
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

__all__ = ["ExportError", "SettingError", "export_failure", "nearest"]


class SettingError(ValueError):
    """A notebook setting names something the data does not have (e.g. a partner id).

    The message names the value, the nearest known values and how to fix the setting.

    Examples
    --------
    >>> raise SettingError("No partner 'P9'")  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    SettingError: No partner 'P9'
    """


class ExportError(OSError):
    """An export could not be written; the message says where and why, in one sentence.

    Examples
    --------
    >>> isinstance(ExportError("Chart export failed: disk full"), OSError)
    True
    """


def export_failure(what: str, error: BaseException, /) -> str:
    """Say in one sentence why ``what`` (e.g. ``"Chart export"``) failed: the path and reason.

    An :class:`OSError` that names a file or folder gives ``cannot write to <path>: <reason>``;
    any other error its own words.

    Examples
    --------
    >>> export_failure("One-pager export", PermissionError(13, "Permission denied", "out"))
    'One-pager export failed: cannot write to out: Permission denied.'
    >>> export_failure("Chart export", OSError("disk full"))
    'Chart export failed: disk full'
    """
    if isinstance(error, OSError) and error.filename and error.strerror:
        return f"{what} failed: cannot write to {error.filename}: {error.strerror}."
    return f"{what} failed: {error}"


def nearest(text: str, known: Sequence[str], /, *, n: int = 3) -> list[str]:
    """Return the ``n`` values of ``known`` most like ``text`` (any case), most alike first.

    Examples
    --------
    >>> nearest("P00O99", ["P00099", "P00100", "P12345", "Q"], n=2)
    ['P00099', 'P00100']
    """
    term = text.strip().lower()

    def likeness(value: str) -> float:
        return difflib.SequenceMatcher(None, term, value.lower()).ratio()

    scored = sorted({v for v in known if v}, key=lambda v: (-likeness(v), v))
    return scored[:n]
