"""Stills carry marks: a version-1 project file (no ``still.marks`` column) is upgraded, its
stills keep everything and get no marks; marks round-trip through the file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from vigstudio.app.session import CaseSession
from vigstudio.domain.annotations import Mark, MarkKind
from vigstudio.storage.migrations import current_version


def _version_1(path: Path) -> list[tuple[int, str]]:
    """The demo case as version 1 wrote it (tests/storage/data/demo_v1.sql); its stills."""
    conn = sqlite3.connect(path)
    conn.executescript((Path(__file__).parent / "data" / "demo_v1.sql").read_text())
    conn.execute("PRAGMA application_id=1447642963")
    conn.execute("PRAGMA user_version=1")
    conn.commit()
    stills = [(int(f), str(c)) for f, c in conn.execute("SELECT frame, caption FROM still")]
    conn.close()
    return stills


def test_version_1_file_is_upgraded_and_marks_round_trip(tmp_path: Path) -> None:
    demo = tmp_path / "demo-family.vigproj"
    stills = _version_1(demo)
    conn = sqlite3.connect(demo)
    assert "marks" not in {r[1] for r in conn.execute("PRAGMA table_info(still)")}
    conn.close()
    with CaseSession.open(demo) as s:
        assert s.project.schema_version == current_version()
        upgraded = s.stills()
        assert [(t.frame, t.caption) for t in upgraded] == stills
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
