"""Migration: the shared review in the room and the traject plan.

Adds to a file of the previous version:

* ``shared_review.reel_id`` (the reel watched together) and
  ``shared_review.helping_question_id`` (the helping question the review addressed);
* ``review_reflection``: the parent's words typed against each reel item, with the time;
* ``traject_plan``: the case's plan (areas for change, agreed numbers, planned dates).

The DDL is written out here (not taken from ``schema.py``) so the migration stays what it
was when later versions change the schema again. Existing reviews keep their free-text
reflections; they simply have no per-item words yet.
"""

from __future__ import annotations

import sqlite3

from vigstudio.storage.migrations import Migration

_COLUMNS = (
    ("reel_id", "INTEGER REFERENCES reel (id) ON DELETE RESTRICT"),
    ("helping_question_id", "INTEGER REFERENCES helping_question (id) ON DELETE RESTRICT"),
)

_DDL = (
    """CREATE TABLE IF NOT EXISTS review_reflection (
        id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
        review_id INTEGER NOT NULL,
        item_id INTEGER NOT NULL,
        words TEXT NOT NULL,
        noted_at DATETIME NOT NULL,
        position INTEGER NOT NULL,
        FOREIGN KEY(review_id) REFERENCES shared_review (id) ON DELETE CASCADE
    )""",
    "CREATE INDEX IF NOT EXISTS ix_review_reflection_review_id "
    "ON review_reflection (review_id)",
    """CREATE TABLE IF NOT EXISTS traject_plan (
        id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
        areas TEXT NOT NULL,
        films INTEGER NOT NULL,
        feedbacks INTEGER NOT NULL,
        reviews INTEGER NOT NULL,
        planned TEXT NOT NULL,
        agreed_on DATE,
        CONSTRAINT one_plan CHECK (id = 1)
    )""",
)


def _apply(conn: sqlite3.Connection) -> None:
    """Idempotent: parts already there (a file made by a newer build) are left alone."""
    have = {row[1] for row in conn.execute("PRAGMA table_info(shared_review)")}
    for name, kind in _COLUMNS:
        if name not in have:
            conn.execute(f"ALTER TABLE shared_review ADD COLUMN {name} {kind}")
    for statement in _DDL:
        conn.execute(statement)


SHARED_REVIEW_MIGRATION = Migration(
    3, "shared review: the parent's words per reel item, the traject plan", _apply)
