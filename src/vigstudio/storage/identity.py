"""Each case project's identity and change counter (the ``case_identity`` table).

* ``uuid`` — a random identity given when the file is made (or upgraded). A ``-journal`` file
  beside a project is only rolled back into it if the journal carries this identity (see
  :mod:`vigstudio.storage.journal`), so another family's journal can never be mixed in.
* ``serial`` — incremented in every write transaction. A window remembers the value it last
  saw; if the file's value differs when it starts to write, somebody else has written since,
  and the edit is refused instead of overwriting newer work from a stale copy.

Because every write transaction updates this one row, the row's page is in every journal
VIG Studio writes: that is what makes the journal check possible.
"""

from __future__ import annotations

import sqlite3
import uuid

TABLE = "case_identity"
_DDL = (f"CREATE TABLE IF NOT EXISTS {TABLE} ("
        "id INTEGER PRIMARY KEY CHECK (id = 1), "
        "uuid TEXT NOT NULL, "
        "serial INTEGER NOT NULL DEFAULT 0)")


def add_case_identity(conn: sqlite3.Connection, case_uuid: str | None = None) -> None:
    """Create the table and give the case a fresh identity (``case_uuid``, random by
    default; idempotent). This is also the schema migration that upgrades a version-1 file."""
    conn.execute(_DDL)
    conn.execute(f"INSERT OR IGNORE INTO {TABLE} (id, uuid, serial) VALUES (1, ?, 0)",
                 (case_uuid or str(uuid.uuid4()),))


def has_identity(conn: sqlite3.Connection) -> bool:
    row = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                       (TABLE,)).fetchone()
    return row is not None


def read_identity(conn: sqlite3.Connection) -> tuple[str, int] | None:
    """(uuid, serial), or None for a file without an identity (older than the migration)."""
    if not has_identity(conn):
        return None
    row = conn.execute(f"SELECT uuid, serial FROM {TABLE} WHERE id = 1").fetchone()
    return None if row is None else (str(row[0]), int(row[1]))


def identity_root_page(conn: sqlite3.Connection) -> int | None:
    row = conn.execute("SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = ?",
                       (TABLE,)).fetchone()
    return None if row is None else int(row[0])


def bump_serial(conn: sqlite3.Connection) -> None:
    """Count one more write (inside the caller's transaction); nothing without the table."""
    if has_identity(conn):
        conn.execute(f"UPDATE {TABLE} SET serial = serial + 1 WHERE id = 1")
