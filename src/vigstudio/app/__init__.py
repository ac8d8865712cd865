"""The application layer (no Qt): one open case, undoable edits, change notices."""

from vigstudio.app.changes import Change, Origin, Ref
from vigstudio.app.defaults import ROLE_COLOURS, default_codebook
from vigstudio.app.session import CaseSession, RecordingStatus
from vigstudio.domain.entities import EntityKind

__all__ = [
    "ROLE_COLOURS", "CaseSession", "Change", "EntityKind", "Origin", "RecordingStatus", "Ref",
    "default_codebook",
]
