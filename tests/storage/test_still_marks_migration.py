"""Stills carry marks: a version-1 project file (no ``still.marks`` column) is upgraded, its
stills keep everything and get no marks; marks round-trip through the file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from vigstudio.app.session import CaseSession
from vigstudio.domain.annotations import Mark, MarkKind
from vigstudio.storage.migrations import current_version


def _version_1(path: Path) -> None:
    """Turn a fresh project file into the version-1 layout: no marks column, version 1."""
    conn = sqlite3.connect(path)
    conn.execute("ALTER TABLE still DROP COLUMN marks")
    conn.execute("PRAGMA user_version=1")
    conn.commit()
    conn.close()


def test_version_1_file_is_upgraded_and_marks_round_trip(demo: Path) -> None:
    with CaseSession.open(demo) as s:
        stills = s.stills()
    _version_1(demo)
    conn = sqlite3.connect(demo)
    assert "marks" not in {r[1] for r in conn.execute("PRAGMA table_info(still)")}
    conn.close()
    with CaseSession.open(demo) as s:
        assert s.project.schema_version == current_version()
        upgraded = s.stills()
        assert [(t.frame, t.caption) for t in upgraded] == [(t.frame, t.caption) for t in stills]
        assert all(t.marks == () for t in upgraded)
        from dataclasses import replace

        marks = (Mark(MarkKind.ARROW, 500, 400, 300, 200),
                 Mark(MarkKind.CIRCLE, 600, 500, 650, 500),
                 Mark(MarkKind.TEXT, 500, 900, text="Eye contact — é"))
        s.update_still(replace(upgraded[0], marks=marks))
    backups = list(demo.parent.glob("*.v1-backup.vigproj"))
    assert len(backups) == 1
    with CaseSession.open(demo, read_only=True) as s:
        assert s.still(upgraded[0].id or 0).marks == marks
