"""Schema migration: stills carry marks (arrow, circle, short text) drawn over the picture.

Adds ``still.marks`` (JSON text, "" for none) to a file of the previous version; every still
of an upgraded file has no marks. Registered in :data:`vigstudio.storage.migrations.MIGRATIONS`.
"""

from __future__ import annotations

import sqlite3

__all__ = ["DESCRIPTION", "add_still_marks"]

DESCRIPTION = "stills carry marks drawn over the picture"


def add_still_marks(conn: sqlite3.Connection) -> None:
    columns = {row[1] for row in conn.execute("PRAGMA table_info(still)")}
    if "marks" not in columns:
        conn.execute("ALTER TABLE still ADD COLUMN marks TEXT NOT NULL DEFAULT ''")
