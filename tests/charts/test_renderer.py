"""The renderer process gives the very bytes of an in-process render, and fails as clearly.

:mod:`partnerkit.charts.renderer` moves vl-convert's calls to a process of their own so that
a report builds charts while others render. Nothing a user gets may change with it: the
same specs give the same SVG, PNG and PDF bytes, errors reach the caller as ValueError with
vl-convert's message, replies go to the thread that asked (many threads ask at once), and a
renderer that died says so instead of hanging.
"""

from __future__ import annotations

import enum
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import vl_convert as vlc

from partnerkit.charts import renderer
from partnerkit.charts.export import render, vegalite_version


def spec(n: int) -> dict[str, object]:
    """A small chart whose picture depends on ``n``."""
    return {
        "data": {"values": [{"x": i, "y": (i * n) % 7} for i in range(n + 3)]},
        "mark": "bar",
        "encoding": {
            "x": {"field": "x", "type": "ordinal"},
            "y": {"field": "y", "type": "quantitative"},
        },
        "title": f"chart {n}",
    }


@pytest.fixture(scope="module")
def process():
    with renderer.RenderProcess() as running:
        yield running


def test_the_process_renders_the_bytes_of_this_process(process):
    version = vegalite_version()
    svg = process.call("vegalite_to_svg", spec(4), vl_version=version)
    assert svg == vlc.vegalite_to_svg(spec(4), vl_version=version)
    assert process.call("svg_to_png", svg, scale=2.0) == vlc.svg_to_png(svg, scale=2.0)


def test_the_export_functions_give_the_same_files_through_the_process():
    alone = {fmt: render(spec(5), fmt) for fmt in ("svg", "png")}
    assert renderer.start()
    try:
        assert renderer.running()
        through = {fmt: render(spec(5), fmt) for fmt in ("svg", "png")}
    finally:
        renderer.stop()
    assert not renderer.running()
    assert through == alone


def test_an_invalid_spec_raises_vl_converts_error_and_the_process_goes_on(process):
    with pytest.raises(ValueError, match="conversion failed"):
        process.call("vegalite_to_svg", {"mark": "no_such_mark"})
    assert process.call("vegalite_to_svg", spec(1)).startswith("<svg")


def test_only_the_renderer_calls_are_served(process):
    with pytest.raises(ValueError, match="not a renderer call: 'javascript_bundle'"):
        process.call("javascript_bundle")


