"""Playback with sound through libVLC, Qt-free.

The picture reaches the application through libVLC's video callbacks
(``video_set_callbacks`` + a format callback): VLC decodes, applies the display-matrix
rotation and scales to the size asked for, and writes each picture into a buffer owned here.
The GUI paints the latest picture itself. This one path works the same on Linux, Windows and
macOS, in a real window and offscreen (embedding VLC into a native window segfaults without a
display, see docs/MEDIA_FACTS.md), and it lets the widget paint VLC's pictures while playing
and the exactly decoded frame while paused in the same place.

libVLC starts with everything that could reach the network or the user's VLC set-up
switched off (see :data:`VLC_ARGS`).
"""

from __future__ import annotations

import ctypes
import threading
import time
from collections.abc import Callable, Sequence
from enum import StrEnum
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from vigstudio.errors import MediaMissingError, PlaybackError, PlayerUnavailableError
from vigstudio.media.source import MediaLike, MediaSource, as_source

__all__ = [
    "MAX_RATE",
    "MIN_RATE",
    "VLC_ARGS",
    "PlaybackState",
    "VideoSink",
    "VlcBackend",
    "load_vlc",
    "media_options",
]

MIN_RATE = Fraction(1, 8)
MAX_RATE = Fraction(4)

#: libVLC options: no network lookups (metadata, art), no user configuration, no interfaces,
#: no on-screen text, no scripting.
VLC_ARGS: tuple[str, ...] = (
    "--quiet",
    "--ignore-config",
    "--no-metadata-network-access",
    "--no-auto-preparse",
    "--no-media-library",
    "--intf=dummy",
    "--no-lua",
    "--no-stats",
    "--no-interact",
    "--no-video-title-show",
    "--no-osd",
    "--no-spu",
    "--no-sub-autodetect-file",
    "--no-snapshot-preview",
    "--no-xlib",
)

_INSTALL_HINT = (
    "VIG Studio plays video with VLC, but the VLC library (libVLC) was not found. "
    "Install VLC: on Debian/Ubuntu `sudo apt-get install --no-install-recommends libvlc5 "
    "vlc-plugin-base`, on Windows and macOS the VLC media player from videolan.org "
    "(64-bit, version 3), then start VIG Studio again.")

def load_vlc() -> Any:
    """Import python-vlc, raising :class:`PlayerUnavailableError` when libVLC is missing."""
    try:
        import vlc
    except (ImportError, OSError, NotImplementedError, AttributeError) as exc:
        raise PlayerUnavailableError(_INSTALL_HINT) from exc
    if getattr(vlc, "dll", None) is None:
        raise PlayerUnavailableError(_INSTALL_HINT)
    return vlc


class PlaybackState(StrEnum):
    IDLE = "idle"  # nothing loaded, or loaded and never started
    OPENING = "opening"
    PLAYING = "playing"
    PAUSED = "paused"
    ENDED = "ended"
    ERROR = "error"


# VLC's format callback, with ``chroma`` as a writable pointer (python-vlc declares it as
# c_char_p, which ctypes turns into an immutable bytes copy).
_FormatCb = ctypes.CFUNCTYPE(
    ctypes.c_uint, ctypes.POINTER(ctypes.c_void_p), ctypes.c_void_p,
    ctypes.POINTER(ctypes.c_uint), ctypes.POINTER(ctypes.c_uint),
    ctypes.POINTER(ctypes.c_uint), ctypes.POINTER(ctypes.c_uint))
_CleanupCb = ctypes.CFUNCTYPE(None, ctypes.c_void_p)
_LockCb = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p))
_UnlockCb = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p,
                             ctypes.POINTER(ctypes.c_void_p))
_DisplayCb = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p)


