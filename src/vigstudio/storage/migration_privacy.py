"""Schema migration: reel purpose, who appears in clips and stills, and the export log.

Upgrades a version-1 file: every existing reel becomes a family-feedback reel (what reels
were made for until now), no clip or still has confirmed participants yet (they are proposed
from the tags until the practitioner confirms them), and the export log starts empty.
"""

from __future__ import annotations

import sqlite3

from vigstudio.storage.migrations import Migration

_STATEMENTS = (
    "ALTER TABLE reel ADD COLUMN purpose VARCHAR(16) DEFAULT 'family' NOT NULL",
    "ALTER TABLE clip ADD COLUMN appears_confirmed BOOLEAN DEFAULT '0' NOT NULL",
    "ALTER TABLE still ADD COLUMN appears_confirmed BOOLEAN DEFAULT '0' NOT NULL",
    """CREATE TABLE appearance (
        id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
        clip_id INTEGER,
        still_id INTEGER,
        participant_id INTEGER NOT NULL,
        position INTEGER NOT NULL,
        CONSTRAINT clip_or_still CHECK ((clip_id IS NULL) <> (still_id IS NULL)),
        FOREIGN KEY(clip_id) REFERENCES clip (id) ON DELETE CASCADE,
        FOREIGN KEY(still_id) REFERENCES still (id) ON DELETE CASCADE,
        FOREIGN KEY(participant_id) REFERENCES participant (id) ON DELETE RESTRICT)""",
    "CREATE INDEX ix_appearance_clip_id ON appearance (clip_id)",
    "CREATE INDEX ix_appearance_still_id ON appearance (still_id)",
    "CREATE INDEX ix_appearance_participant_id ON appearance (participant_id)",
    """CREATE TABLE export_record (
        id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
        what TEXT NOT NULL,
        at DATETIME NOT NULL,
        purpose VARCHAR(16) NOT NULL,
        source TEXT NOT NULL,
        items TEXT NOT NULL,
        files TEXT NOT NULL,
        consents TEXT NOT NULL,
        override TEXT NOT NULL,
        problems TEXT NOT NULL)""",
)


def _apply(conn: sqlite3.Connection) -> None:
    for statement in _STATEMENTS:
        conn.execute(statement)


MIGRATION = Migration(4, "reel purpose, who appears in clips and stills, export log", _apply)

__all__ = ["MIGRATION"]
