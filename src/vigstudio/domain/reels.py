"""The edit (feedback reel): an ordered list of clips, stills and title cards.

Positions inside a reel are computed from the items' order and lengths, never stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from fractions import Fraction

from vigstudio.domain.privacy import Purpose


class ItemKind(StrEnum):
    CLIP = "clip"
    STILL = "still"
    TITLE = "title"  # a card with text, e.g. the helping question in the parent's words


MAX_HOLD_SECONDS = 600  # a still, title card or freeze longer than 10 minutes is a typo


@dataclass(frozen=True, slots=True)
class ReelItem:
    """One item of a reel. Exactly one of ``clip_id``/``still_id``/``title_text`` applies."""

    kind: ItemKind
    position: int = 0
    clip_id: int | None = None
    still_id: int | None = None
    title_text: str = ""
    caption: str = ""
    burn_caption: bool = False
    speed: Fraction = Fraction(1)  # 1/2 plays a clip in slow motion at half speed
    freeze_last: Fraction = Fraction(0)  # seconds to hold a clip's last frame
    hold: Fraction = Fraction(4)  # seconds a still or title card is shown
    id: int | None = field(default=None, kw_only=True)

    def __post_init__(self) -> None:
        if self.kind is ItemKind.CLIP and self.clip_id is None:
            raise ValueError("a clip item needs a clip")
        if self.kind is ItemKind.STILL and self.still_id is None:
            raise ValueError("a still item needs a still")
        if self.kind is ItemKind.TITLE and not self.title_text.strip():
            raise ValueError("a title card needs text")
        if not Fraction(1, 8) <= self.speed <= 4:
            raise ValueError(f"speed {self.speed} is outside 1/8–4")
        if self.freeze_last < 0 or self.hold <= 0:
            raise ValueError("freeze and hold times must not be negative")
        if self.freeze_last > MAX_HOLD_SECONDS or self.hold > MAX_HOLD_SECONDS:
            raise ValueError(f"freeze and hold times are at most {MAX_HOLD_SECONDS} seconds "
                             "(10 minutes)")


@dataclass(frozen=True, slots=True)
class Reel:
    name: str
    cycle_id: int | None = None
    items: tuple[ReelItem, ...] = ()
    purpose: Purpose = Purpose.FAMILY  # chosen when the reel is made; the exits check it
    id: int | None = field(default=None, kw_only=True)


def reordered(items: Sequence[ReelItem], old_index: int, new_index: int) -> tuple[ReelItem, ...]:
    """Move the item at ``old_index`` to ``new_index`` and renumber positions from 0."""
    moved = list(items)
    if not (0 <= old_index < len(moved) and 0 <= new_index < len(moved)):
        raise IndexError(f"cannot move item {old_index} to {new_index} in a reel of {len(moved)}")
    moved.insert(new_index, moved.pop(old_index))
    return tuple(replace(item, position=i) for i, item in enumerate(moved))
