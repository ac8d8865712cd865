"""Recovering what can be read from a damaged project file into a new one.

The damaged file is only read (opened read-only, never written). A fresh project file is made
with the current schema; every table is copied whole if it can be read, otherwise row by row,
skipping what cannot be read. Rows whose references were lost with the damage are dropped so
the new file is consistent. The new file gets a new case identity.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.pool import StaticPool

from vigstudio.errors import ProjectError
from vigstudio.storage import cipher
from vigstudio.storage.identity import add_case_identity
from vigstudio.storage.migrations import current_version
from vigstudio.storage.schema import Base

_MAX_SKIPS = 200  # consecutive unreadable row ids before a table is given up


@dataclass
class RecoveryReport:
    path: Path
    rows: dict[str, int] = field(default_factory=dict)  # table -> rows recovered
    lost: list[str] = field(default_factory=list)  # what could not be read, in words

    @property
    def complete(self) -> bool:
        return not self.lost


def _read_rows(old: sqlite3.Connection, table: str, columns: list[str],
               report: RecoveryReport) -> list[tuple[object, ...]]:
    cols = ", ".join(f'"{c}"' for c in columns)
    try:
        return list(old.execute(f'SELECT {cols} FROM "{table}" ORDER BY rowid').fetchall())
    except cipher.DATABASE_ERRORS:
        pass
    rows: list[tuple[object, ...]] = []
    failures = 0
    last = 0
    while failures < _MAX_SKIPS:
        try:
            row = old.execute(f'SELECT rowid, {cols} FROM "{table}" WHERE rowid > ? '
                              "ORDER BY rowid LIMIT 1", (last,)).fetchone()
        except cipher.DATABASE_ERRORS:
            failures += 1
            last += 1
            continue
        failures = 0
        if row is None:
            break
        last = int(row[0])
        rows.append(tuple(row[1:]))
    report.lost.append(f"part of {table} could not be read")
    return rows


def _copy_table(old: sqlite3.Connection, new: sqlite3.Connection, table: str,
                columns: list[str], report: RecoveryReport) -> None:
    rows = _read_rows(old, table, columns, report)
    cols = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" for _ in columns)
    copied = 0
    for row in rows:
        try:
            new.execute(f'INSERT INTO "{table}" ({cols}) VALUES ({marks})', row)
            copied += 1
        except cipher.DATABASE_ERRORS:
            report.lost.append(f"a row of {table} did not fit")
    report.rows[table] = copied


def recover(damaged: Path, dest: Path, *, key: bytes | None = None,
            case_uuid: str | None = None) -> RecoveryReport:
    """Copy what can be read from ``damaged`` into a new project file at ``dest``; an
    encrypted file is read with its database ``key`` and the new file is encrypted with it.
    ``case_uuid``: the new file's identity, chosen in advance (random by default)."""
    from vigstudio.storage.project_file import APPLICATION_ID, _publish

    damaged, dest = Path(damaged), Path(dest)
    if dest.exists():
        raise ProjectError(f"{dest.name} already exists; choose a new name for the recovered "
                           "case")
    if not damaged.is_file():
        raise ProjectError(f"there is no project file at {damaged}")
    tmp = dest.with_name(f".{dest.name}.recovering-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    report = RecoveryReport(dest)
    try:
        conn = cipher.connect(tmp, key=key, isolation_level=None)
        try:
            engine = create_engine("sqlite+pysqlite://", creator=lambda: conn,
                                   poolclass=StaticPool, module=cipher.dbapi(key))
            Base.metadata.create_all(engine)
            add_case_identity(conn, case_uuid)
            conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
            conn.execute(f"PRAGMA user_version={current_version()}")
            old = cipher.connect(damaged, key=key, read_only=True)
            try:
                conn.execute("BEGIN")
                for table in Base.metadata.sorted_tables:
                    columns = [c.name for c in table.columns]
                    try:
                        present = {str(r[1]) for r in old.execute(
                            f'PRAGMA table_info("{table.name}")').fetchall()}
                    except cipher.DATABASE_ERRORS:
                        present = set()
                    usable = [c for c in columns if c in present]
                    if not usable:
                        report.rows[table.name] = 0
                        report.lost.append(f"the table {table.name} could not be read")
                        continue
                    _copy_table(old, conn, table.name, usable, report)
                _drop_dangling(conn, report)
                conn.execute("COMMIT")
            finally:
                old.close()
            if [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()] != ["ok"]:
                raise ProjectError("the recovered file did not check out; nothing was saved")
        finally:
            conn.close()
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        _publish(tmp, dest)
    except cipher.DATABASE_ERRORS as exc:
        raise ProjectError(f"{damaged.name} could not be read at all ({exc}); nothing was "
                           "recovered") from exc
    finally:
        tmp.unlink(missing_ok=True)
    return report


def _drop_dangling(conn: sqlite3.Connection, report: RecoveryReport) -> None:
    """Delete rows whose references were lost, until the foreign keys hold."""
    for _ in range(20):
        problems = conn.execute("PRAGMA main.foreign_key_check").fetchall()
        if not problems:
            return
        for table, rowid, _parent, _fk in problems:
            conn.execute(f'DELETE FROM main."{table}" WHERE rowid = ?', (rowid,))
            report.rows[table] = report.rows.get(table, 1) - 1
        report.lost.append(f"{len(problems)} row(s) whose references were lost were dropped")
