"""The decision ledger: an append-only record of keep / invest / watch / exit decisions.

Decisions live in one SQLite file (default ``partnerkit-decisions.sqlite`` in the working
folder). Each row stores the partner, the decision, the rationale, who made it, when (UTC),
the ``as_of`` date and the fingerprint of the policy of the analysis it was made on, and a
JSON snapshot of the partner's metrics. The current decision for a partner is its latest row.

How the file is kept safe:

* **Append-only in the database**: triggers abort any ``UPDATE`` or ``DELETE``, so even a
  hand-written SQL statement cannot rewrite history.
* **Write-ahead log, ``synchronous=FULL``**: every commit is flushed to disk before
  :meth:`Ledger.record` returns. WAL with ``NORMAL`` would survive a crashed or killed
  process too, but could drop the last commits on a power cut or an operating-system crash.
  Decisions arrive at the pace of people, so one extra flush per decision costs nothing that
  matters and buys "a recorded decision is never lost".
* **Concurrent writers wait** (busy timeout) instead of failing; writes take the write lock
  up front (``BEGIN IMMEDIATE``) so a waiting writer never has to give up halfway.
* **Recognised file**: the file carries an application id and a schema version
  (``PRAGMA application_id`` / ``PRAGMA user_version``). Anything else at the path — another
  program's database, a corrupt or non-SQLite file, a ledger from a newer partnerkit — is
  refused with :class:`LedgerError` and left byte-for-byte untouched.
* **Migrations**: :data:`MIGRATIONS` lists the schema steps; step ``i`` brings a version ``i``
  file to version ``i + 1``. Opening an older ledger applies the missing steps in one
  transaction. Adding a schema version is adding one function to that list.

Examples
--------
>>> import datetime as dt, tempfile, pathlib
>>> from partnerkit.policy import Policy
>>> folder = tempfile.mkdtemp()
>>> with Ledger(pathlib.Path(folder) / "ledger.sqlite") as ledger:
...     first = ledger.record("p1", "watch", "Fading.", who="ana", as_of=dt.date(2025, 6, 30),
...                           policy=Policy(), metrics={"won_revenue": 1200.0})
...     second = ledger.record("p1", "exit", "No response.", who="ana",
...                            as_of=dt.date(2025, 9, 30), policy=Policy(), metrics={})
...     ledger.current()["decision"].to_list(), ledger.history()["id"].to_list()
(['exit'], [1, 2])
"""

from __future__ import annotations

import datetime as dt
import json
import math
import sqlite3
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType, TracebackType
from typing import Any, Self

import polars as pl

from partnerkit.decisions.recommend import DECISIONS
from partnerkit.policy import Policy

__all__ = [
    "APPLICATION_ID",
    "DECISIONS",
    "DEFAULT_LEDGER",
    "FRAME_SCHEMA",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "Decision",
    "Ledger",
    "LedgerError",
    "LedgerPathError",
    "check_ledger_path",
]

DEFAULT_LEDGER = "partnerkit-decisions.sqlite"
"""File name of the ledger when no path is given (in the working folder)."""

APPLICATION_ID = 0x504B4C47
"""``PRAGMA application_id`` of a partnerkit ledger (the bytes ``PKLG``)."""

_SQLITE_MAGIC = b"SQLite format 3\x00"


class LedgerError(Exception):
    """The ledger file cannot be used (not a ledger, newer schema, closed) or input is bad."""


class LedgerPathError(LedgerError):
    """The path holds no ledger to read, or no ledger can be created there (a wrong path).

    Raised for a missing file opened with ``create=False``, a folder at the path, or a path
    where the file cannot be created; the command line reports it as a usage error.

    >>> import tempfile, pathlib
    >>> try:
    ...     Ledger(pathlib.Path(tempfile.mkdtemp()) / "none.sqlite", create=False)
    ... except LedgerPathError as exc:
    ...     print(str(exc).split(": ")[0].endswith("none.sqlite yet"))
    True
    """


