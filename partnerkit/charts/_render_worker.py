"""The chart renderer's own process: vl-convert calls in, their results out.

Run as a script by :class:`partnerkit.charts.renderer.RenderProcess` (never imported by
the package): it reads pickled requests ``(id, name, args, kwargs)`` from standard input,
calls ``vl_convert.<name>`` for the few names of :data:`CALLS`, and writes ``(id, True,
result)`` or ``(id, False, "<error>")`` to standard output, one request at a time, until its
input closes. vl-convert holds Python's lock while it renders, so rendering here lets the
calling process build the next chart meanwhile. Ctrl-C, which reaches every process of the
terminal, is left to the parent: it ends this process by closing its input. Imports nothing
but the standard library and vl-convert.
"""

from __future__ import annotations

import pickle
import signal
import sys

CALLS = frozenset({"vegalite_to_svg", "vegalite_to_pdf", "svg_to_png"})
"""The vl-convert functions a request may name."""


def main() -> int:
    """Serve requests until standard input closes; return the exit code."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    import vl_convert as vlc  # noqa: PLC0415  (the renderer's one dependency)

    requests, replies = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # anything printed must not corrupt the replies
    vlc.vegalite_to_svg({"mark": "point"})  # starts the engine before the first request
    while True:
        try:
            ident, name, args, kwargs = pickle.load(requests)  # noqa: S301  (our own parent)
        except EOFError:
            return 0
        try:
            if name not in CALLS:
                raise ValueError(f"not a renderer call: {name!r}")
            reply = (ident, True, getattr(vlc, name)(*args, **kwargs))
        except Exception as exc:  # handed back to the caller, who raises it
            reply = (ident, False, f"{exc}")
        pickle.dump(reply, replies, protocol=pickle.HIGHEST_PROTOCOL)
        replies.flush()


if __name__ == "__main__":
    sys.exit(main())
