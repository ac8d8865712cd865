"""A real version-1 project file (built from the version-1 schema, with a reel, a clip and a
still) is upgraded: reels become family-feedback reels, who appears is not yet confirmed,
the export log starts empty, and the new data can be written."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from vigstudio.app.session import CaseSession
from vigstudio.domain.privacy import ExportRecord, Purpose
from vigstudio.storage.migrations import current_version
from vigstudio.storage.project_file import APPLICATION_ID

V1_SCHEMA = Path(__file__).parent / "data" / "schema_v1.sql"


def _version_1_file(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.executescript(V1_SCHEMA.read_text(encoding="utf-8"))
    conn.executescript("""
        INSERT INTO case_info VALUES (1, 'Family V', '2025-03-01', '', NULL);
        INSERT INTO codebook VALUES (1, 'VIG');
        INSERT INTO principle VALUES (1, 'attentive', 'Being attentive', '#2e86c1', '1', '', 0);
        INSERT INTO participant VALUES (1, 'Sam', 'person', '#e8a33d');
        INSERT INTO recording (id, path, fingerprint, kind, title, container, video_codec,
            width, height, rotation, frame_rate, variable_frame_rate, frame_count, duration,
            time_base, start_pts, truncated, warnings)
            VALUES (1, 'film.mp4', '1000:aaaa:bbbb', 'family_film', 'Film', 'mp4', 'h264',
                    640, 360, 0, '25/1', 0, 250, '10/1', '1/12800', 0, 0, '[]');
        INSERT INTO moment VALUES (1, 1, 20, 1, 1, NULL, '', 'strength', NULL);
        INSERT INTO clip VALUES (1, 1, 10, 40, 'Turn', '', 'private');
        INSERT INTO still VALUES (1, 1, 22, 'Smile');
        INSERT INTO reel VALUES (1, 'Cycle 1', NULL);
        INSERT INTO reel_item (id, reel_id, position, kind, clip_id, still_id, title_text,
            caption, burn_caption, speed, freeze_last, hold)
            VALUES (1, 1, 0, 'clip', 1, NULL, '', '', 0, '1/1', '0/1', '4/1');
    """)
    conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
    conn.execute("PRAGMA user_version=1")
    conn.commit()
    conn.close()


def test_a_version_1_file_is_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "old.vigproj"
    _version_1_file(path)
    with CaseSession.open(path) as s:
        assert s.project.schema_version == current_version() > 1
        assert s.project.migration_backup is not None and s.project.migration_backup.exists()
        reel = s.reel_by_name("Cycle 1")
        assert reel.purpose is Purpose.FAMILY and len(reel.items) == 1
        clip, still = s.clip(1), s.still(1)
        assert clip.appears is None and still.appears is None  # proposed, not confirmed
        assert s.appears_in_clip(1) == (1,) and s.appears_in_still(1) == (1,)
        assert s.export_log() == []
        s.set_clip_appears(1, [1])
        s.set_reel_purpose(reel.id or 0, Purpose.SUPERVISION)
        s.log_export(ExportRecord("stills", dt.datetime(2026, 2, 1, 10, 0), Purpose.FAMILY,
                                  files=("/x/01.png",)))
    with CaseSession.open(path, read_only=True) as s:
        assert s.clip(1).appears == (1,) and s.reel(1).purpose is Purpose.SUPERVISION
        assert [r.files for r in s.export_log()] == [("/x/01.png",)]
        assert s.project.integrity_check() == []
