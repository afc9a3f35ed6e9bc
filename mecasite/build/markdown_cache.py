"""Converted Markdown bodies on disk (`.cache/markdown.sqlite`), by digest: a body is converted once, whatever
build, render process or preview needs it next.

One SQLite file rather than one file per body: creating a file costs 0.3 to 0.6 ms of kernel time on the
machines we measure on, as much as converting the body, while a row costs 0.05 ms. SQLite (in the standard
library) also gives what several render processes writing at once need: atomic rows, locking, and a damaged
file detected rather than trusted. A cache can only cost time, never a build: any error turns it off for the
process (a damaged file is removed, and rebuilt next time).
"""

from __future__ import annotations

import marshal
import os
import sqlite3
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeAlias

SCHEMA = "CREATE TABLE IF NOT EXISTS bodies (digest BLOB PRIMARY KEY, data BLOB NOT NULL) WITHOUT ROWID"
SUFFIXES = ("", "-wal", "-shm", "-journal")
# What a value is made of: what marshal writes and reads back as it was (a body is (html, headings, refs)).
Stored: TypeAlias = str | int | bytes | tuple["Stored", ...]


class BodyCache:
    """Values (tuples of str, tuple, ...; whatever `marshal` writes) by digest (bytes).

    A connection is never carried across `fork`: each process opens its own on first use, and the parent
    calls `close` before forking render processes.
    """

    BATCH = 200  # rows written in one transaction: one lock and one WAL append for many bodies

    def __init__(self, path: Path, read_only: bool = False):
        self.path = path
        # Read only (`check`, which writes nothing): the file is read as it is, never created, changed or
        # removed; what this process converts stays in memory.
        self.read_only = read_only
        self._pending: dict[bytes, bytes] = {}
        self._known: set[bytes] = set()  # the digests in the file when this process opened it
        self._db: sqlite3.Connection | None = None
        self._pid = 0
        self._off = False

    def get(self, digest: bytes) -> tuple[Any, ...] | None:
        """The value put under `digest`, as read back: the caller checks its shape (a row may be old)."""
        db = self._connection()
        if db is None or (digest not in self._known and digest not in self._pending):
            return None  # a clean build asks for ten thousand bodies the cache cannot have
        try:
            row = (
                (self._pending[digest],)
                if digest in self._pending
                else db.execute("SELECT data FROM bodies WHERE digest = ?", (digest,)).fetchone()
            )
        except sqlite3.OperationalError:
            return None
        except sqlite3.Error:
            self._give_up()
            return None
        if row is None:
            return None
        try:
            value = marshal.loads(row[0])
        except (ValueError, EOFError, TypeError):
            return None  # a damaged row: converted again, and replaced by `put`
        return value if isinstance(value, tuple) else None

    def put(self, digest: bytes, value: tuple[Stored, ...]) -> None:
        """Kept until `flush` (automatic every BATCH rows, and on `close`)."""
        self._pending[digest] = marshal.dumps(value)
        if len(self._pending) >= self.BATCH and not self.read_only:
            self.flush()

    def flush(self) -> None:
        if self.read_only:
            return
        pending, self._pending = self._pending, {}
        db = self._connection() if pending else None
        if db is None:
            return
        try:
            with db:  # one transaction
                db.execute("BEGIN")
                db.executemany("INSERT OR REPLACE INTO bodies VALUES (?, ?)", pending.items())
            self._known.update(pending)
        except sqlite3.OperationalError:
            pass  # busy beyond the timeout, or disk full: this body simply stays unconverted on disk
        except sqlite3.Error:
            self._give_up()

    def prune(self, live: Callable[[], Iterable[bytes]], slack: float = 2.0, most: int | None = None) -> None:
        """Drop the entries no current text needs (`live()` gives their digests) once they outnumber those
        that do by `slack` times: edited texts leave their old conversions behind. `most`: how many digests
        `live()` can give at most (the number of texts); while the file holds fewer than `slack` times that,
        nothing is hashed (hashing every body of a large site cost a build after an edit 0.08 s)."""
        self.flush()
        db = self._connection()
        if db is None or self.read_only:
            return
        try:
            (count,) = db.execute("SELECT count(*) FROM bodies").fetchone()
            if count <= 100 or (most is not None and count <= slack * most + 100):
                return
            keep = set(live())
            if count <= slack * len(keep) + 100:
                return
            db.execute("CREATE TEMP TABLE keep (digest BLOB PRIMARY KEY) WITHOUT ROWID")
            db.executemany("INSERT OR IGNORE INTO keep VALUES (?)", ((d,) for d in keep))
            db.execute("DELETE FROM bodies WHERE digest NOT IN (SELECT digest FROM keep)")
            db.execute("DROP TABLE keep")
            db.execute("VACUUM")
        except sqlite3.Error:
            pass

    def close(self) -> None:
        self.flush()
        if self._db is not None and self._pid == os.getpid():
            try:
                self._db.close()
            except sqlite3.Error:
                pass
        self._db = None

    def _connection(self) -> sqlite3.Connection | None:
        if self._off:
            return None
        if self._db is not None and self._pid == os.getpid():
            return self._db
        if self._db is not None:  # inherited across a fork: never used nor closed here, it is the parent's
            _INHERITED.append(self._db)
        self._db, self._pid = None, os.getpid()
        for attempt in range(2):
            try:
                self._db = self._open()
                return self._db
            except sqlite3.OperationalError:  # locked beyond the timeout, read-only, disk full...
                break
            except sqlite3.DatabaseError:  # not a database, or damaged: start afresh, once
                if attempt == 0 and not self.read_only:
                    self._remove()
            except (sqlite3.Error, OSError):
                break
        self._off = True
        return None

    def _open(self) -> sqlite3.Connection:
        if self.read_only:  # `immutable`: no lock, no -wal or -shm file made (rows still in a WAL are missed)
            db = sqlite3.connect(
                f"{self.path.resolve().as_uri()}?mode=ro&immutable=1",
                uri=True,
                isolation_level=None,
                check_same_thread=False,
            )
            try:
                self._known = {digest for (digest,) in db.execute("SELECT digest FROM bodies")}
            except BaseException:
                db.close()
                raise
            return db
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=5, isolation_level=None, check_same_thread=False)
        try:
            db.execute("PRAGMA journal_mode=WAL")  # readers never wait for the writer
            db.execute("PRAGMA synchronous=OFF")  # a cache: losing the last rows in a crash costs only time
            db.execute(SCHEMA)
            # Reading every key shows damage, and spares a query per body the cache does not hold (a body
            # another process converts meanwhile is simply converted here too).
            self._known = {digest for (digest,) in db.execute("SELECT digest FROM bodies")}
        except BaseException:
            db.close()
            raise
        return db

    def _give_up(self) -> None:
        self.close()
        if not self.read_only:
            self._remove()
        self._off = True

    def _remove(self) -> None:
        for suffix in SUFFIXES:
            try:
                os.unlink(f"{self.path}{suffix}")
            except OSError:
                pass


_INHERITED: list[sqlite3.Connection] = []  # connections a forked process inherited: kept, never closed
