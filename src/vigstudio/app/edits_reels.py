"""Feedback reels: an ordered list of clips, stills and title cards."""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction
from typing import Any

from vigstudio.app.session_core import (
    SessionCore,
    domain_edit,
    renumber,
)
from vigstudio.domain.privacy import Purpose
from vigstudio.domain.reels import ItemKind, Reel, ReelItem, reordered
from vigstudio.errors import (
    InUseError,
    InvalidEditError,
    NotFoundError,
)


class ReelEdits(SessionCore):
    """Feedback reels: an ordered list of clips, stills and title cards."""

    def new_reel(self, name: str, *, cycle_id: int | None = None,
                 purpose: Purpose | str = Purpose.FAMILY) -> Reel:
        """A new, empty reel for ``purpose`` (family feedback, supervision or training)."""
        try:
            chosen = Purpose(purpose)
        except ValueError:
            known = ", ".join(p.value for p in Purpose)
            raise InvalidEditError(f"unknown purpose {purpose!r} (one of: {known})") from None
        reel = Reel(name.strip(), cycle_id, purpose=chosen)
        self._check_reel(reel)
        return self._add(f"New reel {reel.name}", reel)

    def rename_reel(self, reel_id: int, name: str) -> Reel:
        before = self.reel(reel_id)
        after = replace(before, name=name.strip())
        self._check_reel(after)
        return self._update("Rename reel", before, after)

    def set_reel_cycle(self, reel_id: int, cycle_id: int | None) -> Reel:
        before = self.reel(reel_id)
        after = replace(before, cycle_id=cycle_id)
        self._check_reel(after)
        return self._update("Change reel cycle", before, after)

    def delete_reel(self, reel_id: int) -> None:
        reel = self.reel(reel_id)
        reviews = [r for r in self.shared_reviews() if r.reel_id == reel_id]
        if reviews:
            raise InUseError(f"reel {reel.name!r} was watched in {len(reviews)} shared "
                             "review(s) and keeps the parent's words; it cannot be deleted")
        self._run_one(f"Delete reel {reel.name}", reel, None)

    def add_reel_item(self, reel_id: int, item: ReelItem, index: int | None = None) -> ReelItem:
        """Insert ``item`` at ``index`` (default: the end); returns it with its id."""
        reel = self.reel(reel_id)
        self._check_item(item)
        items = list(reel.items)
        index = len(items) if index is None else index
        if not 0 <= index <= len(items):
            raise InvalidEditError(f"position {index} is outside the reel")
        items.insert(index, replace(item, id=None))
        label = {ItemKind.CLIP: "Add clip to reel", ItemKind.STILL: "Add still to reel",
                 ItemKind.TITLE: "Add title card"}[item.kind]
        stored = self._update(label, reel, replace(reel, items=renumber(items)))
        return stored.items[index]

    def add_clip_to_reel(self, reel_id: int, clip_id: int, *, index: int | None = None,
                         caption: str = "", speed: Fraction = Fraction(1)) -> ReelItem:
        item = _item(ItemKind.CLIP, clip_id=clip_id, caption=caption, speed=speed)
        return self.add_reel_item(reel_id, item, index)

    def add_still_to_reel(self, reel_id: int, still_id: int, *, index: int | None = None,
                          caption: str = "", hold: Fraction = Fraction(4)) -> ReelItem:
        item = _item(ItemKind.STILL, still_id=still_id, caption=caption, hold=hold)
        return self.add_reel_item(reel_id, item, index)

    def add_title_card(self, reel_id: int, text: str, *, index: int | None = None,
                       hold: Fraction = Fraction(4)) -> ReelItem:
        return self.add_reel_item(reel_id, _item(ItemKind.TITLE, title_text=text, hold=hold),
                                  index)

    def remove_reel_item(self, reel_id: int, item_id: int) -> None:
        reel = self.reel(reel_id)
        self._item_index(reel, item_id)
        items = [i for i in reel.items if i.id != item_id]
        self._update("Remove from reel", reel, replace(reel, items=renumber(items)))

    def move_reel_item(self, reel_id: int, old_index: int, new_index: int) -> Reel:
        reel = self.reel(reel_id)
        items = domain_edit(reordered, reel.items, old_index, new_index)
        return self._update("Reorder reel", reel, replace(reel, items=items))

    def update_reel_item(self, reel_id: int, item_id: int, *, caption: str | None = None,
                         burn_caption: bool | None = None, speed: Fraction | None = None,
                         freeze_last: Fraction | None = None, hold: Fraction | None = None,
                         title_text: str | None = None) -> ReelItem:
        """Change an item's settings; arguments left as None keep their value."""
        reel = self.reel(reel_id)
        index = self._item_index(reel, item_id)
        old = reel.items[index]
        changes: dict[str, Any] = {k: v for k, v in {
            "caption": caption, "burn_caption": burn_caption,
            "speed": None if speed is None else Fraction(speed),
            "freeze_last": None if freeze_last is None else Fraction(freeze_last),
            "hold": None if hold is None else Fraction(hold),
            "title_text": title_text}.items() if v is not None}
        new = domain_edit(replace, old, **changes)
        items = list(reel.items)
        items[index] = new
        return self._update("Change reel item", reel,
                            replace(reel, items=tuple(items))).items[index]

    def _item_index(self, reel: Reel, item_id: int) -> int:
        for i, item in enumerate(reel.items):
            if item.id == item_id:
                return i
        raise NotFoundError(f"reel {reel.name!r} has no item with id {item_id}")

    def _check_reel(self, reel: Reel) -> None:
        if not reel.name:
            raise InvalidEditError("a reel needs a name")
        for other in self.reels():
            if other.id != reel.id and other.name == reel.name:
                raise InvalidEditError(f"there is already a reel called {reel.name!r}")
        if reel.cycle_id is not None:
            self.cycle(reel.cycle_id)

    def _check_item(self, item: ReelItem) -> None:
        if item.clip_id is not None:
            self.clip(item.clip_id)
        if item.still_id is not None:
            self.still(item.still_id)


def _item(kind: ItemKind, **fields: Any) -> ReelItem:
    return domain_edit(ReelItem, kind, **fields)
