"""The ``.vigproj`` project file: SQLite via SQLAlchemy's typed ORM, migrations, locking."""

from vigstudio.domain.entities import CodebookName, Entity, EntityKind, kind_of
from vigstudio.storage.migrations import MIGRATIONS, Migration, current_version
from vigstudio.storage.project_file import APPLICATION_ID, SUFFIX, ProjectFile, Snapshot, Writer

__all__ = [
    "APPLICATION_ID", "MIGRATIONS", "SUFFIX", "CodebookName", "Entity", "EntityKind",
    "Migration", "ProjectFile", "Snapshot", "Writer", "current_version", "kind_of",
]
