"""The decision ledger: recording, reading, validation, append-only, versions, migration."""

from __future__ import annotations

import datetime as dt
import json
import math
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from partnerkit.decisions import ledger as ledger_module
from partnerkit.decisions.ledger import (
    APPLICATION_ID,
    FRAME_SCHEMA,
    MIGRATIONS,
    SCHEMA_VERSION,
    Ledger,
    LedgerError,
    LedgerPathError,
    check_ledger_path,
)
from partnerkit.policy import Policy

AS_OF = dt.date(2025, 6, 30)


@pytest.fixture
def ledger(tmp_path):
    with Ledger(tmp_path / "ledger.sqlite") as led:
        yield led


def rec(led, partner, decision, rationale="because", **kw):
    kw = {"who": "ana", "as_of": AS_OF, "policy": Policy(), "metrics": {}, **kw}
    return led.record(partner, decision, rationale, **kw)


def test_record_returns_what_is_stored(ledger):
    policy = replace(Policy(), max_keep=10)
    d = rec(ledger, "p1", "exit", "No pipeline in a year.", policy=policy, metrics={"won": 0.0})
    assert (d.id, d.partner_id, d.decision, d.who, d.as_of) == (1, "p1", "exit", "ana", AS_OF)
    assert d.policy_hash == policy.fingerprint()
    assert d.recorded_at.tzinfo is dt.UTC
    row = ledger.history().row(0, named=True)
    assert row["recorded_at"] == d.recorded_at
    assert row["rationale"] == "No pipeline in a year."
    assert json.loads(row["metrics"]) == {"won": 0.0}
    assert ledger.policy(d.policy_hash) == policy.to_dict()
    assert ledger.policy("unknown") is None


def test_current_is_latest_per_partner_and_history_keeps_everything(ledger):
    rec(ledger, "b", "keep")
    rec(ledger, "a", "watch")
    rec(ledger, "b", "exit")
    rec(ledger, "a", "invest")
    rec(ledger, "c", "keep")
    current = ledger.current()
    assert current.schema == FRAME_SCHEMA
    assert current.select("partner_id", "decision", "id").rows() == [
        ("a", "invest", 4),
        ("b", "exit", 3),
        ("c", "keep", 5),
    ]
    assert ledger.history()["id"].to_list() == [1, 2, 3, 4, 5]
    assert ledger.history("b")["decision"].to_list() == ["keep", "exit"]
    assert ledger.history("nobody").is_empty()
    assert len(ledger) == 5


def test_empty_ledger_gives_empty_frames(ledger):
    assert ledger.current().schema == FRAME_SCHEMA
    assert ledger.history().height == 0