class VideoSink:
    """Receives VLC's pictures (called on VLC's threads) and keeps the latest one.

    Pictures are 32-bit BGRX rows (``QImage.Format_RGB32`` on little-endian machines), upright,
    ``size`` pixels. ``on_picture(serial)`` is called on VLC's thread after each new picture.
    """

    def __init__(self, size: tuple[int, int]) -> None:
        self._lock = threading.Lock()
        self._size = size
        self._buffer: ctypes.Array[ctypes.c_ubyte] | None = None
        self._latest: npt.NDArray[np.uint8] | None = None
        self._serial = 0
        self._last_time: float | None = None
        self.on_picture: Callable[[int], None] | None = None
        self._format_cb = _FormatCb(self._format)
        self._cleanup_cb = _CleanupCb(self._cleanup)
        self._lock_cb = _LockCb(self._lock_picture)
        self._unlock_cb = _UnlockCb(self._unlock_picture)
        self._display_cb = _DisplayCb(self._display)

    @property
    def size(self) -> tuple[int, int]:
        return self._size

    def set_size(self, size: tuple[int, int]) -> None:
        """The size asked of VLC from the next format negotiation (the next load) on."""
        self._size = size

    def latest(self) -> tuple[int, npt.NDArray[np.uint8] | None]:
        """``(serial, picture)``: the newest picture (H×W×4 BGRX) and how many came so far."""
        with self._lock:
            return self._serial, self._latest

    @property
    def serial(self) -> int:
        with self._lock:
            return self._serial

    @property
    def last_picture_time(self) -> float | None:
        """``time.monotonic()`` when the newest picture arrived."""
        with self._lock:
            return self._last_time

    def attach(self, player: Any) -> None:
        player.video_set_callbacks(self._lock_cb, self._unlock_cb, self._display_cb, None)
        player.video_set_format_callbacks(self._format_cb, self._cleanup_cb)

    # --- VLC's side (its threads) -------------------------------------------------------

    def _format(self, *args: Any) -> int:
        # (opaque, chroma, width, height, pitches, lines), all pointers
        _opaque, chroma, width, height, pitches, lines = args
        w, h = self._size
        ctypes.memmove(chroma, b"RV32", 4)
        width[0], height[0] = w, h
        pitches[0] = w * 4
        lines[0] = h
        with self._lock:
            self._buffer = (ctypes.c_ubyte * (w * h * 4))()
        return 1

    def _cleanup(self, opaque: Any) -> None:
        return None

    def _lock_picture(self, opaque: Any, planes: Any) -> Any:
        buffer = self._buffer
        if buffer is not None:
            planes[0] = ctypes.cast(buffer, ctypes.c_void_p)
        return None

    def _unlock_picture(self, opaque: Any, picture: Any, planes: Any) -> None:
        return None

    def _display(self, opaque: Any, picture: Any) -> None:
        buffer = self._buffer
        if buffer is None:
            return
        w, h = self._size
        copy = np.frombuffer(memoryview(buffer), np.uint8, count=w * h * 4).reshape(h, w, 4).copy()
        with self._lock:
            self._latest = copy
            self._serial += 1
            self._last_time = time.monotonic()
            serial = self._serial
        callback = self.on_picture
        if callback is not None:
            callback(serial)


_OpenCb = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p),
                           ctypes.POINTER(ctypes.c_uint64))
_ReadCb = ctypes.CFUNCTYPE(ctypes.c_ssize_t, ctypes.c_void_p, ctypes.POINTER(ctypes.c_char),
                           ctypes.c_size_t)
_SeekCb = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_uint64)
_CloseCb = ctypes.CFUNCTYPE(None, ctypes.c_void_p)


