"""What the timeline and tagging widgets need from the player.

A Protocol so the widgets name exactly what they use; ``vigstudio.app.player.PlayerController``
satisfies it. The session is ``vigstudio.app.session.CaseSession`` itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol


class PlayerPort(Protocol):
    """Holds the displayed frame; the timeline's playhead follows it and seeks through it."""

    @property
    def position(self) -> int: ...

    def seek(self, frame: int) -> None: ...

    def subscribe(self, listener: Callable[[int], None]) -> Callable[[], None]: ...