# ---- schema -----------------------------------------------------------------------------


def _append_only(conn: sqlite3.Connection, table: str) -> None:
    for action in ("UPDATE", "DELETE"):
        conn.execute(
            f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, 'the decision ledger is append-only: "
            f"{action} on {table} is not allowed'); END"
        )


def _v1_decisions(conn: sqlite3.Connection) -> None:
    """Version 1: the decisions table, append-only."""
    decisions = ", ".join(f"'{d}'" for d in DECISIONS)
    conn.execute(
        f"""
        CREATE TABLE decisions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            partner_id TEXT NOT NULL CHECK (length(partner_id) > 0),
            decision TEXT NOT NULL CHECK (decision IN ({decisions})),
            rationale TEXT NOT NULL,
            who TEXT NOT NULL CHECK (length(who) > 0),
            recorded_at TEXT NOT NULL,
            as_of TEXT NOT NULL,
            policy_hash TEXT NOT NULL,
            metrics TEXT NOT NULL CHECK (json_valid(metrics))
        )
        """
    )
    conn.execute("CREATE INDEX decisions_by_partner ON decisions (partner_id, id)")
    _append_only(conn, "decisions")


def _v2_policies(conn: sqlite3.Connection) -> None:
    """Version 2: the full settings behind each policy fingerprint, append-only."""
    conn.execute(
        """
        CREATE TABLE policies (
            policy_hash TEXT PRIMARY KEY,
            policy TEXT NOT NULL CHECK (json_valid(policy)),
            first_recorded_at TEXT NOT NULL
        )
        """
    )
    _append_only(conn, "policies")


MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (_v1_decisions, _v2_policies)
"""Schema steps in order: ``MIGRATIONS[i]`` takes a version ``i`` file to version ``i + 1``."""

SCHEMA_VERSION = len(MIGRATIONS)
"""The schema version this partnerkit writes."""


def _migrate(conn: sqlite3.Connection, *, target: int = SCHEMA_VERSION) -> int:
    """Check the open transaction's file is a ledger (or empty) and bring it to ``target``.

    Returns the version found. Raises :class:`LedgerError` for a foreign or newer file.
    """
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    objects = conn.execute("SELECT count(*) FROM sqlite_schema").fetchone()[0]
    if app_id == 0 and version == 0 and objects == 0:
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    elif app_id != APPLICATION_ID:
        raise LedgerError(
            f"not a partnerkit decision ledger: an SQLite database of another application "
            f"(application_id {app_id}, {objects} schema objects); it was left untouched"
        )
    if version > target:
        raise LedgerError(
            f"the ledger has schema version {version}, newer than the {target} this "
            f"partnerkit understands; upgrade partnerkit (the file was left untouched)"
        )
    for step in MIGRATIONS[version:target]:
        step(conn)
    if version != target:
        conn.execute(f"PRAGMA user_version = {int(target)}")
    return int(version)


# ---- values ---------------------------------------------------------------------------------


