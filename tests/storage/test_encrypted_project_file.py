"""The project file encrypted with SQLCipher (storage/cipher.py): header and version checks
through the key, migrations and their backup encrypted, a wrong key or a plain file refused."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from pathlib import Path

import pytest

from vigstudio.app.defaults import default_codebook
from vigstudio.domain.entities import EntityKind
from vigstudio.domain.project import Case, Participant, Role
from vigstudio.errors import KeyFileError, NewerProjectError, ProjectError
from vigstudio.storage import APPLICATION_ID, Migration, ProjectFile
from vigstudio.storage.cipher import connect, decrypt_header
from vigstudio.storage.migrations import MIGRATIONS, current_version
from vigstudio.storage.project_file import read_encrypted_header

SQLITE = b"SQLite format 3\x00"


def _create(path: Path, key: bytes, migrations: tuple[Migration, ...] = MIGRATIONS) -> None:
    with ProjectFile.create(path, Case("Family Brook", dt.date(2026, 1, 5)),
                            default_codebook(), key=key, migrations=migrations) as pf, \
            pf.transaction() as w:
        w.put(Participant("Zebedee", Role.PERSON))


def test_an_encrypted_file_reads_back_and_shows_nothing(tmp_path: Path) -> None:
    key = os.urandom(32)
    path = tmp_path / "case.vigproj"
    _create(path, key)
    data = path.read_bytes()
    assert not data.startswith(SQLITE) and b"Zebedee" not in data
    assert read_encrypted_header(path, key) == (APPLICATION_ID, current_version())
    with ProjectFile.open(path, key=key) as pf:
        assert pf.encrypted and pf.case().name == "Family Brook"
        assert pf.integrity_check() == []
        assert pf.pragma("journal_mode") == "delete"
        assert [p.pseudonym for p in pf.all(EntityKind.PARTICIPANT)] == ["Zebedee"]  # type: ignore[union-attr]


def test_a_wrong_key_is_refused_and_writes_nothing(tmp_path: Path) -> None:
    key = os.urandom(32)
    path = tmp_path / "case.vigproj"
    _create(path, key)
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in tmp_path.iterdir()}
    assert decrypt_header(path.read_bytes()[:4096], os.urandom(32)) is None
    with pytest.raises(KeyFileError, match="does not open it"):
        ProjectFile.open(path, key=os.urandom(32))
    with pytest.raises(KeyFileError, match="does not open it"):
        ProjectFile.open(path, key=os.urandom(32), read_only=True)
    assert {p.name: (p.read_bytes(), p.stat().st_mtime_ns)
            for p in tmp_path.iterdir()} == before


def test_a_plain_file_opened_with_a_key_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "plain.vigproj"
    ProjectFile.create(path, Case("Plain", dt.date(2026, 1, 5)), default_codebook()).close()
    with pytest.raises(ProjectError, match="not encrypted"):
        ProjectFile.open(path, key=os.urandom(32))


def test_an_older_encrypted_file_is_upgraded_with_an_encrypted_backup(tmp_path: Path) -> None:
    key = os.urandom(32)
    path = tmp_path / "case.vigproj"
    _create(path, key, MIGRATIONS[:-1])
    ran: list[int] = []

    def extra(conn: sqlite3.Connection) -> None:
        ran.append(1)
        conn.execute("CREATE TABLE extra (x INTEGER)")

    newer = (*MIGRATIONS, Migration(len(MIGRATIONS) + 2, "a test table", extra))
    with ProjectFile.open(path, key=key) as pf:  # one version behind: upgraded
        assert pf.schema_version == current_version()
        backup = pf.migration_backup
    assert backup is not None and backup.exists()
    assert not backup.read_bytes().startswith(SQLITE)
    conn = connect(backup, key=key, read_only=True)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == current_version() - 1
    conn.close()
    with ProjectFile.open(path, key=key, migrations=newer) as pf:
        assert ran == [1] and pf.schema_version == current_version(newer)
    with pytest.raises(NewerProjectError):
        ProjectFile.open(path, key=key)
