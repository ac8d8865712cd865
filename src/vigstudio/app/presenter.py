"""Presenter mode without Qt: the reel shown to the parent, one item at a time.

:func:`open_presentation` is the one door into presenter mode (the GUI's View ▸ Present reel,
F5, and ``vigstudio present`` all go through it), so a check such as consent can be put in
front of it. A :class:`Presentation` drives the app's one
:class:`~vigstudio.app.player.PlayerController`: entering an item plays a clip from its in
point at its speed and **pauses on its last frame**; a still or title card stays on screen
until the practitioner moves on. Nothing advances by itself: the parent talks, the
practitioner listens.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

from vigstudio.app.player import PlayerController
from vigstudio.app.session import CaseSession, RecordingStatus
from vigstudio.domain.reels import ItemKind, Reel, ReelItem
from vigstudio.domain.time import FrameRange
from vigstudio.errors import InvalidEditError, VigError
from vigstudio.media.playback import MIN_RATE

__all__ = ["Presentation", "Slide", "open_presentation", "slides_of"]

SLOW_FACTOR = Fraction(1, 2)  # S halves the item's speed (a 1/2× clip goes to 1/4×)


@dataclass(frozen=True, slots=True)
class Slide:
    """What one reel item shows in presenter mode (no file names, no tags, no notes)."""

    index: int
    item: ReelItem
    recording_id: int | None = None  # clips and stills
    frames: FrameRange | None = None  # clips
    frame: int | None = None  # stills
    text: str = ""  # a title card's text
    caption: str = ""  # shown in large type (stills, title cards) or burned in (clips)
    available: bool = True  # False: the film is not on this computer

    @property
    def kind(self) -> ItemKind:
        return self.item.kind

    @property
    def item_id(self) -> int:
        assert self.item.id is not None
        return self.item.id


def slides_of(session: CaseSession, reel: Reel) -> tuple[Slide, ...]:
    """The reel's items as slides, in order."""
    slides: list[Slide] = []
    for index, item in enumerate(reel.items):
        if item.kind is ItemKind.CLIP:
            assert item.clip_id is not None
            clip = session.clip(item.clip_id)
            caption = (item.caption or clip.caption) if item.burn_caption else ""
            slides.append(Slide(index, item, clip.recording_id, frames=clip.range,
                                caption=caption,
                                available=_online(session, clip.recording_id)))
        elif item.kind is ItemKind.STILL:
            assert item.still_id is not None
            still = session.still(item.still_id)
            slides.append(Slide(index, item, still.recording_id, frame=still.frame,
                                caption=item.caption or still.caption,
                                available=_online(session, still.recording_id)))
        else:
            slides.append(Slide(index, item, text=item.title_text, caption=item.caption))
    return tuple(slides)


def _online(session: CaseSession, recording_id: int) -> bool:
    return session.recording_status(recording_id) is RecordingStatus.ONLINE


def open_presentation(session: CaseSession, reel: Reel | int | str,
                      player: PlayerController, *,
                      override: str | None = None) -> Presentation:
    """Presenter mode's single entry: the reel (by object, id or name) ready to show.

    Showing the reel is an exit like exporting it: the check of consent and the parent's
    decisions runs for the reel's purpose first (``ConsentCheckError`` names what is missing;
    an override needs a written reason), and the showing is written in the export log.
    Raises a :class:`~vigstudio.errors.VigError` with a message for the practitioner when the
    reel cannot be presented (unknown, or empty).
    """
    from vigstudio.app.exits import Exit, clear_exit, log_exit, reel_to_check

    if isinstance(reel, str):
        reel = session.reel_by_name(reel)
    elif isinstance(reel, int):
        reel = session.reel(reel)
    if not reel.items:
        raise InvalidEditError(f"The reel {reel.name!r} is empty: add clips, stills or a "
                               "title card before presenting it.")
    clearance = clear_exit(session, Exit.PRESENTER, reel_to_check(session, reel), reel.purpose,
                           source=f"reel “{reel.name}”", override=override)
    presentation = Presentation(session, reel, player)
    log_exit(session, clearance, ["shown on screen"])
    return presentation


