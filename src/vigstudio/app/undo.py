"""Undo as data: a command is a list of row steps (before → after) applied in one transaction.

A step with no ``before`` adds an entity, one with no ``after`` removes it. Undo applies the
inverse steps in reverse order; redo applies the steps again with the ids they got the first
time, so redo recreates the same entities (ids are never reused by the project file).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from vigstudio.domain.entities import Entity, EntityKind


@dataclass(frozen=True, slots=True)
class Step:
    kind: EntityKind
    id: int | None  # None only for an add that has not been applied yet
    before: Entity | None
    after: Entity | None

    def inverse(self) -> Step:
        return Step(self.kind, self.id, self.after, self.before)


@dataclass(slots=True)
class Command:
    """One undo step. ``merge_key``: a following command with the same key merges into it."""

    label: str
    steps: list[Step]
    merge_key: str | None = None
    sealed: bool = False  # no further merging (e.g. the drag ended)
    extra: dict[str, object] = field(default_factory=dict)

    def absorb(self, later: Command) -> None:
        """Merge ``later`` (already applied) into this command: one undo step for both."""
        if len(self.steps) == len(later.steps) and all(
                a.kind == b.kind and a.id == b.id and a.before is not None
                and a.after is not None and b.after is not None
                for a, b in zip(self.steps, later.steps, strict=True)):
            self.steps = [replace(a, after=b.after)
                          for a, b in zip(self.steps, later.steps, strict=True)]
        else:
            self.steps = self.steps + later.steps


class UndoStack:
    """Applied commands (undo side) and undone commands (redo side)."""

    def __init__(self, limit: int = 1000) -> None:
        self.limit = limit
        self.done: list[Command] = []
        self.undone: list[Command] = []

    def push(self, command: Command) -> None:
        """Record an applied command, merging it into the last one when the keys match."""
        self.undone.clear()
        top = self.done[-1] if self.done else None
        if (top is not None and command.merge_key is not None and not top.sealed
                and top.merge_key == command.merge_key):
            top.absorb(command)
            return
        self.done.append(command)
        if len(self.done) > self.limit:
            del self.done[0]

    def seal(self) -> None:
        if self.done:
            self.done[-1].sealed = True

    @property
    def can_undo(self) -> bool:
        return bool(self.done)

    @property
    def can_redo(self) -> bool:
        return bool(self.undone)

    @property
    def undo_label(self) -> str | None:
        return self.done[-1].label if self.done else None

    @property
    def redo_label(self) -> str | None:
        return self.undone[-1].label if self.undone else None

    def clear(self) -> None:
        self.done.clear()
        self.undone.clear()
