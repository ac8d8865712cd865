"""The shared-review migration upgrades a real version-1 project file (made by VIG Studio
before per-item reflections and the traject plan existed; kept as SQL in data/)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import replace
from pathlib import Path

from vigstudio.app import CaseSession
from vigstudio.domain.review import PlannedDate, TrajectPlan
from vigstudio.storage.migrations import current_version
from vigstudio.storage.project_file import APPLICATION_ID

VERSION1_SQL = Path(__file__).parent / "data" / "version1.sql"


def version1_file(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.executescript(VERSION1_SQL.read_text(encoding="utf-8"))
    conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
    conn.execute("PRAGMA user_version=1")
    conn.commit()
    conn.close()
    return path


def shape(path: Path) -> dict[str, tuple[object, ...]]:
    """Every table's columns (name, type, not null, pk) and references, for comparison."""
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
        out: dict[str, tuple[object, ...]] = {}
        for t in tables:
            cols = tuple(sorted((r[1], r[2], r[3], r[5])
                                for r in conn.execute(f"PRAGMA table_info({t})")))
            fks = tuple(sorted((r[2], r[3], r[4], r[6])
                               for r in conn.execute(f"PRAGMA foreign_key_list({t})")))
            idx = tuple(sorted(r[1] for r in conn.execute(f"PRAGMA index_list({t})")
                               if not r[1].startswith("sqlite_")))
            out[t] = (cols, fks, idx)
        return out
    finally:
        conn.close()


def test_version1_file_is_upgraded_keeping_everything(tmp_path: Path) -> None:
    old = version1_file(tmp_path / "family.vigproj")
    with CaseSession.open(old) as session:
        assert session.project.schema_version == current_version()
        backup = session.project.migration_backup
        assert backup is not None and backup.exists()
        assert session.case().name == "Family V1"
        [review] = session.shared_reviews()
        assert review.parent_reflections == "She waited for me"
        assert review.next_goal == "More waiting"
        assert review.reel_id is None and review.reflections == ()
        assert session.traject_plan() is None
        [reel] = session.reels()
        assert len(reel.items) == 2
        # the new parts work on the upgraded file
        session.update_shared_review(replace(review, reel_id=reel.id))
        words = session.add_item_reflection(review.id, reel.items[0].id, "Ze wachtte op mij",
                                            noted_at=dt.datetime(2026, 1, 20, 10, 5, 7))
        assert words.id is not None
        session.set_traject_plan(TrajectPlan(("Fun together",), 3, 3, 3,
                                             (PlannedDate(dt.date(2026, 2, 1), "film 2"),)))
        assert session.project.integrity_check() == []
    with sqlite3.connect(backup) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    with CaseSession.open(old, read_only=True) as again:
        [review] = again.shared_reviews()
        assert [r.words for r in review.reflections] == ["Ze wachtte op mij"]
        assert review.reflections[0].noted_at == dt.datetime(2026, 1, 20, 10, 5, 7)
        plan = again.traject_plan()
        assert plan is not None and plan.areas == ("Fun together",)


def test_upgraded_file_has_the_shape_of_a_new_file(tmp_path: Path) -> None:
    old = version1_file(tmp_path / "old.vigproj")
    CaseSession.open(old).close()
    CaseSession.create(tmp_path / "new.vigproj", "New").close()
    assert shape(old) == shape(tmp_path / "new.vigproj")
