"""Durability of the ledger against real concurrent and killed processes."""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from partnerkit.decisions.ledger import Ledger, LedgerError
from partnerkit.policy import Policy

WRITER = Path(__file__).with_name("ledger_writer.py")


def writer(path: Path, who: str, count: int, *, wait: bool) -> subprocess.Popen[str]:
    args = [sys.executable, str(WRITER), str(path), who, str(count)]
    return subprocess.Popen(
        [*args, "--wait"] if wait else args,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


@pytest.mark.slow
@pytest.mark.skipif(os.name != "posix", reason="POSIX processes")
def test_two_processes_appending_500_each_end_with_1000_rows(tmp_path):
    path = tmp_path / "ledger.sqlite"  # not created yet: both processes race to create it
    procs = {who: writer(path, who, 500, wait=True) for who in ("w1", "w2")}
    reported = {}
    try:
        for proc in procs.values():
            assert proc.stdout is not None
            assert proc.stdout.readline() == "ready\n"
        for proc in procs.values():  # release both at once
            assert proc.stdin is not None
            proc.stdin.write("go\n")
            proc.stdin.flush()
        for who, proc in procs.items():
            out, err = proc.communicate(timeout=60)
            assert proc.returncode == 0, err
            reported[who] = [int(line) for line in out.split()]
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
    with Ledger(path) as ledger:
        history = ledger.history()
    assert history.height == 1000
    assert history["id"].to_list() == list(range(1, 1001))
    for who in ("w1", "w2"):
        mine = history.filter(history["who"] == who)
        # Each process's rows are all there, in its own order, under the ids it was told.
        assert mine["rationale"].to_list() == [f"{who} {i}" for i in range(500)]
        assert mine["id"].to_list() == reported[who]
    assert integrity(path) == "ok"


@pytest.mark.slow
@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
def test_writer_killed_mid_stream_loses_no_committed_decision(tmp_path):
    path = tmp_path / "ledger.sqlite"
    proc = writer(path, "k", 0, wait=False)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline() == "ready\n"
        committed = []
        while len(committed) < 150:  # the writer is still writing when it is killed
            committed.append(int(proc.stdout.readline()))
    finally:
        proc.send_signal(signal.SIGKILL)
        rest, _ = proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    committed += [int(line) for line in rest.splitlines(keepends=True) if line.endswith("\n")]
    with Ledger(path) as ledger:
        history = ledger.history()
        ids = set(history["id"].to_list())
        assert set(committed) <= ids
        # At most the one decision committed between the last report and the kill is extra.
        assert len(ids) - len(committed) in (0, 1)
        assert history["rationale"].to_list() == [f"k {i}" for i in range(history.height)]
        after = ledger.record(
            "x", "keep", "still writable", who="t", as_of="2025-06-30", policy=Policy(), metrics={}
        )
        assert after.id == history.height + 1
    assert integrity(path) == "ok"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_random_bytes_at_the_path_are_refused_untouched(tmp_path):
    path = tmp_path / "ledger.sqlite"
    path.write_bytes(os.urandom(8192))
    before = digest(path)
    with pytest.raises(LedgerError, match="not an SQLite file"):
        Ledger(path)
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ledger.sqlite"]


def test_corrupt_sqlite_file_is_refused_untouched(tmp_path):
    path = tmp_path / "ledger.sqlite"
    path.write_bytes(b"SQLite format 3\x00" + os.urandom(8176))
    before = digest(path)
    with pytest.raises(LedgerError, match="not a usable partnerkit decision ledger"):
        Ledger(path)
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ledger.sqlite"]


@pytest.mark.parametrize("application_id", [0, 1234])
def test_foreign_sqlite_database_is_refused_untouched(tmp_path, application_id):
    path = tmp_path / "crm.sqlite"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA application_id = {application_id}")
    conn.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO customers (name) VALUES ('Acme')")
    conn.commit()
    conn.close()
    before = digest(path)
    with pytest.raises(LedgerError, match="another application"):
        Ledger(path)
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["crm.sqlite"]