class CallbackStream:
    """Feeds libVLC a recording's bytes through its media callbacks
    (``libvlc_media_new_callbacks``): an encrypted recording is decrypted chunk by chunk in
    memory as VLC reads and seeks, never written anywhere in plaintext.

    VLC may open the media more than once (each open gets its own reader, named by a small
    integer handed to VLC as its opaque pointer). The ctypes callbacks are kept alive here as
    long as this object lives; the backend keeps it until the next load or ``close``.
    """

    def __init__(self, source: MediaSource) -> None:
        self.source = source
        self._lock = threading.Lock()
        self._readers: dict[int, Any] = {}
        self._next = 1
        self.errors: list[BaseException] = []
        self.open_cb = _OpenCb(self._open)
        self.read_cb = _ReadCb(self._read)
        self.seek_cb = _SeekCb(self._seek)
        self.close_cb = _CloseCb(self._close)

    def new_media(self, instance: Any) -> Any:
        vlc = load_vlc()
        return vlc.libvlc_media_new_callbacks(
            instance, ctypes.cast(self.open_cb, vlc.MediaOpenCb),
            ctypes.cast(self.read_cb, vlc.MediaReadCb), ctypes.cast(self.seek_cb, vlc.MediaSeekCb),
            ctypes.cast(self.close_cb, vlc.MediaCloseCb), None)

    @property
    def open_readers(self) -> int:
        with self._lock:
            return len(self._readers)

    # VLC's threads below: never raise into C

    def _open(self, _opaque: Any, datap: Any, sizep: Any) -> int:
        try:
            reader = self.source.open_binary()
            size = self.source.size()
        except Exception as exc:  # noqa: BLE001 - reported to VLC as a failed open
            self.errors.append(exc)
            return -1
        with self._lock:
            handle = self._next
            self._next += 1
            self._readers[handle] = reader
        datap[0] = handle
        sizep[0] = size
        return 0

    def _read(self, opaque: Any, buf: Any, length: int) -> int:
        reader = self._readers.get(int(opaque or 0))
        if reader is None:
            return -1
        try:
            data = reader.read(length)
        except Exception as exc:  # noqa: BLE001 - a damaged chunk stops playback (VLC error)
            self.errors.append(exc)
            return -1
        ctypes.memmove(buf, data, len(data))
        return len(data)

    def _seek(self, opaque: Any, offset: int) -> int:
        reader = self._readers.get(int(opaque or 0))
        if reader is None:
            return -1
        try:
            reader.seek(int(offset))
        except Exception as exc:  # noqa: BLE001
            self.errors.append(exc)
            return -1
        return 0

    def _close(self, opaque: Any) -> None:
        with self._lock:
            reader = self._readers.pop(int(opaque or 0), None)
        if reader is not None:
            reader.close()

    def close(self) -> None:
        with self._lock:
            readers = list(self._readers.values())
            self._readers.clear()
        for reader in readers:
            reader.close()


def media_options(start_ms: int, *, decoder_threads: int | None = None) -> tuple[str, ...]:
    """libVLC's options for one playing of a file: where to start, and how many threads
    decode. Each frame-decoding thread keeps its own pictures in flight: for 4K HEVC, two
    threads instead of VLC's three on a 2-core machine hold about 40 MB less."""
    options: list[str] = []
    if start_ms > 0:
        options.append(f":start-time={start_ms / 1000:.3f}")
    if decoder_threads is not None:
        options.append(f":avcodec-threads={max(1, int(decoder_threads))}")
    return tuple(options)


