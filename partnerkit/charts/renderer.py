"""Render charts in a process of their own, beside the one building them.

vl-convert keeps Python's lock for the whole of a render, and its first render also starts
its JavaScript engine (about a third of a second). In the process that builds the charts,
every render therefore stops the building of the next chart, and threads cannot overlap
them. :func:`start` launches one renderer process (a small script:
:mod:`partnerkit.charts._render_worker`) that starts its engine at once; from then on the
vl-convert calls of :mod:`partnerkit.charts.export` go to it (:func:`call`), so a report
builds chart specs while the previous ones render, on another core, and the engine starts
while the portfolio is still being analysed. Without :func:`start` (or once :func:`stop`
ran, or if the process could not start) the calls run here, as before. The bytes are the
same either way: the same vl-convert renders the same specs.

Examples
--------
>>> started = start()
>>> call("vegalite_to_svg", {"mark": "point"})[:4]
'<svg'
>>> stop()
"""

from __future__ import annotations

import atexit
import contextlib
import io
import itertools
import os
import pickle
import subprocess
import sys
import threading
from concurrent.futures import Future
from pathlib import Path
from typing import IO, Any

__all__ = ["RenderProcess", "RendererStoppedError", "call", "running", "start", "stop"]

WORKER = Path(__file__).with_name("_render_worker.py")
"""The script the renderer process runs."""


class RendererStoppedError(RuntimeError):
    """The renderer process ended (killed, or it could not start its renderer)."""

    def __init__(self) -> None:
        super().__init__("the chart renderer process has stopped")


_PLAIN = frozenset({str, bytes, int, float, bool, type(None), tuple, list, dict})
"""The types a request may hold (exactly these: a str enum is not one)."""


class _NotPlainError(TypeError):
    """A request holding something else than plain data (an object of the caller's class)."""


class _PlainPickler(pickle.Pickler):
    """Pickles plain data only: the renderer process rebuilds it without importing anything."""

    def reducer_override(self, obj: Any) -> Any:  # noqa: ANN401
        if type(obj) in _PLAIN:
            return NotImplemented
        raise _NotPlainError(f"not plain data: {type(obj).__qualname__}")


def _request(*request: Any) -> bytes:  # noqa: ANN401
    """Pickle a request whole; :class:`_NotPlainError` if it holds anything but plain data."""
    buffer = io.BytesIO()
    _PlainPickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(request)
    return buffer.getvalue()


class RenderProcess:
    """One renderer process, called from any thread; requests are served in turn.

    >>> with RenderProcess() as renderer:
    ...     renderer.call("vegalite_to_svg", {"mark": "bar"})[:4]
    '<svg'
    """

    def __init__(self) -> None:
        self._process = subprocess.Popen(  # the interpreter running this package
            [sys.executable, "-P", str(WORKER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        self._requests: IO[bytes] = self._process.stdin  # type: ignore[assignment]
        self._replies: IO[bytes] = self._process.stdout  # type: ignore[assignment]
        self._ids = itertools.count()
        self._pending: dict[int, Future[Any]] = {}
        self._stopped = False
        self._book = threading.Lock()  # guards _pending and _stopped, held briefly
        self._writing = threading.Lock()  # one request written at a time
        self._reader = threading.Thread(target=self._read, name="renderer-replies", daemon=True)
        self._reader.start()

    def submit(self, name: str, /, *args: Any, **kwargs: Any) -> Future[Any]:  # noqa: ANN401
        """Send one vl-convert call; the future holds its result (ValueError if it failed).

        The arguments must be plain data (dicts, lists, tuples, str, bytes, numbers, None):
        TypeError otherwise, and nothing is sent. A sent request cannot be cancelled.
        """
        future: Future[Any] = Future()
        future.set_running_or_notify_cancel()  # a request on its way is not withdrawn
        with self._book:
            if self._stopped:
                raise RendererStoppedError
            ident = next(self._ids)
            self._pending[ident] = future
        sent = False
        # the replies are read meanwhile without this lock: a request larger than the pipe
        # waits for the process to read it, which waits for its replies to be read
        try:
            request = _request(ident, name, args, kwargs)  # whole, before any byte is written
            with self._writing:
                self._requests.write(request)
                self._requests.flush()
            sent = True
        except (OSError, ValueError):  # a broken pipe, or closed: the process has ended
            raise RendererStoppedError from None
        finally:
            if not sent:
                with self._book:
                    self._pending.pop(ident, None)
        return future

    def call(self, name: str, /, *args: Any, **kwargs: Any) -> Any:  # noqa: ANN401
        """Run ``vl_convert.<name>(*args, **kwargs)`` in the renderer process; return its result."""
        return self.submit(name, *args, **kwargs).result()

    def _read(self) -> None:
        try:
            while True:
                ident, ok, payload = pickle.load(self._replies)  # noqa: S301  (our own child)
                with self._book:
                    future = self._pending.pop(ident)
                if ok:
                    future.set_result(payload)
                else:
                    future.set_exception(ValueError(payload))
        except Exception:  # noqa: S110  (the end of the replies, or a reply unreadable)
            pass
        finally:
            with self._book:
                self._stopped = True
                waiting, self._pending = self._pending, {}
            for future in waiting.values():
                future.set_exception(RendererStoppedError())
            if self._process.poll() is None:  # replies unreadable: no request can be answered
                self._process.kill()

    def close(self, timeout: float = 30) -> None:
        """Let the process finish what it was asked and end (its input closes).

        A process still running ``timeout`` seconds later is killed (calls still waiting
        raise :class:`RendererStoppedError`).
        """
        with self._writing, contextlib.suppress(OSError):  # the process may have ended
            self._requests.close()
        try:
            self._process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._reader.join(timeout=timeout)
        self._replies.close()

    def __enter__(self) -> RenderProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_current: RenderProcess | None = None
_guard = threading.Lock()


def start() -> bool:
    """Start the renderer process (once) and its engine; True when it runs.

    The engine starts at once (the process draws a chart of its own first). False when the
    process could not be started: the calls then run in this process.
    """
    global _current  # noqa: PLW0603  (one renderer per process)
    with _guard:
        if _current is None:
            try:
                _current = RenderProcess()
            except OSError:
                return False
            atexit.register(stop)
        return True


def _forget_in_child() -> None:
    """In a forked child: the renderer, its pipes and its reply reader are the parent's.

    The child's calls run in the child; the locks, perhaps held by a thread of the parent
    at the fork, are new.
    """
    global _current, _guard
    _current, _guard = None, threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_in_child)


def running() -> bool:
    """Whether calls go to the renderer process."""
    return _current is not None


def stop() -> None:
    """End the renderer process, if any; later calls run in this process."""
    global _current
    with _guard:
        renderer, _current = _current, None
    if renderer is not None:
        renderer.close()


def call(name: str, /, *args: Any, **kwargs: Any) -> Any:  # noqa: ANN401
    """``vl_convert.<name>(*args, **kwargs)``, in the renderer process when it runs.

    Should the process have ended, this call and the later ones run here. So do calls
    holding anything but plain data (the process could not rebuild a caller's own objects).
    """
    renderer = _current
    if renderer is not None:
        try:
            return renderer.call(name, *args, **kwargs)
        except RendererStoppedError:
            stop()
        except _NotPlainError:
            pass
    import vl_convert as vlc  # noqa: PLC0415

    return getattr(vlc, name)(*args, **kwargs)