class Presentation:
    """Walks a reel's slides on a player. Listeners hear of every slide change and of play,
    pause and the end of an item (through the player's own state notices)."""

    def __init__(self, session: CaseSession, reel: Reel, player: PlayerController) -> None:
        self.session = session
        self.reel = reel
        self.player = player
        self.slides = slides_of(session, reel)
        self.index = -1
        self.slow = False
        self.error: str | None = None
        self._loaded: int | None = None
        self._listeners: list[Callable[[], None]] = []

    # --- what the view reads ------------------------------------------------------------

    @property
    def slide(self) -> Slide:
        return self.slides[self.index]

    @property
    def count(self) -> int:
        return len(self.slides)

    @property
    def rate(self) -> Fraction:
        """The speed a clip plays at now: its own, halved in slow motion."""
        speed = self.slide.item.speed if self.index >= 0 else Fraction(1)
        return max(MIN_RATE, speed * SLOW_FACTOR) if self.slow else speed

    @property
    def at_end(self) -> bool:
        """Paused at the end of the item: a clip on its last frame, or any still or card."""
        slide = self.slide
        if slide.frames is None or not slide.available:
            return True
        return not self.player.is_playing and self.player.position == slide.frames.last

    def subscribe(self, listener: Callable[[], None]) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    # --- moving through the reel --------------------------------------------------------

    def show(self, index: int, *, play: bool = True) -> None:
        """Go to item ``index`` (clamped); a clip starts playing from its in point."""
        index = max(0, min(index, self.count - 1))
        if self.player.is_playing:
            self.player.pause()
        self.index = index
        self.error = None
        slide = self.slide
        if slide.recording_id is not None and slide.available:
            try:
                self._load(slide.recording_id)
                if slide.frames is not None:
                    self.player.seek(slide.frames.start)
                    if play:
                        self._play_from(slide.frames.start)
                elif slide.frame is not None:
                    self.player.seek(slide.frame)
            except (VigError, ValueError) as exc:
                self.error = str(exc)
        self._notify()

    def next(self) -> None:
        if self.index < self.count - 1:
            self.show(self.index + 1)

    def previous(self) -> None:
        if self.index > 0:
            self.show(self.index - 1)

    # --- the transport inside one item --------------------------------------------------

    def toggle_play(self) -> None:
        """Pause; or play on to the item's end (from the start again when at its end)."""
        frames = self.slide.frames
        if frames is None or not self.slide.available or self._loaded is None:
            return
        if self.player.is_playing:
            self.player.pause()
        elif self.player.position >= frames.last:
            self._play_from(frames.start)
        else:
            self._play_from(self.player.position)

    def replay(self) -> None:
        """R: the clip again from its in point (a still or card stays as it is)."""
        frames = self.slide.frames
        if frames is not None and self.slide.available and self._loaded is not None:
            self._play_from(frames.start)

    def step(self, delta: int) -> None:
        """←/→: pause and step one frame, inside the clip only."""
        frames = self.slide.frames
        if frames is None or not self.slide.available or self._loaded is None:
            return
        if self.player.is_playing:
            self.player.pause()
        target = max(frames.start, min(frames.last, self.player.position + delta))
        self.player.seek(target)

    def toggle_slow(self) -> None:
        """S: slow motion on or off (applies at once while playing)."""
        self.slow = not self.slow
        if self.player.is_playing:
            self.player.set_rate(self.rate)
        self._notify()

    def close(self) -> None:
        if self.player.is_playing:
            self.player.pause()
        self._listeners.clear()

    # --- internals ----------------------------------------------------------------------

    def _load(self, recording_id: int) -> None:
        if self._loaded == recording_id and self.player.info is not None:
            return
        rec = self.session.recording(recording_id)
        self._loaded = None
        self.player.load(self.session.media_source(recording_id), rec.info)
        self._loaded = recording_id

    def _play_from(self, start: int) -> None:
        frames = self.slide.frames
        assert frames is not None
        self.player.set_rate(self.rate)
        self.player.play_range(FrameRange(start, frames.end))

    def _notify(self) -> None:
        for listener in list(self._listeners):
            listener()