class VlcBackend:
    """One libVLC player for one recording at a time; every call returns at once.

    ``audio=False`` sends sound nowhere (``--aout=dummy``; tests, machines without sound).
    """

    def __init__(self, *, audio: bool = True, extra_args: Sequence[str] = ()) -> None:
        vlc = load_vlc()
        self._vlc = vlc
        args = [*VLC_ARGS, *extra_args]
        if not audio:
            args.append("--aout=dummy")
        instance = vlc.Instance(args)
        if instance is None:
            raise PlayerUnavailableError(
                "libVLC is installed but could not start (its plug-ins may be missing). "
                + _INSTALL_HINT)
        self._instance: Any = instance
        self._player: Any = instance.media_player_new()
        self.sink = VideoSink((640, 360))
        self.sink.attach(self._player)
        self._path: Path | None = None
        self._source: MediaSource | None = None
        self._stream: CallbackStream | None = None  # an encrypted recording's callbacks
        self._options: tuple[str, ...] = ()
        self._error = threading.Event()
        self._rate = Fraction(1)
        self._volume = 100
        self._muted = False
        events = self._player.event_manager()
        events.event_attach(vlc.EventType.MediaPlayerEncounteredError, self._on_error)
        self._audio_pending = True

    # --- loading ------------------------------------------------------------------------

    @property
    def path(self) -> Path | None:
        return self._path

    def load(self, path: MediaLike, *, video_size: tuple[int, int],
             decoder_threads: int | None = None) -> None:
        """Prepare ``path`` for playing; pictures will come at ``video_size`` (upright).

        An encrypted recording (a :class:`MediaSource` with the case's key) is played through
        libVLC's media callbacks over the decrypting reader. ``decoder_threads`` bounds
        libVLC's decoding threads for this file (see :func:`media_options`); None leaves VLC's
        choice (one more than the cores)."""
        source = as_source(path)
        if not source.exists():
            raise MediaMissingError(f"The video file is missing: {source.path}")
        self._player.stop()
        self._error.clear()
        self.sink.set_size(video_size)
        self._path = source.path
        self._source = source
        self._options = media_options(0, decoder_threads=decoder_threads)
        self._player.set_media(None)
        self._drop_stream()

    def _drop_stream(self) -> None:
        if self._stream is not None:
            self._stream.close()
            self._stream = None

    def _start(self, ms: int) -> None:
        if self._path is None or self._source is None:
            raise PlaybackError("No video is loaded.")
        if self._source.encrypted:
            self._player.stop()
            self._drop_stream()
            self._stream = CallbackStream(self._source)
            media = self._stream.new_media(self._instance)
        else:
            media = self._instance.media_new_path(str(self._path))
        if media is None:
            raise PlaybackError(f"VLC cannot open {self._path.name}.")
        for option in (*self._options, *media_options(ms)):
            media.add_option(option)
        self._player.set_media(media)
        media.release()
        self._error.clear()
        self._audio_pending = True
        self._player.set_rate(float(self._rate))
        if self._player.play() != 0:
            raise PlaybackError(f"VLC cannot play {self._path.name}.")

    # --- transport ----------------------------------------------------------------------

    def play_from(self, ms: int) -> None:
        """Start or resume playing at ``ms`` milliseconds from the start of the file."""
        self.check()
        if self.state() in (PlaybackState.PLAYING, PlaybackState.PAUSED,
                            PlaybackState.OPENING):
            self._player.set_time(max(0, ms))
            self._player.set_pause(0)
        else:
            self._start(ms)

    def pause(self) -> None:
        if self.state() in (PlaybackState.PLAYING, PlaybackState.OPENING):
            self._player.set_pause(1)

    def seek(self, ms: int) -> None:
        """Jump while playing (used when a loop wraps around)."""
        self._player.set_time(max(0, ms))

    def stop(self) -> None:
        self._player.stop()

    def set_rate(self, rate: Fraction) -> None:
        if not MIN_RATE <= rate <= MAX_RATE:
            raise ValueError(f"rate {rate} is outside {MIN_RATE}–{MAX_RATE}")
        self._rate = rate
        self._player.set_rate(float(rate))

    @property
    def rate(self) -> Fraction:
        return self._rate

    def set_volume(self, volume: int) -> None:
        """0–100 (VLC allows more; the player keeps to 100)."""
        self._volume = max(0, min(100, int(volume)))
        self._player.audio_set_volume(self._volume)

    def set_muted(self, muted: bool) -> None:
        self._muted = muted
        self._player.audio_set_mute(bool(muted))

    def time_ms(self) -> int:
        """libVLC's own clock: coarse and late (see MEDIA_FACTS); for diagnostics only."""
        return int(self._player.get_time())

    def state(self) -> PlaybackState:
        if self._error.is_set():
            return PlaybackState.ERROR
        st = self._player.get_state()
        states = self._vlc.State
        if st == states.Playing:
            if self._audio_pending:
                # VLC forgets volume and mute when its audio output is (re)created.
                self._audio_pending = False
                self._player.audio_set_volume(self._volume)
                self._player.audio_set_mute(self._muted)
            return PlaybackState.PLAYING
        if st == states.Paused:
            return PlaybackState.PAUSED
        if st in (states.Opening, states.Buffering):
            return PlaybackState.OPENING
        if st == states.Ended:
            return PlaybackState.ENDED
        if st == states.Error:
            return PlaybackState.ERROR
        return PlaybackState.IDLE

    def check(self) -> None:
        """Raise :class:`PlaybackError` if VLC reported that it cannot play the file."""
        if self.state() is PlaybackState.ERROR:
            stream = self._stream
            if stream is not None and stream.errors:  # the encrypted file said why
                raise PlaybackError(str(stream.errors[0]))
            name = self._path.name if self._path is not None else "the file"
            raise PlaybackError(
                f"VLC cannot play {name}. The file may be damaged or use a format VLC does "
                "not support; try converting it to MP4 (H.264).")

    def close(self) -> None:
        self._player.stop()
        self._player.release()
        self._instance.release()
        self._drop_stream()

    # --- events (VLC's thread) ----------------------------------------------------------

    def _on_error(self, event: Any) -> None:
        self._error.set()
