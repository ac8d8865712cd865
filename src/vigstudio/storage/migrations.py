"""Schema versions of the project file and the ordered migrations between them.

Version 1 is the schema in :mod:`vigstudio.storage.schema`. A later schema change adds a
:class:`Migration` to :data:`MIGRATIONS` (version 2, 3, ...) and keeps a version-1 file as a
test fixture. Migrations run in one transaction, after a backup copy of the file is taken.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from vigstudio.errors import ProjectError
from vigstudio.storage import cipher, migration_frame_index, migration_still_marks
from vigstudio.storage.identity import add_case_identity, bump_serial

FIRST_VERSION = 1


@dataclass(frozen=True, slots=True)
class Migration:
    """Turns a file of schema ``version - 1`` into ``version``, on an open sqlite3 connection
    inside a transaction (do not commit in ``apply``)."""

    version: int
    description: str
    apply: Callable[[sqlite3.Connection], None]


def _registered() -> tuple[Migration, ...]:
    from vigstudio.storage import migration_privacy
    from vigstudio.storage.migration_review import SHARED_REVIEW_MIGRATION

    return (
        Migration(2, "frame index in display order; colour tags",
                  migration_frame_index.add_frame_index_columns),
        SHARED_REVIEW_MIGRATION,
        migration_privacy.MIGRATION,
        Migration(5, migration_still_marks.DESCRIPTION, migration_still_marks.add_still_marks),
        Migration(6, "case identity and change counter (storage/identity.py)",
                  add_case_identity),
    )


MIGRATIONS: tuple[Migration, ...] = _registered()


def identity_version(migrations: Sequence[Migration] = MIGRATIONS) -> int | None:
    """The schema version from which files carry a case identity (None: never)."""
    for migration in migrations:
        if migration.apply is add_case_identity:
            return migration.version
    return None


def current_version(migrations: Sequence[Migration] = MIGRATIONS) -> int:
    """The schema version this program writes; checks the migrations are in order."""
    for expected, migration in enumerate(migrations, start=FIRST_VERSION + 1):
        if migration.version != expected:
            raise ValueError(f"migration {migration.description!r} has version "
                             f"{migration.version}, expected {expected}")
    return FIRST_VERSION + len(migrations)


def backup_path_for(path: Path, version: int) -> Path:
    """A free name beside ``path`` for the pre-upgrade copy, e.g. ``case.v1-backup.vigproj``."""
    candidate = path.with_name(f"{path.stem}.v{version}-backup{path.suffix}")
    n = 2
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}.v{version}-backup-{n}{path.suffix}")
        n += 1
    return candidate


def migrate(path: Path, from_version: int,
            migrations: Sequence[Migration] = MIGRATIONS, *,
            key: bytes | None = None) -> Path | None:
    """Upgrade the file at ``path`` to the current version; return the backup's path.

    All pending migrations and the version bump run in one transaction: if one fails, the
    file is left as it was (and the backup is there too).
    """
    target = current_version(migrations)
    if from_version >= target:
        return None
    backup = backup_path_for(path, from_version)
    src = cipher.connect(path, key=key)
    try:
        dst = cipher.connect(backup, key=key)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    conn = cipher.connect(path, key=key, isolation_level=None)
    try:
        conn.execute("PRAGMA foreign_keys=OFF")  # SQLite's advice for schema changes
        conn.execute("BEGIN IMMEDIATE")
        try:
            bump_serial(conn)  # puts the identity page in this journal (storage/journal.py)
            for migration in migrations[from_version - FIRST_VERSION:]:
                migration.apply(conn)
                conn.execute(f"PRAGMA user_version={int(migration.version)}")
            problems = conn.execute("PRAGMA foreign_key_check").fetchall()
            if problems:
                raise ProjectError(f"upgrade would break references: {problems[:3]}")
            conn.execute("COMMIT")
        except (sqlite3.Error, cipher.CipherError, ProjectError) as exc:
            conn.execute("ROLLBACK")
            backup.unlink(missing_ok=True)  # the file is unchanged: no copy piles up per try
            raise ProjectError(
                f"could not upgrade {path.name} from version {from_version}: {exc}. "
                "The file is unchanged.") from exc
    finally:
        conn.close()
    return backup
