"""The shared review in the room and the traject plan: the parent's words against each reel
item, and the case-level plan of areas for change with agreed numbers and planned dates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class ItemReflection:
    """What the parent said while one reel item was on screen, kept verbatim, with the time.

    ``item_id`` names the reel item (of the review's reel) it was said against. It is a plain
    id, not a reference the file enforces: the reel may be edited after the review and the
    parent's words must survive that.
    """

    item_id: int
    words: str
    noted_at: dt.datetime
    position: int = 0
    id: int | None = field(default=None, kw_only=True)


@dataclass(frozen=True, slots=True)
class PlannedDate:
    """A date agreed in the traject plan: a filming, a shared review, an evaluation."""

    on: dt.date
    what: str


@dataclass(frozen=True, slots=True)
class TrajectPlan:
    """The plan agreed by parent and practitioner for the whole case (one per case)."""

    areas: tuple[str, ...] = ()  # the areas for change, in the family's words
    films: int = 0  # agreed number of films
    feedbacks: int = 0  # agreed number of feedback reels
    reviews: int = 0  # agreed number of shared reviews
    planned: tuple[PlannedDate, ...] = ()
    agreed_on: dt.date | None = None
    id: int | None = field(default=1, kw_only=True)

    def __post_init__(self) -> None:
        if min(self.films, self.feedbacks, self.reviews) < 0:
            raise ValueError("the agreed numbers of films, feedbacks and reviews cannot be "
                             "negative")
