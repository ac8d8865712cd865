"""The application layer (no Qt): one open case, undoable edits, change notices.

The names below are loaded when first used (PEP 562), so that importing one light module of
the package (:mod:`vigstudio.app.warmup`) does not import the session, the storage layer and
SQLAlchemy with it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from vigstudio.app.changes import Change, Origin, Ref
    from vigstudio.app.defaults import ROLE_COLOURS, default_codebook
    from vigstudio.app.session import CaseSession, RecordingStatus
    from vigstudio.domain.entities import EntityKind

__all__ = [
    "ROLE_COLOURS", "CaseSession", "Change", "EntityKind", "Origin", "RecordingStatus", "Ref",
    "default_codebook",
]


def __getattr__(name: str) -> Any:
    module: Any
    if name in {"Change", "Origin", "Ref"}:
        from vigstudio.app import changes as module
    elif name in {"ROLE_COLOURS", "default_codebook"}:
        from vigstudio.app import defaults as module
    elif name in {"CaseSession", "RecordingStatus"}:
        from vigstudio.app import session as module
    elif name == "EntityKind":
        from vigstudio.domain import entities as module
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(module, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
