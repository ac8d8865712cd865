"""The ``.vigproj`` project file: SQLite via SQLAlchemy's typed ORM, migrations, locking."""

from vigstudio.storage.migrations import MIGRATIONS, Migration, current_version
from vigstudio.storage.project_file import APPLICATION_ID, SUFFIX, ProjectFile, Snapshot, Writer
from vigstudio.storage.records import CodebookName, Entity, EntityKind, kind_of

__all__ = [
    "APPLICATION_ID", "MIGRATIONS", "SUFFIX", "CodebookName", "Entity", "EntityKind",
    "Migration", "ProjectFile", "Snapshot", "Writer", "current_version", "kind_of",
]