def _plain(value: object) -> object:
    """Turn a metric value into JSON-ready data (non-finite floats become null)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def _as_date(value: dt.date | str) -> dt.date:
    if isinstance(value, dt.datetime):
        raise LedgerError(f"as_of must be a date, not a datetime ({value!r})")
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise LedgerError(f"as_of must be an ISO date (YYYY-MM-DD), got {value!r}") from exc


def _busy(exc: sqlite3.Error) -> bool:
    return getattr(exc, "sqlite_errorcode", None) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def _text(name: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise LedgerError(f"{name} must be a non-empty string, got {value!r}")
    return value


@dataclass(frozen=True)
class Decision:
    """One recorded decision, as stored."""

    id: int
    partner_id: str
    decision: str
    rationale: str
    who: str
    recorded_at: dt.datetime
    as_of: dt.date
    policy_hash: str
    metrics: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))


_COLUMNS = (
    "id",
    "partner_id",
    "decision",
    "rationale",
    "who",
    "recorded_at",
    "as_of",
    "policy_hash",
    "metrics",
)
_SELECT = (
    "SELECT id, partner_id, decision, rationale, who, recorded_at, as_of, policy_hash, metrics"
    " FROM decisions"
)
_SELECT_CURRENT = (
    "SELECT id, partner_id, decision, rationale, who, recorded_at, as_of, policy_hash, metrics"
    " FROM decisions WHERE id IN (SELECT max(id) FROM decisions GROUP BY partner_id)"
    " ORDER BY partner_id"
)
FRAME_SCHEMA = pl.Schema(
    {
        "id": pl.Int64(),
        "partner_id": pl.String(),
        "decision": pl.String(),
        "rationale": pl.String(),
        "who": pl.String(),
        "recorded_at": pl.Datetime("us", "UTC"),
        "as_of": pl.Date(),
        "policy_hash": pl.String(),
        "metrics": pl.String(),
    }
)
"""Schema of :meth:`Ledger.current` and :meth:`Ledger.history` (``metrics`` is JSON text)."""


def _frame(rows: list[tuple[Any, ...]]) -> pl.DataFrame:
    data: dict[str, list[Any]] = {c: [] for c in _COLUMNS}
    for row in rows:
        for name, value in zip(_COLUMNS, row, strict=True):
            data[name].append(value)
    data["recorded_at"] = [dt.datetime.fromisoformat(v) for v in data["recorded_at"]]
    data["as_of"] = [dt.date.fromisoformat(v) for v in data["as_of"]]
    return pl.DataFrame(data, schema=FRAME_SCHEMA)


# ---- the ledger -----------------------------------------------------------------------------


def check_ledger_path(path: str | Path, /) -> Path:
    """Return ``path`` as a path where a ledger can be: a file, or nothing yet.

    Raises :class:`LedgerPathError` when ``path`` is a folder or a file stands where one of
    its folders should be; nothing is created. ``Ledger`` checks its path so; a command
    checks it before the work whose result it records.

    >>> check_ledger_path("ledgers/partnerkit-decisions.sqlite").name
    'partnerkit-decisions.sqlite'
    >>> check_ledger_path(".")
    Traceback (most recent call last):
    ...
    partnerkit.decisions.ledger.LedgerPathError: . is a folder: a decision ledger is one file, \
