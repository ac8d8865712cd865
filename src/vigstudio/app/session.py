"""One open case project: read queries, every edit as an undoable command, change notices.

:class:`CaseSession` combines the core (:mod:`vigstudio.app.session_core`: opening, undo,
notices, queries) with one mixin of edit methods per area (``edits_*`` modules).
"""

from __future__ import annotations

from vigstudio.app.edits_annotations import AnnotationEdits
from vigstudio.app.edits_case import CaseEdits
from vigstudio.app.edits_codebook import CodebookEdits
from vigstudio.app.edits_interchange import InterchangeEdits
from vigstudio.app.edits_media import RecordingEdits
from vigstudio.app.edits_privacy import PrivacyEdits
from vigstudio.app.edits_reels import ReelEdits
from vigstudio.app.edits_review import ReviewEdits
from vigstudio.app.session_core import RecordingStatus, SessionCore

__all__ = ["CaseSession", "RecordingStatus", "SessionCore"]


class CaseSession(CaseEdits, RecordingEdits, CodebookEdits, AnnotationEdits, ReelEdits,
                  InterchangeEdits, ReviewEdits, PrivacyEdits):
    """The application's handle on one case project. Not thread-safe: use from one thread."""
