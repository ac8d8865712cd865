"""How long a reel's items and the whole reel play: slow motion, freezes and holds included.

The same arithmetic as the export (a clip's frames span from its first frame's start to the
end of its last frame, divided by the speed, plus the freeze), so the lengths shown in the
reel editor are the lengths of the exported film.
"""

from __future__ import annotations

from fractions import Fraction

from vigstudio.app.session import CaseSession
from vigstudio.app.timeline_geometry import TimeLabels
from vigstudio.domain.reels import ItemKind, Reel, ReelItem

__all__ = ["clip_seconds", "item_seconds", "reel_seconds"]


def clip_seconds(session: CaseSession, clip_id: int) -> Fraction:
    """A clip's own length at normal speed."""
    clip = session.clip(clip_id)
    labels = TimeLabels.of(session.recording(clip.recording_id).info)
    return labels.seconds_at(clip.range.end) - labels.seconds_at(clip.range.start)


def item_seconds(session: CaseSession, item: ReelItem) -> Fraction:
    """How long the item plays in the reel."""
    if item.kind is ItemKind.CLIP and item.clip_id is not None:
        return clip_seconds(session, item.clip_id) / item.speed + item.freeze_last
    return item.hold


def reel_seconds(session: CaseSession, reel: Reel) -> Fraction:
    """The whole reel's length."""
    return sum((item_seconds(session, item) for item in reel.items), Fraction(0))