def test_each_thread_gets_the_reply_to_its_own_request(process):
    expected = {n: vlc.vegalite_to_svg(spec(n)) for n in range(8)}
    got: dict[int, str] = {}

    def ask(n: int) -> None:
        got[n] = process.call("vegalite_to_svg", spec(n))

    threads = [threading.Thread(target=ask, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert got == expected


def test_a_renderer_that_died_says_so():
    dying = renderer.RenderProcess()
    pending = dying.submit("vegalite_to_svg", spec(2))
    dying._process.kill()
    dying._process.wait(timeout=30)
    dying._reader.join(timeout=30)
    if not pending.exception():  # the render may have finished before the kill
        assert pending.result().startswith("<svg")
    with pytest.raises(RuntimeError, match="renderer process has stopped"):
        dying.call("vegalite_to_svg", spec(2))
    dying.close()


def test_charts_render_here_when_the_renderer_cannot_run(monkeypatch, tmp_path):
    monkeypatch.setattr(renderer, "WORKER", tmp_path / "missing.py")  # the process exits at once
    assert renderer.start()
    try:
        assert (
            render(spec(3), "svg")
            == vlc.vegalite_to_svg(spec(3), vl_version=vegalite_version()).encode()
        )
        assert not renderer.running()
    finally:
        renderer.stop()


def test_large_requests_and_replies_from_many_threads_all_come_back(process):
    # specs and PNGs larger than a pipe's buffer: a request written while replies wait to
    # be read must not block both sides (it did, when one lock guarded both)
    big = {
        "data": {
            "values": [{"x": i, "y": (i * 7) % 11, "t": f"label {i:05d}"} for i in range(3000)]
        },
        "mark": "point",
        "encoding": {
            "x": {"field": "x", "type": "quantitative"},
            "y": {"field": "y", "type": "quantitative"},
            "tooltip": {"field": "t"},
        },
        "width": 900,
        "height": 700,
    }
    svg = process.call("vegalite_to_svg", big)
    got: dict[int, bytes] = {}

    def ask(n: int) -> None:
        svg_n = process.call("vegalite_to_svg", {**big, "title": f"chart {n}"})
        got[n] = process.call("svg_to_png", svg_n, scale=3.0)

    threads = [threading.Thread(target=ask, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    assert len(svg) > 65_536
    assert sorted(got) == list(range(8))
    assert all(len(png) > 65_536 and png[:4] == b"\x89PNG" for png in got.values())


def test_a_request_cannot_be_cancelled_once_sent_and_the_process_goes_on():
    with renderer.RenderProcess() as own:
        slow = own.submit("vegalite_to_svg", {**spec(3), "width": 2000, "height": 2000})
        queued = own.submit("vegalite_to_svg", spec(1))  # behind the slow one
        assert queued.cancel() or queued.result().startswith("<svg")
        assert slow.result().startswith("<svg")
        assert own.call("vegalite_to_svg", spec(2)).startswith("<svg")


@pytest.mark.skipif(sys.platform == "win32", reason="Ctrl-C is a POSIX signal here")
def test_ctrl_c_is_left_to_the_process_that_asked():
    # Ctrl-C goes to every process of the terminal's group: the renderer leaves the
    # decision to its parent, which ends it by closing its input
    with renderer.RenderProcess() as own:
        assert own.call("vegalite_to_svg", spec(1)).startswith("<svg")  # started
        os.kill(own._process.pid, signal.SIGINT)
        assert own.call("vegalite_to_svg", spec(2)).startswith("<svg")
        assert own._process.poll() is None


class Colour(enum.StrEnum):
    """A caller's own class: the renderer process cannot import it."""

    RED = "red"


def test_specs_holding_the_callers_own_objects_render_as_they_do_here(monkeypatch):
    monkeypatch.setattr(Colour, "__module__", "__main__")  # a class of the caller's script
    monkeypatch.setattr(sys.modules["__main__"], "Colour", Colour, raising=False)
    coloured = {**spec(2), "mark": {"type": "bar", "color": Colour.RED}}
    unreadable = {**spec(2), "usermeta": {"made_by": lambda: None}}
    here = render(coloured, "svg")
    assert renderer.start()
    try:
        assert render(coloured, "svg") == here
        with pytest.raises(ValueError, match="unsupported type"):  # vl-convert's own error
            render(unreadable, "svg")
        assert renderer.running()
    finally:
        renderer.stop()


def test_close_ends_a_process_that_does_not_end_by_itself(monkeypatch, tmp_path):
    stuck = tmp_path / "stuck.py"
    stuck.write_text("import time\ntime.sleep(600)\n")
    monkeypatch.setattr(renderer, "WORKER", stuck)
    own = renderer.RenderProcess()
    try:
        own.close(timeout=1)
        assert own._process.poll() is not None
    finally:
        own._process.kill()
        own._process.wait(timeout=30)


FORKING = """
import multiprocessing
from partnerkit.charts import renderer
from partnerkit.charts.export import render

def svg(n):
    return render({"mark": "point", "title": str(n)}, "svg")

if __name__ == "__main__":
    assert renderer.start()
    with multiprocessing.get_context("fork").Pool(1) as pool:
        child = pool.apply_async(svg, (1,)).get(timeout=60)
    assert child == svg(1)
    assert renderer.running()
"""


@pytest.mark.skipif(sys.platform == "win32", reason="no fork")
def test_a_forked_process_renders_on_its_own(tmp_path):
    # a fork copies the renderer without its reply reader: the child renders itself. In a
    # process of its own: vl-convert cannot render in a child forked after it rendered
    script = tmp_path / "forking.py"
    script.write_text(FORKING)
    root = Path(renderer.__file__).parents[2]
    done = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
