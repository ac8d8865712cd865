"""Schema 2: the frame index in display order, and the source's colour tags.

Recordings keep the keys the decoder gives their frames where those keys do not rise with
the frame number (``MediaInfo.frame_keys``), and the colour primaries, transfer, matrix and
range the source declares (carried into exports). Existing recordings get NULL: they were
probed before, and a re-probe (relinking, or the next import) fills them.
"""

from __future__ import annotations

import sqlite3

_COLUMNS = (
    ("frame_keys", "BLOB"),
    ("color_primaries", "VARCHAR(32)"),
    ("color_transfer", "VARCHAR(32)"),
    ("color_space", "VARCHAR(32)"),
    ("color_range", "VARCHAR(8)"),
)


def add_frame_index_columns(conn: sqlite3.Connection) -> None:
    have = {row[1] for row in conn.execute("PRAGMA table_info(recording)")}
    for name, kind in _COLUMNS:
        if name not in have:
            conn.execute(f"ALTER TABLE recording ADD COLUMN {name} {kind}")