def test_metrics_snapshot_is_plain_json(ledger):
    metrics = {
        "won_revenue": 1.5,
        "win_rate": math.nan,
        "trend": math.inf,
        "signed_on": dt.date(2024, 1, 2),
        "reasons": ["VITAL", "NO_SPONSOR"],
        "vital": True,
        "rank": 3,
        "missing": None,
    }
    d = rec(ledger, "p", "keep", metrics=metrics)
    stored = json.loads(ledger.history()["metrics"][0])
    expected = {**metrics, "win_rate": None, "trend": None, "signed_on": "2024-01-02"}
    assert stored == expected == dict(d.metrics)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"decision": "fire"}, "decision must be one of"),
        ({"decision": "KEEP"}, "decision must be one of"),
        ({"rationale": "  "}, "rationale must be a non-empty string"),
        ({"partner": ""}, "partner_id must be a non-empty string"),
        ({"who": ""}, "who must be a non-empty string"),
        ({"as_of": "30/06/2025"}, "as_of must be an ISO date"),
        ({"as_of": dt.datetime(2025, 6, 30, tzinfo=dt.UTC)}, "not a datetime"),
        ({"metrics": [1, 2]}, "metrics must be a mapping"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(ledger, change, message):
    args = {"partner": "p", "decision": "keep", "rationale": "ok", **change}
    partner, decision, rationale = args.pop("partner"), args.pop("decision"), args.pop("rationale")
    with pytest.raises(LedgerError, match=message):
        rec(ledger, partner, decision, rationale, **args)
    assert len(ledger) == 0


def test_record_many_is_all_or_nothing(ledger):
    entries = [
        {"partner_id": "a", "decision": "keep", "rationale": "r"},
        {"partner_id": "b", "decision": "bogus", "rationale": "r"},
    ]
    with pytest.raises(LedgerError, match="entry 1"):
        ledger.record_many(entries, who="ana", as_of=AS_OF, policy=Policy())
    assert len(ledger) == 0
    out = ledger.record_many(entries[:1] * 3, who="ana", as_of="2025-06-30", policy=Policy())
    assert [d.id for d in out] == [1, 2, 3]
    assert len({d.recorded_at for d in out}) == 1  # one transaction, one timestamp
    with pytest.raises(LedgerError, match="unknown keys"):
        ledger.record_many([{**entries[0], "extra": 1}], who="a", as_of=AS_OF, policy=Policy())
    assert len(ledger) == 3


def test_failure_inside_the_transaction_rolls_everything_back(ledger):
    # A temporary trigger makes the database itself refuse the second insert.
    ledger._connection().execute(
        "CREATE TEMP TRIGGER refuse_b BEFORE INSERT ON main.decisions "
        "WHEN NEW.partner_id = 'b' BEGIN SELECT RAISE(ABORT, 'refused b'); END"
    )
    entries = [
        {"partner_id": "a", "decision": "keep", "rationale": "r"},
        {"partner_id": "b", "decision": "keep", "rationale": "r"},
    ]
    with pytest.raises(LedgerError, match="refused b"):
        ledger.record_many(entries, who="ana", as_of=AS_OF, policy=Policy())
    assert len(ledger) == 0
    assert not ledger._connection().in_transaction
    assert rec(ledger, "a", "keep").id >= 1


def test_database_refuses_updates_and_deletes(ledger):
    rec(ledger, "p", "keep")
    conn = sqlite3.connect(ledger.path)
    try:
        for sql in (
            "UPDATE decisions SET decision = 'exit'",
            "DELETE FROM decisions",
            "UPDATE policies SET policy = '{}'",
            "DELETE FROM policies",
        ):
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                conn.execute(sql)
        with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
            conn.execute(
                "INSERT INTO decisions (partner_id, decision, rationale, who, recorded_at, "
                "as_of, policy_hash, metrics) VALUES ('p', 'fire', 'r', 'w', 't', 'd', 'h', '{}')"
            )
    finally:
        conn.close()
    assert ledger.history()["decision"].to_list() == ["keep"]


def test_file_settings(ledger):
    conn = ledger._connection()
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 30_000
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_busy_writer_gives_up_after_its_timeout_with_a_clear_error(tmp_path):
    path = tmp_path / "ledger.sqlite"
    led = Ledger(path, timeout=0.05)
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(LedgerError, match="locked"):
            rec(led, "p", "keep")
        with pytest.raises(LedgerError, match="stayed locked by another writer"):
            Ledger(path, timeout=0.05)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
        led.close()
    with Ledger(path) as again:
        assert len(again) == 0


def test_closed_and_missing_ledgers(tmp_path):
    led = Ledger(tmp_path / "l.sqlite")
    led.close()
    led.close()  # idempotent
    with pytest.raises(LedgerError, match="closed"):
        led.history()
    with pytest.raises(LedgerPathError, match=r"no decision ledger at .*absent\.sqlite yet"):
        Ledger(tmp_path / "absent.sqlite", create=False)
    assert not (tmp_path / "absent.sqlite").exists()
    with pytest.raises(LedgerPathError, match="is a folder: a decision ledger is one file"):
        Ledger(tmp_path)


def test_a_new_ledger_gets_its_folder(tmp_path: Path) -> None:
    # as decision exports create theirs; a file in the way is a wrong path, said plainly
    path = tmp_path / "no" / "such" / "folder" / "l.sqlite"
    with Ledger(path) as led:
        led.record("p", "keep", "r", who="a", as_of="2025-06-30", policy=Policy(), metrics={})
    with Ledger(path, create=False) as led:
        assert len(led) == 1
    (tmp_path / "afile").write_text("x")
    with pytest.raises(LedgerPathError, match=r"afile is a file, not a folder"):
        Ledger(tmp_path / "afile" / "sub" / "l.sqlite")
    with pytest.raises(LedgerPathError, match=r"afile is a file, not a folder"):
        check_ledger_path(tmp_path / "afile" / "l.sqlite")
    assert not (tmp_path / "afile" / "sub").exists()
    assert isinstance(LedgerPathError("x"), LedgerError)  # one family for callers


def test_an_empty_file_becomes_a_ledger(tmp_path):
    path = tmp_path / "l.sqlite"
    path.touch()
    with Ledger(path) as led:
        rec(led, "p", "keep")
    with Ledger(path, create=False) as led:
        assert len(led) == 1


def test_reopening_keeps_rows(tmp_path):
    path = tmp_path / "l.sqlite"
    with Ledger(path) as led:
        rec(led, "p", "keep")
    with Ledger(path) as led:
        rec(led, "p", "exit")
        assert led.history()["decision"].to_list() == ["keep", "exit"]


# ---- versions and migrations ----------------------------------------------------------------


def make_ledger_at(path, version: int) -> None:
    """A ledger file at an older schema version, built with the migration steps."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    ledger_module._migrate(conn, target=version)
    conn.execute("COMMIT")
    conn.close()


def schema_sql(path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {r[0] for r in conn.execute("SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL")}
    finally:
        conn.close()


def test_a_v1_ledger_is_migrated_without_losing_rows(tmp_path):
    path = tmp_path / "old.sqlite"
    make_ledger_at(path, 1)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_schema WHERE type='table'")}
    assert "policies" not in tables
    rows = [
        ("p1", "keep", "r1", "ana", "2024-01-01T00:00:00+00:00", "2023-12-31", "h1", "{}"),
        ("p2", "exit", "r2", "bo", "2024-02-01T00:00:00+00:00", "2024-01-31", "h1", '{"x": 1}'),
        ("p1", "watch", "r3", "ana", "2024-03-01T00:00:00+00:00", "2024-02-29", "h2", "{}"),
    ]
    conn.executemany(
        "INSERT INTO decisions (partner_id, decision, rationale, who, recorded_at, as_of, "
        "policy_hash, metrics) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    conn.commit()
    conn.close()

    with Ledger(path) as led:
        history = led.history()
        assert history["id"].to_list() == [1, 2, 3]
        assert history.select("partner_id", "decision", "rationale", "policy_hash").rows() == [
            (r[0], r[1], r[2], r[6]) for r in rows
        ]
        assert history["as_of"].to_list() == [
            dt.date(2023, 12, 31),
            dt.date(2024, 1, 31),
            dt.date(2024, 2, 29),
        ]
        assert led.policy("h1") is None  # v1 kept no policy settings
        d = rec(led, "p3", "invest")
        assert d.id == 4
        assert led.policy(d.policy_hash) == Policy().to_dict()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()


@pytest.mark.parametrize("version", range(SCHEMA_VERSION))
def test_every_old_version_migrates_to_the_schema_of_a_new_ledger(tmp_path, version):
    fresh, old = tmp_path / "fresh.sqlite", tmp_path / "old.sqlite"
    Ledger(fresh).close()
    if version:
        make_ledger_at(old, version)
    Ledger(old).close()
    assert schema_sql(old) == schema_sql(fresh)
    assert len(MIGRATIONS) == SCHEMA_VERSION


def test_a_newer_ledger_is_refused_untouched(tmp_path):
    path = tmp_path / "new.sqlite"
    Ledger(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(LedgerError, match="newer than"):
        Ledger(path)
    assert path.read_bytes() == before
