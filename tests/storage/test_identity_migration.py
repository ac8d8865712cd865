"""The migration that gives each case its identity and change counter upgrades a real
version-1 file (as VIG Studio made them before: no ``case_identity`` table)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from vigstudio.domain.project import Participant, Role
from vigstudio.storage import EntityKind, ProjectFile, current_version


def _version_1_file(path: Path) -> Path:
    """A case project exactly as version 1 wrote it (the demo case, kept as SQL): Sam, Alex
    and Jo."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    conn.executescript((Path(__file__).parent / "data" / "demo_v1.sql").read_text())
    conn.execute("PRAGMA application_id=1447642963")
    conn.execute("PRAGMA user_version=1")
    conn.commit()
    conn.close()
    return path


def test_a_version_1_file_gets_an_identity_and_counts_its_changes(tmp_path: Path) -> None:
    path = _version_1_file(tmp_path / "old.vigproj")
    with ProjectFile.open(path) as pf:
        assert pf.schema_version == current_version()
        assert pf.migration_backup is not None and pf.migration_backup.exists()
        assert pf.case_uuid is not None and len(pf.case_uuid) == 36
        first_uuid = pf.case_uuid
        with pf.transaction() as w:
            w.put(Participant("Robin", Role.PARTNER))
        assert integrity_ok(path)
    conn = sqlite3.connect(path)
    uuid, serial = conn.execute("SELECT uuid, serial FROM case_identity").fetchone()
    names = [r[0] for r in conn.execute("SELECT pseudonym FROM participant ORDER BY id")]
    conn.close()
    assert uuid == first_uuid and serial == 1  # made at 0 by the upgrade, one edit since
    assert names == ["Sam", "Alex", "Jo", "Robin"]
    backup = sqlite3.connect(tmp_path / "old.v1-backup.vigproj")
    assert backup.execute("SELECT name FROM sqlite_master WHERE name='case_identity'"
                          ).fetchall() == []
    backup.close()


def test_two_upgraded_files_get_different_identities(tmp_path: Path) -> None:
    a = _version_1_file(tmp_path / "a.vigproj")
    (tmp_path / "b").mkdir()
    b = _version_1_file(tmp_path / "b" / "a.vigproj")
    with ProjectFile.open(a) as pa, ProjectFile.open(b) as pb:
        assert pa.case_uuid != pb.case_uuid


def integrity_ok(path: Path) -> bool:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()


OLD_WRITER_KILLED = """
import os, signal, sqlite3, sys
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("PRAGMA cache_size=1")
c.execute("BEGIN IMMEDIATE")
c.execute("UPDATE case_info SET name = 'half-written'")
for i in range(300):
    c.execute("INSERT INTO participant (pseudonym, role, colour) VALUES (?, 'other', '#808080')",
              ("x" * 300,))
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_version_1_files_own_journal_is_still_rolled_back(tmp_path: Path) -> None:
    """A crash of an older VIG Studio leaves a journal without an identity: it is trusted (it
    cannot be checked) and rolled back, then the file is upgraded."""
    import subprocess
    import sys

    path = _version_1_file(tmp_path / "old.vigproj")
    subprocess.run([sys.executable, "-c", OLD_WRITER_KILLED, str(path)], check=False)
    assert Path(f"{path}-journal").exists()
    with ProjectFile.open(path) as pf:
        assert pf.notices == ()
        assert pf.case().name == "Demo family (Rivers)"
        assert [p.pseudonym for p in pf.all(EntityKind.PARTICIPANT)] == ["Sam", "Alex", "Jo"]  # type: ignore[union-attr]
        assert pf.integrity_check() == []
