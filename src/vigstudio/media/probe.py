"""Probing media files: exact frame count, frame times, rotation, audio — safely.

:func:`probe` does the work in a child Python process (``vigstudio.media._probe_worker``)
with a timeout, so a decoder that crashes or hangs on a damaged file cannot take the app
down. :func:`probe_in_process` does the same work in this process (for the worker itself and
for tests and benchmarks that want speed on known-good files).

What is measured
----------------
Frame ``N`` is the ``N``-th picture FFmpeg's decoder gives (``ffmpeg -i FILE -vf
select=eq(n\\,N)``); the probe builds that index the cheapest way that is still exact:

* Where packets carry presentation times (MP4/MOV, Matroska/WebM, MPEG program and transport
  streams, Ogg, FLV, ASF, DV, …), frames are counted by demuxing every video packet (no full
  decode): packets an MP4 edit list discards are skipped, presentation times are sorted. A
  *head check* decodes the first pictures and compares them with that prediction; leading
  pictures the decoder drops (an open GOP at the start) are left out, and any other
  disagreement falls back to decoding.
* Where packet times cannot give display order — AVI (which stores decode order only;
  MPEG-4 Part 2 with B-frames there yields timestamps 4, 5, 7, 6, 8, 10, 9, …), or packets
  without presentation times — every picture is decoded once (frame threading; progress is
  reported so the caller's watchdog knows it is alive) and the index is the decoder's own
  order. Where those keys do not rise with the frame number they are kept
  (``MediaInfo.frame_keys``) and every reader names pictures by them; frame times then follow
  the file's own clock (the first packet's decode time), the one its sound follows.
* Empty index entries ("repeat the previous picture", written for dropped frames) produce no
  picture in FFmpeg's decode and are not frames; they are not a sign of damage either.
* Constant frame rate: all pts deltas are equal, and the rate is ``1 / (delta × time_base)``
  exactly (30000/1001 for 29.97). Containers with millisecond time bases (Matroska) round
  each pts; a stream whose every pts lies within one tick of ``n / rate`` for the stream's
  declared average rate also counts as constant (only where a tick is at most half a frame).
  Anything else is variable frame rate: ``frame_times`` then holds every frame's exact time
  (seconds from frame 0) and ``frame_rate`` the mean rate.
* Colour: the primaries, transfer, matrix and range the stream declares (carried into
  exports; HLG and PQ are tone-mapped there).
* ``duration`` runs from frame 0's time to the end of the last frame (its packet duration,
  or the common frame interval when the container does not say).
* ``rotation``: FFmpeg's display matrix gives a *counter-clockwise* angle (``frame.rotation``;
  a phone's portrait video reads -90). We store the *clockwise* turn that shows the picture
  upright: ``rotation = (-frame.rotation) mod 360`` — verified with the ffmpeg CLI's and
  OpenCV's auto-rotation, which both show the picture upright after turning it that way.
* The last GOP is always decoded (from the last keyframe), to find a damaged tail.

Truncated files
---------------
* MP4/MOV with the index (``moov``) at the end, cut short: the index is missing and the file
  cannot be opened: :class:`TruncatedMediaError`.
* Index first, data cut short (or any container whose tail does not decode): the probe
  returns a *usable partial result* — ``MediaInfo(truncated=True, ...)`` whose
  ``frame_count``/``frame_times``/``duration`` cover only the frames that can be shown
  without a gap from frame 0, with a warning saying how many frames the file claims.
  Callers that need a complete file pass ``strict=True`` (raises ``TruncatedMediaError``)
  or call :func:`require_complete`.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import av

from vigstudio import errors
from vigstudio.children import popen_child, worker_command
from vigstudio.domain.media import MediaInfo
from vigstudio.domain.time import FrameRate
from vigstudio.media.colour_tags import StreamColour, stream_colour
from vigstudio.media.container_check import check_file, matroska_cut, walk_boxes
from vigstudio.media.source import MediaLike, MediaSource, as_source
from vigstudio.media.timestamps import frame_key

__all__ = [
    "DEFAULT_TIMEOUT",
    "info_from_json",
    "info_to_json",
    "probe",
    "probe_in_process",
    "require_complete",
]

DEFAULT_TIMEOUT = 60.0
if TYPE_CHECKING:
    _VPacket = av.Packet[av.video.stream.VideoStream]
# The last GOP is kept in memory to decode it; beyond this many packets the tail check is
# skipped (a file with hardly any keyframes) and a warning says so.
_MAX_TAIL_PACKETS = 1200
# Largest picture side accepted (16K); a damaged header can claim anything.
_MAX_SIDE = 16384


# --- public API -----------------------------------------------------------------------


def probe(path: MediaLike, *, timeout: float = DEFAULT_TIMEOUT, strict: bool = False,
          progress: Callable[[float], None] | None = None) -> MediaInfo:
    """Probe ``path`` in a child process; raise a :class:`vigstudio.errors.MediaError`.

    ``timeout`` bounds the time without progress: a file whose frame order must be found by
    decoding it whole reports progress as it goes (``progress(fraction)``), and is stopped only
    when it makes none for ``timeout`` seconds. ``strict=True`` turns a truncated (partially
    usable) file into ``TruncatedMediaError``. An encrypted recording (a
    :class:`~vigstudio.media.source.MediaSource` with the case's key) is read by the child
    through its decrypting reader; the key goes to the child through its standard input.
    """
    source = as_source(path)
    path = source.path
    check_file(source)
    result = _run_worker(source, timeout, progress)
    if result.returncode < 0:
        sig = -result.returncode
        try:
            sig_name = signal.Signals(sig).name
        except ValueError:
            sig_name = f"signal {sig}"
        raise errors.DecoderCrashError(
            f"The video decoder crashed ({sig_name}) while reading “{path.name}”. "
            "The file is probably damaged; VIG Studio kept running.")
    info = _parse_worker_output(path, result.stdout, result.stderr, result.returncode)
    if strict:
        require_complete(info, path)
    return info


@dataclass(frozen=True, slots=True)
class _WorkerResult:
    returncode: int
    stdout: bytes
    stderr: bytes


_PROGRESS_PREFIX = b"progress "


def _run_worker(source: MediaSource, timeout: float,
                progress: Callable[[float], None] | None) -> _WorkerResult:
    """Run the probe child; kill it when it shows no progress for ``timeout`` seconds."""
    path = source.path
    keyed = source.key is not None
    command = [*_worker_command(path), *([KEY_ON_STDIN] if keyed else [])]
    proc = popen_child(command, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, stdin=subprocess.PIPE, env=_worker_env())
    assert proc.stdin is not None
    try:  # the key (if any) through the pipe, never on the command line or in the environment
        if source.key is not None:
            proc.stdin.write(source.key.hex().encode() + b"\n")
        proc.stdin.close()
    except OSError:
        pass  # the child died at once; its exit status says why below
    last_sign = [time.monotonic()]
    err_lines: list[bytes] = []
    out_chunks: list[bytes] = []

    def read_err() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            last_sign[0] = time.monotonic()
            if line.startswith(_PROGRESS_PREFIX):
                if progress is not None:
                    with contextlib.suppress(ValueError):
                        progress(float(line[len(_PROGRESS_PREFIX):]))
            else:
                err_lines.append(line)

    def read_out() -> None:
        assert proc.stdout is not None
        out_chunks.append(proc.stdout.read())

    readers = [threading.Thread(target=read_err, daemon=True),
               threading.Thread(target=read_out, daemon=True)]
    for reader in readers:
        reader.start()
    try:
        while proc.poll() is None:
            if time.monotonic() - last_sign[0] > timeout:
                proc.kill()
                proc.wait()
                raise errors.MediaTimeoutError(
                    f"Reading “{path.name}” made no progress for {timeout:g} seconds and was "
                    "stopped. The file may be damaged, or stored on a very slow drive.")
            time.sleep(0.02)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for reader in readers:
            reader.join(timeout=5)
    return _WorkerResult(proc.returncode, b"".join(out_chunks), b"".join(err_lines))


def probe_in_process(path: MediaLike, *, strict: bool = False,
                     progress: Callable[[float], None] | None = None) -> MediaInfo:
    """Probe ``path`` in this process (see the module docs for what is measured)."""
    source = as_source(path)
    path = source.path
    check_file(source)
    info = _Prober(source, progress).run()
    if strict:
        require_complete(info, path)
    return info


def require_complete(info: MediaInfo, path: MediaLike) -> None:
    """Raise ``TruncatedMediaError`` if the probe found the file cut short."""
    if info.truncated:
        detail = " ".join(info.warnings)
        raise errors.TruncatedMediaError(
            f"“{as_source(path).name}” ends early (an interrupted recording or copy). "
            f"{detail}".strip())


# --- the child process ----------------------------------------------------------------


#: Tells the probe worker that the media key comes on its standard input (never in argv).
KEY_ON_STDIN = "--key-on-stdin"


def _worker_command(path: Path) -> list[str]:
    return worker_command("probe", str(path))


def _worker_env() -> dict[str, str]:
    env = dict(os.environ)
    src = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = src + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


_ERROR_TYPES: dict[str, type[errors.MediaError]] = {
    cls.__name__: cls for cls in (
        errors.MediaError, errors.MediaMissingError, errors.EmptyMediaError,
        errors.NotMediaError, errors.NoVideoError, errors.TruncatedMediaError,
        errors.DamagedMediaError,
        errors.MediaTimeoutError, errors.DecoderCrashError, errors.EncryptedFileError,
        errors.MediaKeyError, errors.DamagedEncryptedFileError, errors.NotEncryptedError)
}


def worker_main(argv: list[str]) -> int:
    """Entry point of the worker: probe ``argv[0]``, print one JSON object on stdout."""
    if len(argv) not in (1, 2) or argv[1:] not in ([], [KEY_ON_STDIN]):
        print(f"usage: vigstudio --worker probe PATH [{KEY_ON_STDIN}]", file=sys.stderr)
        return 2
    def report(fraction: float) -> None:
        sys.stderr.write(f"progress {fraction:.4f}\n")
        sys.stderr.flush()

    key = None
    if argv[1:] == [KEY_ON_STDIN]:  # the case's media key follows on standard input
        try:
            key = bytes.fromhex(sys.stdin.readline().strip())
        except ValueError:
            key = None
        argv = argv[:1]
    try:
        info = probe_in_process(MediaSource(Path(argv[0]), key), progress=report)
    except errors.MediaError as exc:
        payload: dict[str, Any] = {"error": type(exc).__name__, "message": str(exc)}
    else:
        payload = {"info": info_to_json(info)}
    sys.stdout.write(json.dumps(payload))
    sys.stdout.flush()
    return 0


def _parse_worker_output(path: Path, stdout: bytes, stderr: bytes, returncode: int) -> MediaInfo:
    try:
        payload = json.loads(stdout.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        payload = None
    if returncode != 0 or not isinstance(payload, dict):
        last = stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        raise errors.DecoderCrashError(
            f"The media reader stopped unexpectedly (exit code {returncode}) while reading "
            f"“{path.name}”. {last[0]}".strip())
    if "error" in payload:
        cls = _ERROR_TYPES.get(str(payload["error"]), errors.MediaError)
        raise cls(str(payload.get("message", f"“{path.name}” cannot be used.")))
    return info_from_json(payload["info"])


def _frac(value: Fraction) -> str:
    return f"{value.numerator}/{value.denominator}"


def info_to_json(info: MediaInfo) -> dict[str, Any]:
    """A JSON-safe dict for ``info`` (exact: fractions as 'n/d', frame times in ticks)."""
    ticks = None
    if info.frame_times is not None:
        ticks = [int(t / info.time_base) for t in info.frame_times]
    return {
        "container": info.container, "video_codec": info.video_codec,
        "width": info.width, "height": info.height, "rotation": info.rotation,
        "frame_rate": _frac(info.frame_rate.value),
        "variable_frame_rate": info.variable_frame_rate, "frame_count": info.frame_count,
        "duration": _frac(info.duration), "time_base": _frac(info.time_base),
        "start_pts": info.start_pts, "audio_codec": info.audio_codec,
        "audio_sample_rate": info.audio_sample_rate, "audio_channels": info.audio_channels,
        "truncated": info.truncated, "frame_ticks": ticks, "warnings": list(info.warnings),
        "frame_keys": None if info.frame_keys is None else list(info.frame_keys),
        "color_primaries": info.color_primaries, "color_transfer": info.color_transfer,
        "color_space": info.color_space, "color_range": info.color_range,
    }


def info_from_json(data: dict[str, Any]) -> MediaInfo:
    time_base = Fraction(data["time_base"])
    ticks = data.get("frame_ticks")
    return MediaInfo(
        container=data["container"], video_codec=data["video_codec"],
        width=int(data["width"]), height=int(data["height"]), rotation=int(data["rotation"]),
        frame_rate=FrameRate(Fraction(data["frame_rate"])),
        variable_frame_rate=bool(data["variable_frame_rate"]),
        frame_count=int(data["frame_count"]), duration=Fraction(data["duration"]),
        time_base=time_base, start_pts=int(data["start_pts"]),
        audio_codec=data.get("audio_codec"), audio_sample_rate=data.get("audio_sample_rate"),
        audio_channels=data.get("audio_channels"), truncated=bool(data.get("truncated")),
        frame_times=None if ticks is None else tuple(int(t) * time_base for t in ticks),
        warnings=tuple(data.get("warnings", ())),
        frame_keys=None if data.get("frame_keys") is None
        else tuple(int(k) for k in data["frame_keys"]),
        color_primaries=data.get("color_primaries"), color_transfer=data.get("color_transfer"),
        color_space=data.get("color_space"), color_range=data.get("color_range"),
    )


# --- the work -------------------------------------------------------------------------


@dataclass(slots=True)
class _Packet:
    pts: int
    dts: int | None
    duration: int


@dataclass(slots=True)
class _Scan:
    """What demuxing every video packet found."""

    packets: list[_Packet] = field(default_factory=list)
    tail: list[_VPacket] = field(default_factory=list)  # the last GOP (with pre-roll)
    failed: bool = False  # the demuxer stopped early (damaged or cut data)
    read: int = 0  # packets with data that were read completely
    entries: int = 0  # index entries, including empty "repeat the last picture" ones
    intra_only: bool = True  # every picture a keyframe: no reordering
    missing_pts: bool = False  # some packets carry no presentation time


# Containers whose packets carry no presentation order of their own (AVI stores decode order
# only; MPEG-4 Part 2 with B-frames there gives timestamps out of display order).
_DECODE_ORDER_FORMATS = {"avi"}
# How many pictures the head check decodes from the start of the file.
_HEAD_PICTURES = 60


def _order_needs_decoding(fmt_name: str, scan: _Scan) -> bool:
    """True when display order cannot be taken from the packets' timestamps."""
    if scan.missing_pts and not scan.intra_only:
        return True
    return not scan.intra_only and bool(set(fmt_name.split(",")) & _DECODE_ORDER_FORMATS)


class _DecodeOrder:
    """Frame order as FFmpeg's decoder gives it: a cheap check of the first pictures, and a
    full decode where the packets' timestamps cannot be trusted."""

    def __init__(self, source: MediaSource, time_base: Fraction, expected: int = 0,
                 progress: Callable[[float], None] | None = None) -> None:
        self.source = source
        self.time_base = time_base
        self.expected = expected  # pictures expected (for progress)
        self.progress = progress
        self.dropped_at_start = 0  # leading pictures the decoder never gives (open GOP)

    def head_agrees(self, packets: list[_Packet]) -> bool:
        """Decode the first pictures; True when they are the packets' pictures in time order
        (allowing leading pictures the decoder drops, recorded in ``dropped_at_start``)."""
        predicted = sorted({p.pts for p in packets})
        keys: list[int] = []
        try:
            with self.source.open_av() as container:
                stream = container.streams.video[0]
                stream.codec_context.thread_type = "NONE"
                for packet in container.demux(stream):
                    for frame in packet.decode():
                        key = frame_key(frame)
                        if key is not None:
                            keys.append(key)
                    if len(keys) >= _HEAD_PICTURES:
                        break
        except av.FFmpegError:
            pass  # damage near the start: the comparison below decides
        if not keys:
            return False
        if keys[0] not in predicted:
            return False
        drop = predicted.index(keys[0])
        if drop > _HEAD_PICTURES:
            return False
        self.dropped_at_start = drop
        return keys == predicted[drop:drop + len(keys)]

    def decode_all(self) -> tuple[list[int], bool]:
        """Every picture's key in decoder order, and whether decoding stopped at damage.

        Frame threading first (fast); where it meets damage, again on one thread so the count
        does not depend on timing (see :func:`~vigstudio.media.timestamps.decoder_thread_type`).
        """
        keys, damaged = self._decode("AUTO")
        if damaged:
            keys, damaged = self._decode("NONE")
        return keys, damaged

    def _decode(self, thread_type: str) -> tuple[list[int], bool]:
        keys: list[int] = []
        damaged = False
        with self.source.open_av() as container:
            stream = container.streams.video[0]
            stream.codec_context.thread_type = thread_type
            ctx = stream.codec_context
            reported = time.monotonic()
            try:
                for packet in container.demux(stream):
                    for frame in ctx.decode(packet):
                        _add_key(keys, frame)
                    if self.progress is not None and time.monotonic() - reported > 0.5:
                        reported = time.monotonic()
                        self.progress(min(1.0, len(keys) / max(1, self.expected)))
            except av.FFmpegError:
                damaged = True
                with contextlib.suppress(av.FFmpegError):
                    for frame in ctx.decode(None):
                        _add_key(keys, frame)
        return keys, damaged


def _add_key(keys: list[int], frame: Any) -> None:
    """Append a decoded picture's key (one past the previous where it carries no time)."""
    key = frame_key(frame)
    keys.append(key if key is not None else (keys[-1] + 1 if keys else 0))


class _Prober:
    def __init__(self, source: MediaSource,
                 progress: Callable[[float], None] | None = None) -> None:
        self.source = source
        self.path = source.path
        self.progress = progress
        self.name = source.name
        self.warnings: list[str] = []
        self.truncated = False

    # -- opening --

    def _open(self) -> av.container.InputContainer:
        try:
            return cast("av.container.InputContainer", self.source.open_av())
        except av.error.FileNotFoundError as exc:
            raise errors.MediaMissingError(f"The recording “{self.name}” is missing.") from exc
        except av.error.PermissionError as exc:
            raise errors.MediaError(
                f"“{self.name}” cannot be read: permission denied.") from exc
        except (av.FFmpegError, UnicodeDecodeError) as exc:
            boxes = walk_boxes(self.source)
            if boxes.is_isobmff and (not boxes.has_moov or boxes.cut_box):
                raise errors.TruncatedMediaError(
                    f"“{self.name}” is incomplete: the file ends early and its index is "
                    "missing (an interrupted recording or copy). Copy it again from the "
                    "camera or phone if you can.") from exc
            raise errors.NotMediaError(
                f"“{self.name}” is not a video file VIG Studio can read (or it is damaged "
                "or incomplete).") from exc

    # -- main --

    def run(self) -> MediaInfo:
        with self._open() as container:
            boxes = walk_boxes(self.source)
            if boxes.is_isobmff and (not boxes.has_moov or boxes.cut_box == "moov"):
                raise errors.TruncatedMediaError(
                    f"“{self.name}” is incomplete: the file ends early and its index is "
                    "damaged (an interrupted recording or copy). Copy it again from the "
                    "camera or phone if you can.")
            if not container.streams.video:
                if container.streams.audio:
                    raise errors.NoVideoError(
                        f"“{self.name}” holds only sound, no pictures. Add the video file "
                        "instead.")
                raise errors.NotMediaError(f"“{self.name}” holds no video.")
            vstream = container.streams.video[0]
            # one thread: the tail's decodable frames must not depend on timing (see
            # media.timestamps.decoder_thread_type); it is only one GOP
            vstream.codec_context.thread_type = "NONE"
            time_base = vstream.time_base
            if time_base is None:
                raise errors.NotMediaError(f"“{self.name}” has no usable timing information.")
            codec = vstream.codec_context.name
            width, height = vstream.codec_context.width, vstream.codec_context.height
            if not (0 < width <= _MAX_SIDE and 0 < height <= _MAX_SIDE):
                raise errors.NotMediaError(
                    f"“{self.name}” states a picture size of {width}×{height}, which no "
                    "camera records: its header is damaged.")
            claimed = int(vstream.frames or 0)
            # Read everything from the stream while the container is open: PyAV's stream
            # properties (e.g. guessed_rate) touch freed memory once it is closed (a segfault).
            declared_rate = vstream.average_rate or vstream.guessed_rate
            declared = Fraction(declared_rate) if declared_rate else None
            scan = self._demux(container, vstream)
            packets, tail, demux_failed, n_read = scan.packets, scan.tail, scan.failed, scan.read
            if boxes.cut_box is not None or matroska_cut(self.source):
                self.truncated = True
            first_missing_dts = self._first_missing_dts(vstream, n_read)
            decoded_tail, rotation, tail_ok = self._decode_tail(vstream, tail)
            audio = self._audio(container)
            fmt_name = container.format.name
            colour = stream_colour(vstream)

        if not packets:
            raise errors.TruncatedMediaError(
                f"“{self.name}” holds no complete pictures (it may be incomplete).")
        order = _DecodeOrder(self.source, time_base, len(packets), self.progress)
        if _order_needs_decoding(fmt_name, scan) or not order.head_agrees(packets):
            return self._build_from_decode(order, fmt_name, codec, width, height,
                                           rotation=rotation, declared=declared, audio=audio,
                                           colour=colour, demux_failed=demux_failed,
                                           first_dts=packets[0].dts)
        # Video frames are known to be missing, or may be (a cut file whose container does
        # not say how many frames it should hold).
        missing = demux_failed or (claimed > 0 and scan.entries < claimed) or not tail_ok
        if missing:
            self.truncated = True
        maybe_missing = missing or (self.truncated and claimed == 0)
        usable = self._usable(packets, tail, decoded_tail, maybe_missing, first_missing_dts)
        usable = usable[order.dropped_at_start:]
        if not usable:
            raise errors.TruncatedMediaError(
                f"“{self.name}” holds no picture that can be shown (it may be incomplete).")
        if self.truncated:
            total = max(claimed, len(packets))
            if len(usable) < total:
                self.warnings.append(
                    f"Only the first {len(usable)} of {total} frames can be shown; "
                    "the rest of the file is missing or damaged.")
            else:
                self.warnings.append(
                    f"The end of the file is missing, but all {total} frames can be shown "
                    "(some sound at the end may be lost).")
        pts = [p.pts for p in usable]
        last_duration = usable[-1].duration
        return self._build(fmt_name, codec, width, height, rotation, time_base=time_base,
                           pts=pts, last_duration=last_duration, declared=declared,
                           audio=audio, colour=colour)

    def _build_from_decode(self, order: _DecodeOrder, fmt_name: str, codec: str, width: int,
                           height: int, *, rotation: int, declared: Fraction | None,
                           audio: tuple[str, int, int] | None, colour: StreamColour,
                           demux_failed: bool, first_dts: int | None) -> MediaInfo:
        """The index from a full decode: frame N is the N-th picture the decoder gives.

        Where the decoder's timestamps start later than the first packet's decode time (AVI
        with B-frames adds the reordering delay), the file's own clock — the one its sound
        follows — starts at that decode time: frame times are taken from there, and the
        pictures are told apart by their keys.
        """
        keys, damaged = order.decode_all()
        if not keys:
            raise errors.TruncatedMediaError(
                f"“{self.name}” holds no picture that can be shown (it may be incomplete).")
        if damaged or demux_failed:
            self.truncated = True
            self.warnings.append(
                f"The file is cut short or damaged after frame {len(keys) - 1}: the first "
                f"{len(keys)} frames can be shown.")
        ordered = sorted(keys)
        shift = ordered[0] - first_dts if first_dts is not None else 0
        shift = max(shift, 0)
        frame_keys = None if keys == ordered and not shift else tuple(keys)
        ordered = [k - shift for k in ordered]
        if len(set(keys)) < len(keys):
            self.warnings.append(
                f"{len(keys) - len(set(keys))} frames share a timestamp with another; "
                "stepping may skip them.")
        return self._build(fmt_name, codec, width, height, rotation, time_base=order.time_base,
                           pts=ordered, last_duration=0, declared=declared, audio=audio,
                           colour=colour, frame_keys=frame_keys)

    def _demux(self, container: av.container.InputContainer,
               vstream: av.video.stream.VideoStream) -> _Scan:
        """Demux all video packets: the complete packets, the last GOP, and what was seen."""
        scan = _Scan()
        n_read = 0
        tail: list[_VPacket] = []
        tail_overflow = False
        try:
            for packet in container.demux(vstream):
                if packet.size == 0:
                    if packet.pts is not None or packet.dts is not None:
                        scan.entries += 1  # an index entry with no data ("repeat")
                    continue
                n_read += 1
                scan.entries += 1
                if packet.is_keyframe:
                    tail = [packet]
                    tail_overflow = False
                elif not tail_overflow:
                    tail.append(packet)
                    if len(tail) > _MAX_TAIL_PACKETS:
                        tail, tail_overflow = [], True
                if packet.is_discard:
                    continue
                if packet.is_corrupt:
                    scan.failed = True  # a packet cut off by the end of the file
                    break
                if not packet.is_keyframe:
                    scan.intra_only = False
                pts = packet.pts if packet.pts is not None else packet.dts
                if pts is None:
                    scan.missing_pts = True
                    continue
                if packet.pts is None:
                    scan.missing_pts = True
                scan.packets.append(_Packet(pts, packet.dts, int(packet.duration or 0)))
        except av.FFmpegError:
            scan.failed = True
        if tail_overflow:
            self.warnings.append("The end of the file was not test-decoded (very few keyframes).")
        scan.tail = tail if not tail_overflow else []
        scan.read = n_read - (1 if scan.failed else 0)
        return scan

    @staticmethod
    def _first_missing_dts(vstream: av.video.stream.VideoStream, n_read: int) -> int | None:
        """The dts of the first packet the index lists but the file does not hold (MP4)."""
        try:
            entries = vstream.index_entries
            if len(entries) > n_read:
                return int(entries[n_read].timestamp)
        except (AttributeError, IndexError):
            return None
        return None

    def _decode_tail(self, vstream: av.video.stream.VideoStream,
                     tail: list[_VPacket]) -> tuple[set[int], int, bool]:
        """Decode the last GOP: the pts that decoded, the rotation, and whether all did."""
        decoded: set[int] = set()
        rotations: list[int] = []
        ok = True
        ctx = vstream.codec_context
        try:
            for packet in [*tail, None]:
                for frame in ctx.decode(packet):
                    if frame.pts is not None:
                        decoded.add(frame.pts)
                    rotations.append(int(frame.rotation))
        except av.FFmpegError:
            ok = False
            try:
                for frame in ctx.decode(None):
                    if frame.pts is not None:
                        decoded.add(frame.pts)
            except av.FFmpegError:
                pass
        if tail:
            key_pts = tail[0].pts
            expected = {p.pts for p in tail if p.pts is not None and not p.is_discard and
                        (key_pts is None or p.pts >= key_pts)}
            if not expected <= decoded:
                ok = False
        return decoded, self._rotation(rotations[0] if rotations else 0), ok

    def _rotation(self, ccw: int) -> int:
        clockwise = (-ccw) % 360
        rounded = (round(clockwise / 90) * 90) % 360
        if rounded != clockwise:
            self.warnings.append(
                f"The picture is turned by {clockwise}°, treated as {rounded}°.")
        return rounded

    def _usable(self, packets: list[_Packet], tail: list[_VPacket], decoded_tail: set[int],
                maybe_missing: bool, first_missing_dts: int | None) -> list[_Packet]:
        """The packets whose frames can be shown in order from frame 0 without a gap."""
        ordered = sorted(packets, key=lambda p: p.pts)
        unique: list[_Packet] = []
        for packet in ordered:
            if unique and unique[-1].pts == packet.pts:
                continue
            unique.append(packet)
        if len(unique) < len(ordered):
            self.warnings.append(
                f"{len(ordered) - len(unique)} frames share a timestamp with another; "
                "only one of each is counted.")
        if not maybe_missing:
            return unique
        # Frames missing at the end of a cut file have dts >= the first missing dts, and
        # pts >= dts: every frame before that time is present.
        last_dts = max((p.dts for p in packets if p.dts is not None), default=None)
        safe_before = first_missing_dts
        if safe_before is None and last_dts is not None:
            safe_before = last_dts + 1
        tail_pts = {p.pts for p in tail if p.pts is not None}
        result: list[_Packet] = []
        for packet in unique:
            if packet.pts in tail_pts and packet.pts not in decoded_tail:
                break
            if safe_before is not None and packet.pts >= safe_before:
                break
            result.append(packet)
        # Constant-rate video: frames past that bound are still usable while the spacing holds.
        if len(result) >= 2:
            deltas = {b.pts - a.pts for a, b in itertools.pairwise(result)}
            if len(deltas) == 1:
                step = deltas.pop()
                for packet in unique[len(result):]:
                    if packet.pts - result[-1].pts != step:
                        break
                    if packet.pts in tail_pts and packet.pts not in decoded_tail:
                        break
                    result.append(packet)
        return result

    def _audio(self, container: av.container.InputContainer) -> tuple[str, int, int] | None:
        if not container.streams.audio:
            return None
        actx = container.streams.audio[0].codec_context
        return actx.name, int(actx.sample_rate), int(actx.channels)

    def _build(self, fmt_name: str, codec: str, width: int, height: int, rotation: int, *,
               time_base: Fraction, pts: list[int], last_duration: int,
               declared: Fraction | None, audio: tuple[str, int, int] | None,
               colour: StreamColour, frame_keys: tuple[int, ...] | None = None) -> MediaInfo:
        """``pts``: every frame's presentation time (time_base units), rising."""
        start = pts[0]
        deltas = [b - a for a, b in itertools.pairwise(pts)]
        common = Counter(deltas).most_common(1)[0][0] if deltas else 0
        last_duration = last_duration or common
        if last_duration <= 0:
            # a single frame with no duration: fall back to the declared rate
            last_duration = max(1, round(1 / ((declared or Fraction(25)) * time_base)))
        end = pts[-1] + last_duration
        duration = (end - start) * time_base
        rate, constant = self._rate(pts, deltas, time_base, declared, duration)
        suffix = Path(self.source.format_hint).suffix.lower().lstrip(".")
        names = fmt_name.split(",")
        container_name = suffix if suffix in names else names[0]
        if constant:
            # A constant-rate clock ends at frame_count / rate: keep duration consistent.
            duration = len(pts) / rate
        return MediaInfo(
            container=container_name, video_codec=codec, width=width, height=height,
            rotation=rotation, frame_rate=FrameRate(rate), variable_frame_rate=not constant,
            frame_count=len(pts), duration=duration, time_base=time_base, start_pts=start,
            audio_codec=audio[0] if audio else None,
            audio_sample_rate=audio[1] if audio else None,
            audio_channels=audio[2] if audio else None,
            truncated=self.truncated,
            frame_times=None if constant else tuple((p - start) * time_base for p in pts),
            warnings=tuple(self.warnings), frame_keys=frame_keys,
            color_primaries=colour.primaries, color_transfer=colour.transfer,
            color_space=colour.space, color_range=colour.range,
        )

    def _rate(self, pts: list[int], deltas: list[int], time_base: Fraction,
              declared: Fraction | None, duration: Fraction) -> tuple[Fraction, bool]:
        if deltas and len(set(deltas)) == 1:
            return 1 / (deltas[0] * time_base), True
        if not deltas:
            return (declared if declared else 1 / duration), True
        if declared and declared * time_base * 2 <= 1:
            # (only where a tick is at most half a frame: otherwise "within one tick" would
            # also accept a missing or repeated frame)
            rate = declared
            start = pts[0]
            # every pts within one tick of n / rate: a rounded constant rate (e.g. Matroska).
            # |(p - start)·a/b − n·s/r| ≤ a/b  ⇔  |(p - start)·a·r − n·s·b| ≤ a·r
            a, b = time_base.numerator, time_base.denominator
            r, s = rate.numerator, rate.denominator
            if all(abs((p - start) * a * r - n * s * b) <= a * r for n, p in enumerate(pts)):
                return rate, True
        return Fraction(len(pts)) / duration, False