such as partnerkit-decisions.sqlite
    """
    file = Path(path)
    if file.is_dir():
        raise LedgerPathError(
            f"{file} is a folder: a decision ledger is one file, such as {DEFAULT_LEDGER}"
        )
    blocking = next((p for p in file.parents if p.exists() and not p.is_dir()), None)
    if blocking is not None:
        raise LedgerPathError(
            f"no decision ledger can be made at {file}: {blocking} is a file, not a folder"
        )
    return file


class Ledger:
    """An append-only decision ledger in one SQLite file.

    Parameters
    ----------
    path
        The ledger file; created when missing (unless ``create=False``), with its folder.
    create
        Create a new ledger when the file does not exist.
    timeout
        Seconds a writer waits for another writer's lock before giving up.

    Raises
    ------
    LedgerError
        When the file is not a partnerkit ledger (corrupt, another application's database,
        a newer schema). The file is left untouched.
    LedgerPathError
        When the file is missing and ``create`` is false, the path is a folder, or the
        ledger cannot be created there.
    """

    def __init__(
        self, path: str | Path = DEFAULT_LEDGER, *, create: bool = True, timeout: float = 30.0
    ) -> None:
        self.path = check_ledger_path(path)
        if self.path.exists():
            with self.path.open("rb") as fh:
                head = fh.read(len(_SQLITE_MAGIC))
            if head and head != _SQLITE_MAGIC:
                raise LedgerError(
                    f"{self.path} is not a partnerkit decision ledger (not an SQLite file); "
                    "it was left untouched"
                )
        elif not create:
            raise LedgerPathError(
                f"no decision ledger at {self.path} yet: recording a decision creates it"
            )
        else:
            folder = self.path.parent
            try:  # a new ledger in a new folder, as exports create theirs
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise LedgerPathError(
                    f"cannot create the folder {folder} of the decision ledger {self.path}: "
                    f"{exc.strerror or exc}"
                ) from exc
        # One connection, shared by the threads of a kernel (widget callbacks may run on
        # another thread than the cell that opened the ledger); the lock keeps each
        # transaction and each read whole.
        self._lock = threading.RLock()
        try:
            self._conn: sqlite3.Connection | None = sqlite3.connect(
                self.path, timeout=timeout, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as exc:  # a folder that cannot be written, say
            raise LedgerPathError(
                f"cannot open the decision ledger {self.path} ({exc}): check that its folder "
                "can be written"
            ) from exc
        try:
            self._open()
        except sqlite3.DatabaseError as exc:
            self.close()
            if _busy(exc):
                raise LedgerError(
                    f"{self.path} stayed locked by another writer for {timeout} s; try again"
                ) from exc
            raise LedgerError(
                f"{self.path} is not a usable partnerkit decision ledger ({exc}); "
                "it was left untouched"
            ) from exc
        except BaseException:
            self.close()
            raise

    def _open(self) -> None:
        conn = self._connection()
        # Check (and create or migrate) inside a write transaction, before anything that
        # could change the file, so a foreign file is refused untouched and two processes
        # creating the same ledger at once do not both run the migrations.
        conn.execute("BEGIN IMMEDIATE")
        try:
            _migrate(conn)
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if mode != "wal":
            raise LedgerError(f"could not switch {self.path} to write-ahead logging ({mode})")
        conn.execute("PRAGMA synchronous = FULL")

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            raise LedgerError(f"the ledger {self.path} is closed")
        return self._conn

    # -- context management ----------------------------------------------------------------

    def close(self) -> None:
        """Close the file (idempotent)."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Ledger({str(self.path)!r})"

    # -- writing -----------------------------------------------------------------------------

    def record(
        self,
        partner_id: str,
        decision: str,
        rationale: str,
        *,
        who: str,
        as_of: dt.date | str,
        policy: Policy,
        metrics: Mapping[str, Any],
    ) -> Decision:
        """Append one decision and return it as stored (with its id).

        ``decision`` is one of :data:`DECISIONS`; ``metrics`` is the snapshot of the
        partner's metrics the decision was made on (stored as JSON). The decision is on disk
        when this returns.
        """
        entry = {
            "partner_id": partner_id,
            "decision": decision,
            "rationale": rationale,
            "metrics": metrics,
        }
        return self.record_many([entry], who=who, as_of=as_of, policy=policy)[0]

    def record_many(
        self,
        entries: Iterable[Mapping[str, Any]],
        *,
        who: str,
        as_of: dt.date | str,
        policy: Policy,
    ) -> list[Decision]:
        """Append several decisions in one transaction: all are recorded, or none.

        Each entry maps ``partner_id``, ``decision``, ``rationale`` and optionally
        ``metrics`` (a mapping). Every entry is validated before anything is written.
        """
        who = _text("who", who)
        day = _as_date(as_of)
        rows = []
        for i, entry in enumerate(entries):
            unknown = set(entry) - {"partner_id", "decision", "rationale", "metrics"}
            if unknown:
                raise LedgerError(f"entry {i}: unknown keys {sorted(unknown)}")
            decision = entry.get("decision")
            if decision not in DECISIONS:
                raise LedgerError(
                    f"entry {i}: decision must be one of {DECISIONS}, got {decision!r}"
                )
            metrics = entry.get("metrics") or {}
            if not isinstance(metrics, Mapping):
                raise LedgerError(f"entry {i}: metrics must be a mapping")
            rows.append(
                (
                    _text("partner_id", entry.get("partner_id")),
                    str(decision),
                    _text("rationale", entry.get("rationale")),
                    json.dumps(_plain(metrics), allow_nan=False, sort_keys=True),
                    {str(k): _plain(v) for k, v in metrics.items()},
                )
            )
        recorded_at = dt.datetime.now(dt.UTC)
        stamp = recorded_at.isoformat(timespec="microseconds")
        policy_hash = policy.fingerprint()
        policy_json = json.dumps(policy.to_dict(), sort_keys=True)
        with self._lock:
            ids = self._insert(
                rows, who=who, day=day, stamp=stamp, policy=(policy_hash, policy_json)
            )
        return [
            Decision(
                id=int(i or 0),
                partner_id=partner_id,
                decision=decision,
                rationale=rationale,
                who=who,
                recorded_at=recorded_at,
                as_of=day,
                policy_hash=policy_hash,
                metrics=MappingProxyType(plain),
            )
            for i, (partner_id, decision, rationale, _, plain) in zip(ids, rows, strict=True)
        ]

    def _insert(
        self,
        rows: list[tuple[str, str, str, str, dict[str, object]]],
        *,
        who: str,
        day: dt.date,
        stamp: str,
        policy: tuple[str, str],
    ) -> list[int | None]:
        """Insert ``rows`` in one write transaction; return their ids."""
        policy_hash, policy_json = policy
        conn = self._connection()
        try:
            conn.execute("BEGIN IMMEDIATE")  # waits up to the timeout for other writers
        except sqlite3.Error as exc:
            raise LedgerError(f"could not record in {self.path}: {exc}") from exc
        try:
            conn.execute(
                "INSERT OR IGNORE INTO policies (policy_hash, policy, first_recorded_at) "
                "VALUES (?, ?, ?)",
                (policy_hash, policy_json, stamp),
            )
            ids = []
            for partner_id, decision, rationale, metrics_json, _ in rows:
                cur = conn.execute(
                    "INSERT INTO decisions (partner_id, decision, rationale, who, recorded_at, "
                    "as_of, policy_hash, metrics) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        partner_id,
                        decision,
                        rationale,
                        who,
                        stamp,
                        day.isoformat(),
                        policy_hash,
                        metrics_json,
                    ),
                )
                ids.append(cur.lastrowid)
            conn.execute("COMMIT")
        except BaseException as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise LedgerError(f"could not record in {self.path}: {exc}") from exc
            raise
        return ids

    # -- reading -----------------------------------------------------------------------------

    def current(self) -> pl.DataFrame:
        """Return the latest decision per partner (highest id), sorted by ``partner_id``.

        Columns as :data:`FRAME_SCHEMA`.
        """
        with self._lock:
            rows = self._connection().execute(_SELECT_CURRENT).fetchall()
        return _frame(rows)

    def history(self, partner_id: str | None = None) -> pl.DataFrame:
        """Return every decision (or one partner's) in the order recorded.

        Columns as :data:`FRAME_SCHEMA`.
        """
        with self._lock:
            conn = self._connection()
            if partner_id is None:
                cur = conn.execute(_SELECT + " ORDER BY id")
            else:
                cur = conn.execute(_SELECT + " WHERE partner_id = ? ORDER BY id", (partner_id,))
            rows = cur.fetchall()
        return _frame(rows)

    def policy(self, policy_hash: str) -> dict[str, Any] | None:
        """Return the settings behind a stored policy fingerprint (``None`` when unknown)."""
        with self._lock:
            row = (
                self._connection()
                .execute("SELECT policy FROM policies WHERE policy_hash = ?", (policy_hash,))
                .fetchone()
            )
        return None if row is None else dict(json.loads(row[0]))

    def __len__(self) -> int:
        with self._lock:
            return int(self._connection().execute("SELECT count(*) FROM decisions").fetchone()[0])
