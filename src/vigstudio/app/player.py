"""The player's state and transport, Qt-free: the one authoritative playhead of the app.

``PlayerController`` keeps the position as an integer frame index on its own clock:

* **Paused**: the position is exactly frame ``N``; the picture shown is frame ``N`` decoded by
  PyAV (:class:`vigstudio.media.frames.FrameReader`), delivered by a background
  :class:`ExactFrameFetcher` to frame subscribers. Stepping, going to a frame and tagging use
  ``N``. libVLC is not asked where it is (its clock is coarse and stale).
* **Playing forward**: libVLC plays with sound and paints; the position is estimated from the
  wall clock, anchored at the first picture VLC delivers after the play command, times the
  rate. On pause the estimate becomes the new exact ``N`` and the exact frame is shown.
* **Playing backwards** (J): VLC stays paused; the controller steps the exact position
  backwards on the wall clock at the chosen rate, and the exact frames are shown.

The GUI (and the timeline, and tagging) read and move the position only through this
controller; position subscribers are plain callables. The GUI calls :meth:`tick` from a
timer (every ~15–30 ms) while a recording is loaded; time is read through an injectable
``now`` function so the logic is testable without waiting.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from enum import StrEnum
from fractions import Fraction
from pathlib import Path
from typing import Protocol

from vigstudio.domain.media import MediaInfo
from vigstudio.domain.time import (
    FrameRange,
    format_seconds,
    frames_to_timecode,
    parse_position,
)
from vigstudio.errors import (
    MediaMissingError,
    PlaybackError,
    VigError,
)
from vigstudio.media.frames import FrameReader, RGBFrame, fit_size, tune_malloc
from vigstudio.media.playback import MAX_RATE, MIN_RATE, PlaybackState, VlcBackend
from vigstudio.media.source import MediaLike, as_source

__all__ = [
    "RATES",
    "STOP_VLC_WHEN_PAUSED_ABOVE",
    "VLC_VIDEO_BOX",
    "ExactFrameFetcher",
    "PlayerController",
    "PlayerState",
]

#: The shuttle's rate ladder (J/L step through it; the speed box offers the same values).
RATES: tuple[Fraction, ...] = (Fraction(1, 8), Fraction(1, 4), Fraction(1, 2), Fraction(1),
                               Fraction(2), Fraction(4))
#: Largest picture asked of VLC while playing (1080p at full size costs too much on 2 cores).
VLC_VIDEO_BOX = (1280, 1280)
#: Recordings with more pixels than this (beyond 1080p: 4K phone video) have libVLC stopped,
#: not paused, when playing pauses: its decoder and picture pools (about 300 MB for 4K HEVC)
#: go back to the system while the exact frames come from PyAV; playing again reopens the
#: file at the position (a fraction of a second later than resuming would). While they
#: play, the exact-frame reader gives back its cache and decoder (reopened on pause).
STOP_VLC_WHEN_PAUSED_ABOVE = 1920 * 1088
#: libVLC's decoding threads for such recordings (see ``media_options``).
BIG_VIDEO_DECODER_THREADS = 2


class PlayerState(StrEnum):
    EMPTY = "empty"  # no recording
    OFFLINE = "offline"  # the recording's file is missing
    PAUSED = "paused"
    PLAYING = "playing"  # forward, through VLC
    REVERSE = "reverse"  # backwards, stepping exact frames


PositionListener = Callable[[int], None]
StateListener = Callable[[], None]
FrameListener = Callable[[int, RGBFrame], None]
RelinkHandler = Callable[[Path | None, Path], None]


class ProbeFunction(Protocol):
    def __call__(self, path: MediaLike) -> MediaInfo: ...


class ExactFrameFetcher:
    """A background thread that decodes the latest requested exact frame.

    Requests coalesce: when the position moves faster than frames decode (a held arrow key,
    reverse play), only the newest request is served. When idle, the thread prefetches
    around the last frame served (the next few frames, and the frames before it if they are
    not cached yet, e.g. the previous group of pictures), giving way to a new request between
    two decoded frames. ``on_frame(n, picture)`` is called **on the fetcher's thread**.
    """

    def __init__(self, reader: FrameReader, on_frame: FrameListener,
                 on_error: Callable[[int, VigError], None] | None = None,
                 *, prefetch_ahead: int = 3, prefetch_behind: int = 12) -> None:
        self._reader = reader
        self._on_frame = on_frame
        self._on_error = on_error
        self._ahead = prefetch_ahead
        self._behind = prefetch_behind
        self._cond = threading.Condition()
        self._request: int | None = None
        self._last_served: int | None = None
        self._release = False
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="exact-frames", daemon=True)
        self._thread.start()

    @property
    def reader(self) -> FrameReader:
        return self._reader

    def request(self, n: int) -> None:
        with self._cond:
            self._request = n
            self._release = False
            self._cond.notify()

    def release(self) -> None:
        """Stop prefetching and give back the reader's memory (on this thread, between two
        decoded frames): the recording plays through libVLC now. A later request reopens."""
        with self._cond:
            self._request = None
            self._release = True
            self._cond.notify()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify()
        self._thread.join(timeout=5)

    def _pending(self) -> bool:
        return self._request is not None or self._closed or self._release

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._pending():
                    if self._last_served is not None and self._prefetch_job() is not None:
                        break
                    self._cond.wait()
                if self._closed:
                    return
                n = self._request
                self._request = None
                release, self._release = self._release, False
            if release:
                self._last_served = None
                self._reader.release()
                continue
            if n is None:
                job = self._prefetch_job()
                if job is not None:
                    try:
                        self._reader.ensure_decoded(job, cancel=self._pending)
                    except VigError:
                        self._last_served = None  # a damaged stretch: stop prefetching
                continue
            try:
                picture = self._reader.frame(n)
            except VigError as exc:
                if self._on_error is not None:
                    self._on_error(n, exc)
                self._last_served = None
                continue
            except IndexError:
                continue
            self._last_served = n
            self._on_frame(n, picture)

    def _prefetch_job(self) -> int | None:
        """The next frame worth decoding ahead of need, or None."""
        last = self._last_served
        if last is None:
            return None
        count = self._reader.info.frame_count
        # No more than the cache keeps around the playhead (it keeps the frames behind at
        # up to twice the distance of those ahead); a larger window would evict its own
        # frames and decode them again for ever.
        reach = max(0, (self._reader.cache_capacity - 2) // 3)
        ahead, behind = min(self._ahead, reach), min(self._behind, 2 * reach + 1)
        for k in range(1, ahead + 1):
            if last + k < count and not self._reader.is_cached(last + k):
                return last + k
        # the frames just before the playhead (stepping back over a keyframe)
        for k in range(1, behind + 1):
            if last - k >= 0 and not self._reader.is_cached(last - k):
                return last - k
        return None


class PlayerController:
    """The playhead and transport of the player; see the module docstring.

    ``backend_factory`` makes the libVLC backend lazily on the first load (raising
    :class:`~vigstudio.errors.PlayerUnavailableError` if libVLC is missing; paused, exact
    frames still work then). ``probe`` is used when :meth:`load` gets no ``MediaInfo``.
    """

    def __init__(self, *, backend_factory: Callable[[], VlcBackend] | None = None,
                 probe: ProbeFunction | None = None,
                 now: Callable[[], float] = time.monotonic,
                 display_size: tuple[int, int] | None = None,
                 cache_bytes: int | None = None,
                 memory: int | None = None) -> None:
        # Before libVLC's and PyAV's decoder threads start: freed pictures go back to the
        # system instead of staying in per-thread malloc pools (4K pictures are 12 MB apiece).
        tune_malloc()
        self._backend_factory = backend_factory or VlcBackend
        self._backend: VlcBackend | None = None
        self._probe = probe
        self._now = now
        self._display_size = display_size
        self._cache_bytes = cache_bytes
        self._memory = memory  # the machine's memory (None: ask the system) for the caches
        self._path: Path | None = None
        self._media_key: bytes | None = None  # an encrypted case's, for relink's reload
        self._info: MediaInfo | None = None
        self._fetcher: ExactFrameFetcher | None = None
        self._state = PlayerState.EMPTY
        self._generation = 0
        self._position = 0
        self._rate = Fraction(1)
        self._chosen_rate = Fraction(1)  # the speed chosen (speed box); J/L shuttle is transient
        self._shuttling = False
        self._volume = 100
        self._muted = False
        self._loop: FrameRange | None = None
        self._stop_at: int | None = None  # play a range: pause on this frame
        self._anchor_frame = 0
        self._anchor_time: float | None = None
        self._anchor_serial = 0
        self._error: str | None = None
        self._relink_handler: RelinkHandler | None = None
        self._position_listeners: list[PositionListener] = []
        self._state_listeners: list[StateListener] = []
        self._frame_listeners: list[FrameListener] = []
        self._frame_error_listeners: list[Callable[[int, VigError], None]] = []

    # --- subscribers --------------------------------------------------------------------

    def subscribe(self, listener: PositionListener) -> Callable[[], None]:
        """Call ``listener(frame)`` whenever the position changes; returns an unsubscribe."""
        self._position_listeners.append(listener)
        return lambda: self._position_listeners.remove(listener)

    def subscribe_state(self, listener: StateListener) -> Callable[[], None]:
        """Call ``listener()`` on play/pause, load, offline, error, rate, volume, loop."""
        self._state_listeners.append(listener)
        return lambda: self._state_listeners.remove(listener)

    def subscribe_frames(self, listener: FrameListener) -> Callable[[], None]:
        """Call ``listener(n, rgb)`` with each exact frame decoded — on a worker thread."""
        self._frame_listeners.append(listener)
        return lambda: self._frame_listeners.remove(listener)

    def subscribe_frame_errors(self, listener: Callable[[int, VigError], None]
                               ) -> Callable[[], None]:
        """Call ``listener(n, error)`` when frame ``n`` cannot be decoded — on a worker thread."""
        self._frame_error_listeners.append(listener)
        return lambda: self._frame_error_listeners.remove(listener)

    def set_relink_handler(self, handler: RelinkHandler | None) -> None:
        """``handler(old_path, new_path)`` runs before :meth:`relink` loads the new file (the
        application checks the fingerprint and records the new path; it raises a VigError to
        refuse)."""
        self._relink_handler = handler

    # --- what is loaded -----------------------------------------------------------------

    @property
    def path(self) -> Path | None:
        return self._path

    @property
    def info(self) -> MediaInfo | None:
        return self._info

    @property
    def state(self) -> PlayerState:
        return self._state

    @property
    def is_playing(self) -> bool:
        return self._state in (PlayerState.PLAYING, PlayerState.REVERSE)

    @property
    def offline(self) -> bool:
        return self._state is PlayerState.OFFLINE

    @property
    def error(self) -> str | None:
        """The last playback problem to show the user (e.g. VLC cannot play the file)."""
        return self._error

    @property
    def frame_count(self) -> int:
        return self._info.frame_count if self._info is not None else 0

    @property
    def generation(self) -> int:
        """Changes whenever a recording is loaded or unloaded: a frame delivered under an
        older generation belongs to a previous recording."""
        return self._generation

    @property
    def reader(self) -> FrameReader | None:
        return self._fetcher.reader if self._fetcher is not None else None

    @property
    def backend(self) -> VlcBackend | None:
        return self._backend

    def load(self, path: MediaLike, info: MediaInfo | None = None) -> None:
        """Open a recording at frame 0, paused.

        A missing file gives the OFFLINE state (no exception); the position still works when
        ``info`` is known. Unreadable files raise the probe's / reader's ``MediaError``. An
        encrypted recording (``session.media_source(...)``) is read and played decrypting.
        """
        self.unload()
        source = as_source(path)
        path = source.path
        self._path = path
        self._media_key = source.key
        if not path.exists():
            self._info = info
            self._set_state(PlayerState.OFFLINE)
            self._notify_position()
            return
        if info is None:
            if self._probe is None:
                from vigstudio.media.probe import probe
                info = probe(source)
            else:
                info = self._probe(source)
        reader = FrameReader(source, info, max_size=self._display_size,
                             cache_bytes=self._cache_bytes, memory=self._memory)
        self._info = info
        self._fetcher = ExactFrameFetcher(reader, self._deliver_frame, self._deliver_error)
        self._state = PlayerState.PAUSED
        self._position = 0
        try:
            backend = self._ensure_backend()
            backend.load(source, video_size=fit_size(info.display_size, VLC_VIDEO_BOX),
                         decoder_threads=BIG_VIDEO_DECODER_THREADS if self._big() else None)
        except VigError as exc:
            self._error = str(exc)
        self._notify_state()
        self._notify_position()
        self._fetcher.request(0)

    def unload(self) -> None:
        if self._backend is not None:
            self._backend.stop()
        if self._fetcher is not None:
            self._fetcher.close()
            self._fetcher.reader.close()
            self._fetcher = None
        self._path = None
        self._info = None
        self._error = None
        self._loop = None
        self._stop_at = None
        self._position = 0
        self._state = PlayerState.EMPTY
        self._rate = self._chosen_rate = Fraction(1)  # a new recording starts at 1×
        self._shuttling = False
        self._generation += 1

    def relink(self, new_path: Path | str) -> None:
        """Point an offline recording at its file's new place and load it there."""
        new_path = Path(new_path)
        if not new_path.exists():
            raise MediaMissingError(f"The video file is missing: {new_path}")
        if self._relink_handler is not None:
            self._relink_handler(self._path, new_path)
        info = self._info
        self.load(as_source(new_path, self._media_key), info)

    def close(self) -> None:
        self.unload()
        if self._backend is not None:
            self._backend.close()
            self._backend = None

    def set_display_size(self, size: tuple[int, int] | None) -> None:
        """Bound the exact frames' size (the picture area on screen); re-shows the frame."""
        self._display_size = size
        if self._fetcher is not None:
            self._fetcher.reader.set_max_size(size)
            if not self.is_playing or self._state is PlayerState.REVERSE:
                self._fetcher.request(self._position)

    # --- position -----------------------------------------------------------------------

    @property
    def position(self) -> int:
        return self._position

    def seek(self, frame: int) -> None:
        """Go to ``frame`` (clamped to the recording). Keeps playing if playing forward."""
        if self._info is None:
            return
        frame = max(0, min(int(frame), self.frame_count - 1))
        if self._state is PlayerState.PLAYING:
            self._backend_call(lambda b: b.seek(self._ms_of(frame)))
            self._anchor(frame, picture_first=False)
        elif self._state is PlayerState.REVERSE:
            self._anchor(frame, picture_first=False)
        self._move_to(frame)

    def refresh_frame(self) -> None:
        """Deliver the exact frame at the position again (e.g. to redraw it with a caption)."""
        if self._fetcher is not None and not self.is_playing:
            self._fetcher.request(self._position)

    def step(self, delta: int) -> None:
        """Step ``delta`` frames (pauses first when playing)."""
        if self._info is None:
            return
        if self.is_playing:
            self.pause()
        self.seek(self._position + delta)

    def step_seconds(self, delta: int | Fraction) -> None:
        """Move by ``delta`` seconds of recording time (exact for variable frame rate)."""
        if self._info is None:
            return
        if self.is_playing:
            self.pause()
        clock = self._info.clock
        target = clock.time_of(self._position) + Fraction(delta)
        if target < 0:
            self.seek(0)
        else:
            self.seek(clock.frame_at(target))

    def go_to_start(self) -> None:
        self.step(-self._position)

    def go_to_end(self) -> None:
        self.step(self.frame_count - 1 - self._position)

    def go_to(self, text: str) -> int:
        """Go to what the user typed: a frame number, a timecode or a clock time.

        Raises ``TimecodeError`` (a ``ValueError``) for text that names no frame here.
        """
        if self._info is None:
            raise ValueError("no recording is open")
        rate = None if self._info.variable_frame_rate else self._info.frame_rate
        frame = parse_position(text, self._info.clock, rate)
        if self.is_playing:
            self.pause()
        self.seek(frame)
        return frame

    def label(self, frame: int | None = None) -> str:
        """The readout for ``frame`` (default: the position): frame number and timecode, or
        clock time for variable-frame-rate video."""
        if self._info is None:
            return "–"
        frame = self._position if frame is None else frame
        if self._info.variable_frame_rate:
            return f"{frame}  {format_seconds(self._info.clock.time_of(frame))}"
        return f"{frame}  {frames_to_timecode(frame, self._info.frame_rate)}"

    # --- transport ----------------------------------------------------------------------

    @property
    def rate(self) -> Fraction:
        return self._rate

    def play(self) -> None:
        """Play forward at the current rate from the position (with sound)."""
        if self._info is None or self._state in (PlayerState.EMPTY, PlayerState.OFFLINE):
            return
        if self._position >= self.frame_count - 1 and self._loop is None:
            self._move_to(0)
        backend = self._ensure_backend()
        self._error = None
        backend.set_rate(self._rate)
        backend.play_from(self._ms_of(self._position))
        self._anchor(self._position, picture_first=True)
        self._set_state(PlayerState.PLAYING)
        if self._fetcher is not None and self._big():
            self._fetcher.release()  # VLC shows the pictures now: free the exact-frame decoder

    def play_reverse(self) -> None:
        """Play backwards at the current rate by stepping exact frames."""
        if self._info is None or self._state in (PlayerState.EMPTY, PlayerState.OFFLINE):
            return
        if self._state is PlayerState.PLAYING:
            self.pause()
        self._anchor(self._position, picture_first=False)
        self._set_state(PlayerState.REVERSE)

    def pause(self) -> None:
        """Stop on an exact frame: the position estimate becomes frame N, N is shown."""
        if self.is_playing:
            self._halt(self._estimate())

    def _halt(self, frame: int) -> None:
        if self._state is PlayerState.PLAYING and self._backend is not None:
            if self._big():
                self._backend.stop()
            else:
                self._backend.pause()
        self._stop_at = None
        if self._shuttling:  # back to the chosen speed
            self._shuttling = False
            self._rate = self._chosen_rate
            self._backend_call(lambda b: b.set_rate(self._chosen_rate))
        was = self._state
        self._state = PlayerState.PAUSED  # first, so the exact frame is fetched ...
        self._move_to(frame, force=True)
        if was is not PlayerState.PAUSED:  # ... and state listeners see the final position
            self._notify_state()

    def toggle_play(self) -> None:
        if self.is_playing:
            self.pause()
        else:
            self.play()

    def set_rate(self, rate: Fraction) -> None:
        """Playback rate, 1/8× to 4× (clamped); applies at once while playing. This is the
        chosen speed: it stays after a pause (a J/L shuttle speed does not)."""
        self._apply_rate(rate)
        self._chosen_rate = self._rate
        self._shuttling = False

    def _apply_rate(self, rate: Fraction) -> None:
        rate = max(MIN_RATE, min(MAX_RATE, Fraction(rate)))
        if self.is_playing:
            frame = self._estimate()
            self._rate = rate
            if self._state is PlayerState.PLAYING:
                self._backend_call(lambda b: b.set_rate(rate))
            self._anchor(frame, picture_first=False)
            self._move_to(frame)
        self._rate = rate
        self._notify_state()

    def shuttle_forward(self) -> None:
        """L: play forward at the chosen speed (1× unless the speed box says otherwise);
        pressed again while playing forward, the next faster rate. The shuttle's speed lasts
        until the next pause."""
        if self._state is PlayerState.PLAYING:
            self._apply_rate(_next_rate(self._rate))
            self._shuttling = True
        else:
            if self._state is PlayerState.REVERSE:
                self.pause()
            self._apply_rate(self._chosen_rate)
            self._shuttling = True
            self.play()

    def shuttle_reverse(self) -> None:
        """J: play backwards at the chosen speed; pressed again while playing backwards, the
        next faster rate (J after L L L starts again at 1× backwards, not at 4×)."""
        if self._state is PlayerState.REVERSE:
            self._apply_rate(_next_rate(self._rate))
        else:
            if self._state is PlayerState.PLAYING:
                self.pause()
            self._apply_rate(self._chosen_rate)
            self.play_reverse()
        self._shuttling = True

    def shuttle_stop(self) -> None:
        """K: pause."""
        self.pause()

    @property
    def loop_range(self) -> FrameRange | None:
        return self._loop

    def set_loop(self, frames: FrameRange | None) -> None:
        """Loop playback inside ``frames`` (None: no loop)."""
        if frames is not None and (frames.duration == 0 or frames.end > self.frame_count):
            raise ValueError(f"cannot loop {frames}: not a non-empty range of this recording")
        self._loop = frames
        self._notify_state()

    def play_range(self, frames: FrameRange, *, loop: bool = False) -> None:
        """Play a clip from its in point to its out point, then stop on its last frame
        (or loop it)."""
        if frames.duration == 0 or frames.end > self.frame_count:
            raise ValueError(f"cannot play {frames}: not a non-empty range of this recording")
        if self.is_playing:
            self.pause()
        if loop:
            self._loop = frames
            self._stop_at = None
        else:
            self._loop = None
            self._stop_at = frames.last
        self._move_to(frames.start)
        self.play()

    # --- sound --------------------------------------------------------------------------

    @property
    def volume(self) -> int:
        return self._volume

    @property
    def muted(self) -> bool:
        return self._muted

    def set_volume(self, volume: int) -> None:
        self._volume = max(0, min(100, int(volume)))
        self._backend_call(lambda b: b.set_volume(self._volume))
        self._notify_state()

    def set_muted(self, muted: bool) -> None:
        self._muted = bool(muted)
        self._backend_call(lambda b: b.set_muted(self._muted))
        self._notify_state()

    def toggle_mute(self) -> None:
        self.set_muted(not self._muted)

    # --- the clock ----------------------------------------------------------------------

    def tick(self) -> None:
        """Advance the estimated position while playing; handle loop, range end, media end
        and VLC errors. Call from a timer every ~15–30 ms (cheap when paused)."""
        if self._state is PlayerState.PLAYING:
            backend = self._backend
            if backend is not None:
                vlc_state = backend.state()
                if vlc_state is PlaybackState.ERROR or (
                        vlc_state is PlaybackState.ENDED and backend.sink.serial
                        == self._anchor_serial and self._anchor_time is None):
                    self._fail_playback()
                    return
                if vlc_state is PlaybackState.ENDED:
                    self._halt(self.frame_count - 1)
                    return
            frame = self._estimate()
            stop_at = self._stop_at
            if stop_at is not None and frame >= stop_at:
                self._halt(stop_at)
                return
            if self._loop is not None and frame >= self._loop.end:
                start = self._loop.start
                self._backend_call(lambda b: b.seek(self._ms_of(start)))
                self._anchor(start, picture_first=False)
                frame = start
            if frame >= self.frame_count - 1:
                self._halt(self.frame_count - 1)
                return
            self._move_to(frame)
        elif self._state is PlayerState.REVERSE:
            frame = self._estimate()
            if self._loop is not None and frame < self._loop.start:
                frame = self._loop.last
                self._anchor(frame, picture_first=False)
            elif frame <= 0:
                self._halt(0)
                return
            self._move_to(frame)

    # --- internals ----------------------------------------------------------------------

    def _big(self) -> bool:
        """Beyond 1080p: memory matters more than resuming in an instant."""
        info = self._info
        return info is not None and info.width * info.height > STOP_VLC_WHEN_PAUSED_ABOVE

    def _ensure_backend(self) -> VlcBackend:
        if self._backend is None:
            self._backend = self._backend_factory()
            self._backend.set_volume(self._volume)
            self._backend.set_muted(self._muted)
        return self._backend

    def _backend_call(self, action: Callable[[VlcBackend], None]) -> None:
        if self._backend is not None:
            action(self._backend)

    def _ms_of(self, frame: int) -> int:
        assert self._info is not None
        clock = self._info.clock
        start = clock.time_of(frame)
        # aim at the middle of the frame's display interval
        end = clock.time_of(frame + 1) if frame + 1 < self.frame_count else self._info.duration
        return int((start + end) / 2 * 1000)

    def _anchor(self, frame: int, *, picture_first: bool) -> None:
        """Restart the estimate at ``frame``: now, or when VLC's next picture arrives."""
        self._anchor_frame = frame
        if picture_first and self._backend is not None:
            self._anchor_time = None
            self._anchor_serial = self._backend.sink.serial
        else:
            self._anchor_time = self._now()
            self._anchor_serial = self._backend.sink.serial if self._backend else 0

    def _estimate(self) -> int:
        assert self._info is not None
        if self._state is PlayerState.PLAYING and self._anchor_time is None:
            backend = self._backend
            if backend is None or backend.sink.serial == self._anchor_serial:
                return self._anchor_frame
            # the first picture after play arrived: the clock starts now (a tick is <= 30 ms)
            self._anchor_time = self._now()
        assert self._anchor_time is not None
        elapsed = Fraction(max(0.0, self._now() - self._anchor_time)) * self._rate
        clock = self._info.clock
        start = clock.time_of(self._anchor_frame)
        if self._state is PlayerState.REVERSE:
            target = start - elapsed
            return 0 if target <= 0 else clock.frame_at(target)
        return clock.frame_at(start + elapsed)

    def _fail_playback(self) -> None:
        name = self._path.name if self._path else "the file"
        try:
            if self._backend is not None:
                self._backend.check()
            raise PlaybackError(
                f"VLC cannot play {name}: it ended without showing a picture. The file may "
                "be damaged or use a format VLC does not support.")
        except PlaybackError as exc:
            self._error = str(exc)
        self._halt(self._anchor_frame)

    def _move_to(self, frame: int, *, force: bool = False) -> None:
        changed = frame != self._position
        self._position = frame
        if self._fetcher is not None and self._state is not PlayerState.PLAYING and (
                changed or force):
            self._fetcher.request(frame)
        if changed or force:
            self._notify_position()

    def _set_state(self, state: PlayerState) -> None:
        if state is not self._state:
            self._state = state
            self._notify_state()

    def _notify_position(self) -> None:
        for listener in list(self._position_listeners):
            listener(self._position)

    def _notify_state(self) -> None:
        for listener in list(self._state_listeners):
            listener()

    def _deliver_frame(self, n: int, picture: RGBFrame) -> None:
        for listener in list(self._frame_listeners):
            listener(n, picture)

    def _deliver_error(self, n: int, error: VigError) -> None:
        for listener in list(self._frame_error_listeners):
            listener(n, error)


def _next_rate(rate: Fraction) -> Fraction:
    for candidate in RATES:
        if candidate > rate:
            return candidate
    return RATES[-1]
