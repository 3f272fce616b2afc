"""A Spark engine that cannot run here is one plain message and exit 2, never a traceback.

``--spark-remote`` without the Connect client, a ``JAVA_HOME`` holding no Java, a master
Spark does not start on and a Java that exits before Spark starts: each names what to fix.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from partnerkit.cli import main

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "samples"

pytest.importorskip("pyspark")

_MAIN = "import sys; from partnerkit.cli import main; sys.exit(main())"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _one_message(err: str, command: str) -> str:
    """The one line a refused command writes, checked to be plain."""
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"partnerkit {command}: the spark engine") or lines[0].startswith(
        f"partnerkit {command}: the Spark master"
    )
    return lines[0]


def test_spark_remote_without_the_connect_client(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "grpc", None)  # import grpc raises ImportError
    url = "sc://127.0.0.1:1/;token=dapi-secret;x-databricks-cluster-id=1"
    code, out, err = run(capsys, "analyze", str(SAMPLE), "--engine", "spark", "--spark-remote", url)
    assert code == 2
    assert out == ""
    line = _one_message(err, "analyze")
    assert "needs the Spark Connect client to reach sc://127.0.0.1:1/" in line
    assert "pip install 'pyspark[connect]'" in line
    assert "dapi-secret" not in line  # the token stays off the screen


def test_spark_remote_from_the_environment_writes_no_facts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "grpc", None)
    monkeypatch.setenv("SPARK_REMOTE", "sc://127.0.0.1:1")
    out = tmp_path / "facts"
    code, _, err = run(capsys, "facts", str(SAMPLE), "--engine", "spark", "--out", str(out))
    assert code == 2
    assert "pip install 'pyspark[connect]'" in _one_message(err, "facts")
    assert not (out / "facts.json").exists()


def test_java_home_holding_no_java(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Spark runs $JAVA_HOME/bin/java whenever JAVA_HOME is set, whatever java is on PATH
    home = tmp_path / "no-jdk"
    monkeypatch.setenv("JAVA_HOME", str(home))
    monkeypatch.delenv("SPARK_REMOTE", raising=False)
    code, _, err = run(capsys, "analyze", str(SAMPLE), "--engine", "spark")
    assert code == 2
    line = _one_message(err, "analyze")
    assert f"JAVA_HOME={home} holds no bin/java" in line
    assert "JDK 17 or 21" in line


@pytest.mark.parametrize("master", ["bogus://x", "local[abc]", "spark:/host"])
def test_a_master_spark_does_not_start_on(
    master: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("SPARK_REMOTE", raising=False)
    code, _, err = run(
        capsys, "analyze", str(SAMPLE), "--engine", "spark", "--spark-master", master
    )
    assert code == 2
    line = _one_message(err, "analyze")
    assert f"the Spark master {master!r} is not one Spark starts on" in line
    assert "local[N]" in line


def test_a_java_that_exits_before_spark_starts(tmp_path: Path) -> None:
    # in a process of its own: no Spark session of another test can be reused
    home = tmp_path / "jdk"
    (home / "bin").mkdir(parents=True)
    java = home / "bin" / "java"
    java.write_text("#!/bin/sh\necho 'not a JDK' >&2\nexit 1\n", encoding="utf-8")
    java.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k != "SPARK_REMOTE"} | {"JAVA_HOME": str(home)}
    done = subprocess.run(
        [sys.executable, "-c", _MAIN, "analyze", str(SAMPLE), "--engine", "spark"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    assert "unclosed file" not in done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("partnerkit analyze: the spark engine could not start a local session")
    assert f"({java})" in last


def test_a_connect_client_that_exits_the_process_is_one_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # pyspark.sql.connect exits the process, after a line on stderr, when its packages are
    # missing and __main__ has no file (a worker process, an embedded interpreter)
    from pyspark.sql import SparkSession  # noqa: PLC0415  (optional engine)

    def exits(_: object) -> None:
        print("Skipping doctests: No module named 'grpc'", file=sys.stderr)
        sys.exit(0)

    monkeypatch.setattr(SparkSession.Builder, "getOrCreate", exits)
    url = "sc://127.0.0.1:1/;token=dapi-secret"
    code, out, err = run(capsys, "analyze", str(SAMPLE), "--engine", "spark", "--spark-remote", url)
    assert code == 2
    assert out == ""
    line = _one_message(err, "analyze")
    assert line.endswith(
        "needs the Spark Connect client to reach sc://127.0.0.1:1/: No module named 'grpc'. "
        "Install it with pip install 'pyspark[connect]' (for Databricks: the "
        "databricks-connect package matched to the cluster's runtime)"
    )
