"""The selected moments, clips and stills, shared by the timeline and the list panel."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QObject, Signal


class AnnotationSelection(QObject):
    """Ids of selected moments, clips and stills; ``changed`` fires after every change."""

    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.moments: frozenset[int] = frozenset()
        self.clips: frozenset[int] = frozenset()
        self.stills: frozenset[int] = frozenset()

    def set(self, *, moments: Iterable[int] = (), clips: Iterable[int] = (),
            stills: Iterable[int] = ()) -> None:
        new = (frozenset(moments), frozenset(clips), frozenset(stills))
        if new != (self.moments, self.clips, self.stills):
            self.moments, self.clips, self.stills = new
            self.changed.emit()

    def toggle(self, *, moment: int | None = None, clip: int | None = None,
               still: int | None = None) -> None:
        self.set(moments=_toggled(self.moments, moment), clips=_toggled(self.clips, clip),
                 stills=_toggled(self.stills, still))

    def clear(self) -> None:
        self.set()

    def forget(self, *, moments: Iterable[int] = (), clips: Iterable[int] = (),
               stills: Iterable[int] = ()) -> None:
        """Drop ids that no longer exist (after a delete or an undo)."""
        self.set(moments=self.moments - set(moments), clips=self.clips - set(clips),
                 stills=self.stills - set(stills))

    def contains(self, kind: str, item_id: int) -> bool:
        """Is the ``kind`` ("moment", "clip", "still") with this id selected?"""
        return item_id in {"moment": self.moments, "clip": self.clips,
                           "still": self.stills}[kind]

    @property
    def is_empty(self) -> bool:
        return not (self.moments or self.clips or self.stills)


def _toggled(ids: frozenset[int], item: int | None) -> frozenset[int]:
    if item is None:
        return ids
    return ids - {item} if item in ids else ids | {item}
