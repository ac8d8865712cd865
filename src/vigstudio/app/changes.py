"""What an edit changed, so each view can decide what to redraw (no Qt here).

Every applied command, undo and redo announces one :class:`Change` to the session's
subscribers. The GUI adapts this to a Qt signal.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import NamedTuple

from vigstudio.domain.entities import EntityKind


class Ref(NamedTuple):
    """One stored entity: its kind and id."""

    kind: EntityKind
    id: int


class Origin(StrEnum):
    DO = "do"  # a new edit
    UNDO = "undo"
    REDO = "redo"


@dataclass(frozen=True, slots=True)
class Change:
    """Entities added, updated and removed by one step, with the step's label."""

    label: str
    origin: Origin = Origin.DO
    added: frozenset[Ref] = field(default_factory=frozenset)
    updated: frozenset[Ref] = field(default_factory=frozenset)
    removed: frozenset[Ref] = field(default_factory=frozenset)

    @property
    def refs(self) -> frozenset[Ref]:
        return self.added | self.updated | self.removed

    @property
    def kinds(self) -> frozenset[EntityKind]:
        return frozenset(ref.kind for ref in self.refs)

    @property
    def is_empty(self) -> bool:
        return not self.refs

    def touches(self, *kinds: EntityKind) -> bool:
        return any(ref.kind in kinds for ref in self.refs)

    def ids(self, kind: EntityKind) -> frozenset[int]:
        """Ids of ``kind`` added, updated or removed."""
        return frozenset(ref.id for ref in self.refs if ref.kind is kind)

    def added_ids(self, kind: EntityKind) -> frozenset[int]:
        return frozenset(ref.id for ref in self.added if ref.kind is kind)

    def updated_ids(self, kind: EntityKind) -> frozenset[int]:
        return frozenset(ref.id for ref in self.updated if ref.kind is kind)

    def removed_ids(self, kind: EntityKind) -> frozenset[int]:
        return frozenset(ref.id for ref in self.removed if ref.kind is kind)

    @classmethod
    def between(cls, label: str, origin: Origin,
                steps: Iterable[tuple[Ref, bool, bool]]) -> Change:
        """Net change from ``(ref, existed_before, exists_after)`` steps, in order."""
        first: dict[Ref, bool] = {}
        last: dict[Ref, bool] = {}
        for ref, before, after in steps:
            first.setdefault(ref, before)
            last[ref] = after
        added = {r for r in last if not first[r] and last[r]}
        removed = {r for r in last if first[r] and not last[r]}
        updated = {r for r in last if first[r] and last[r]}
        return cls(label, origin, frozenset(added), frozenset(updated), frozenset(removed))
