"""The reel renderer: decodes the selected frames, shapes them and encodes H.264 + AAC.

Runs in whichever process calls it; :func:`vigstudio.media.export.export_reel` runs it in a
child process (``vigstudio.media.export_worker``) so a decoder crash cannot take the app down.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections import Counter
from collections.abc import Callable, Generator, Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any, Generic, TypeVar, cast

import av
import numpy as np
import numpy.typing as npt
from av.video.reformatter import VideoReformatter

from vigstudio.domain.annotations import Mark
from vigstudio.domain.media import MediaInfo
from vigstudio.domain.time import FrameRange
from vigstudio.errors import (
    DamagedMediaError,
    MediaError,
    MediaMissingError,
    NotMediaError,
    NoVideoError,
)
from vigstudio.media import captions, colour, decode
from vigstudio.media.decode import _decode_range as decode_range
from vigstudio.media.export_plan import (
    AUDIO_LAYOUT,
    AUDIO_SAMPLE_RATE,
    ClipSegment,
    ReelLayout,
    ReelPlan,
    StillSegment,
    TitleCard,
    clip_source_frames,
    freeze_frames,
    layout_reel,
    samples_before,
)
from vigstudio.media.marks import draw_marks
from vigstudio.media.source import MediaLike, MediaSource, as_source
from vigstudio.media.timestamps import FrameTimestamps, decoder_thread_type

__all__ = ["AAC_BITRATE", "FADE_SECONDS", "X264_CRF", "X264_PRESET", "FrameShaper", "PreparedReel",
           "render_reel"]

X264_PRESET = "veryfast"
X264_CRF = 23
AAC_BITRATE = 128_000
FADE_SECONDS = Fraction(1, 100)  # 10 ms fades at every join
SCALE_INTERPOLATION = "BICUBIC"  # FFmpeg's scale filter default
_AAC_FRAME = 1024
_CHANNELS = 2

ProgressFn = Callable[[int, int], None]
AudioArray = npt.NDArray[np.float32]


class FrameShaper:
    """Turns decoded source frames into upright output frames of one size (yuv420p).

    The picture is scaled to fit the output keeping its aspect (centred on black when the
    aspect differs), turned upright by ``info.rotation``, and gets the caption burned in.
    """

    def __init__(self, info: MediaInfo, width: int, height: int,
                 overlay: captions.CaptionOverlay | None,
                 out_colour: colour.OutputColour = colour.BT709, *,
                 marks: tuple[Mark, ...] = ()) -> None:
        self.width, self.height = width, height
        self.marks = marks
        self.hdr_transfer = info.color_transfer if info.is_hdr else None
        src = colour.source_matrix(info)
        self.src_matrix = colour.SWS_NAMES.get(src, "itu709")
        self.dst_matrix = colour.SWS_NAMES.get(out_colour.space, "itu709")
        self.rotation = info.rotation % 360
        up_w, up_h = info.display_size
        scale = min(width / up_w, height / up_h)
        fit_w = min(width, max(2, round(up_w * scale / 2) * 2))
        fit_h = min(height, max(2, round(up_h * scale / 2) * 2))
        self.fit = (fit_w, fit_h)
        self.stored = (fit_h, fit_w) if self.rotation in (90, 270) else (fit_w, fit_h)
        self.overlay = overlay
        self.fast = (self.rotation == 0 and self.fit == (width, height) and overlay is None
                     and self.hdr_transfer is None and self.src_matrix == self.dst_matrix
                     and not marks)
        # one scaler for all the clip's frames (VideoFrame.reformat sets one up per frame)
        self._reformatter: Any = VideoReformatter()  # (its stub wants numbers; names work)

    def shape(self, frame: Any) -> Any:
        if self.fast:
            return self._reformatter.reformat(frame, self.width, self.height, format="yuv420p",
                                              src_colorspace=self.src_matrix,
                                              dst_colorspace=self.dst_matrix,
                                              interpolation=SCALE_INTERPOLATION)
        stored_w, stored_h = self.stored
        if self.hdr_transfer is not None:
            rgb48 = frame.to_ndarray(width=stored_w, height=stored_h, format="rgb48le",
                                     src_colorspace=self.src_matrix,
                                     interpolation=SCALE_INTERPOLATION)
            rgb = colour.tone_map_to_sdr(rgb48, self.hdr_transfer)
        else:
            rgb = frame.to_ndarray(width=stored_w, height=stored_h, format="rgb24",
                                   src_colorspace=self.src_matrix,
                                   interpolation=SCALE_INTERPOLATION)
        if self.rotation:
            # rotation is the clockwise turn to show it upright; np.rot90 turns counter-clockwise
            rgb = np.rot90(rgb, k=-(self.rotation // 90))
        if self.marks:  # on the upright picture, as the still's PNG has them
            rgb = draw_marks(rgb, self.marks)
        fit_w, fit_h = self.fit
        if (fit_w, fit_h) != (self.width, self.height):
            canvas = np.zeros((self.height, self.width, 3), np.uint8)
            x0, y0 = (self.width - fit_w) // 2, (self.height - fit_h) // 2
            canvas[y0:y0 + fit_h, x0:x0 + fit_w] = rgb
            rgb = canvas
        rgb = np.ascontiguousarray(rgb)
        if self.overlay is not None:
            rgb = self.overlay.apply(rgb)
        return av.VideoFrame.from_ndarray(rgb, format="rgb24").reformat(
            format="yuv420p", dst_colorspace=self.dst_matrix)


def _fade_edges(samples: AudioArray, fade: int) -> AudioArray:
    n = samples.shape[1]
    fade = min(fade, n // 2)
    if fade > 0:
        ramp = np.linspace(0.0, 1.0, fade, endpoint=False, dtype=np.float32)
        samples[:, :fade] *= ramp
        samples[:, n - fade:] *= ramp[::-1]
    return samples


def _fit(samples: AudioArray, count: int) -> AudioArray:
    if samples.shape[1] == count:
        return samples
    out = np.zeros((samples.shape[0], count), np.float32)
    keep = min(count, samples.shape[1])
    out[:, :keep] = samples[:, :keep]
    return out


class _Writer:
    """The output file: one constant-rate H.264 stream and one continuous AAC stream."""

    def __init__(self, path: Path, layout: ReelLayout, on_frame: Callable[[int], None],
                 out_colour: colour.OutputColour = colour.BT709) -> None:
        self.rate = layout.frame_rate
        self.colour = out_colour
        self.container = av.open(str(path), "w", format="mp4",
                                 options={"movflags": "+faststart"})
        video = self.container.add_stream("libx264", rate=self.rate)
        video.width, video.height, video.pix_fmt = layout.width, layout.height, "yuv420p"
        video.codec_context.time_base = 1 / self.rate
        video.codec_context.options = {"preset": X264_PRESET, "crf": str(X264_CRF)}
        video.codec_context.thread_type = "AUTO"
        ctx = video.codec_context
        ctx.color_primaries, ctx.color_trc, ctx.colorspace = out_colour.codec_numbers()
        ctx.color_range = 1  # limited ("tv") range, as every camera and browser expects
        self.video = video
        audio = self.container.add_stream("aac", rate=AUDIO_SAMPLE_RATE)
        audio.codec_context.layout = AUDIO_LAYOUT
        audio.codec_context.format = "fltp"
        audio.codec_context.bit_rate = AAC_BITRATE
        self.audio = audio
        self.frames = 0
        self.samples_written = 0
        self._pending: list[AudioArray] = []
        self._pending_len = 0
        self._on_frame = on_frame

    def queue_audio(self, samples: AudioArray) -> None:
        if samples.shape[1]:
            self._pending.append(samples)
            self._pending_len += samples.shape[1]

    def _write_audio(self, upto: int, *, final: bool = False) -> None:
        while self._pending_len and (final or self.samples_written + _AAC_FRAME <= upto):
            data = np.concatenate(self._pending, axis=1) if len(self._pending) > 1 \
                else self._pending[0]
            take = min(_AAC_FRAME, data.shape[1])
            if take < _AAC_FRAME and not final:
                self._pending = [data]
                return
            block = np.ascontiguousarray(data[:, :take])
            rest = data[:, take:]
            self._pending = [rest] if rest.shape[1] else []
            self._pending_len = rest.shape[1]
            frame = av.AudioFrame.from_ndarray(block, format="fltp", layout=AUDIO_LAYOUT)
            frame.sample_rate = AUDIO_SAMPLE_RATE
            frame.pts = self.samples_written
            frame.time_base = Fraction(1, AUDIO_SAMPLE_RATE)
            self.samples_written += take
            self.container.mux(self.audio.encode(frame))

    def write_video(self, frame: Any) -> None:
        frame.pts = self.frames
        frame.time_base = 1 / self.rate
        self.container.mux(self.video.encode(frame))
        self.frames += 1
        self._write_audio(samples_before(self.frames, self.rate))
        self._on_frame(self.frames)

    def close(self) -> None:
        self.container.mux(self.video.encode(None))
        self._write_audio(0, final=True)
        self.container.mux(self.audio.encode(None))
        self.container.close()

    def abort(self) -> None:
        self.container.close()


def _overlay_for(caption: str, burn: bool, layout: ReelLayout) -> captions.CaptionOverlay | None:
    return captions.render_caption(caption, layout.width, layout.height) if burn else None


def _silence(count: int) -> AudioArray:
    return np.zeros((_CHANNELS, count), np.float32)


# Codecs whose non-reference pictures no later picture refers to: while decoding from the
# keyframe up to a cut, those pictures need not be decoded at all (HEVC's "sub-layer
# non-reference" pictures may still be referred to by higher layers, so HEVC is not here).
_NONREF_SKIPPABLE = frozenset({"h264", "mpeg1video", "mpeg2video", "mpeg4"})


class _CatchUp:
    """The container as :class:`~vigstudio.media.seeking.Pictures` sees it, skipping the
    decoding of non-reference pictures between a seek and the cut it was made for.

    Before each packet is decoded its timestamp is compared with the earliest timestamp any
    wanted picture can have; from the first packet at or after it (or without a timestamp)
    everything is decoded. A skipped picture is one that no other picture refers to and that
    lies before the cut, so the pictures from the cut on are exactly those of a full decode.
    """

    def __init__(self, container: Any, stream: Any, enabled: bool) -> None:
        self._container, self._stream = container, stream
        self._enabled = enabled
        self._from_pts: int | None = None
        self._skipping = False
        self.skipping_packets = 0  # packets handed to the decoder while skipping (a statistic)

    def aim(self, from_pts: int | None) -> None:
        """Decode everything from ``from_pts`` on (None: everything) after the next seek."""
        self._from_pts = from_pts if self._enabled else None

    def _skip(self, on: bool) -> None:
        if on != self._skipping:
            self._stream.codec_context.skip_frame = "NONREF" if on else "DEFAULT"
            self._skipping = on

    def seek(self, *args: Any, **kwargs: Any) -> None:
        self._skip(False)
        self._container.seek(*args, **kwargs)
        self._skip(self._from_pts is not None)

    def demux(self, stream: Any) -> Iterator[Any]:
        for packet in self._container.demux(stream):
            if self._skipping and (packet.pts is None or packet.pts >= cast(int, self._from_pts)):
                self._skip(False)
            self.skipping_packets += self._skipping
            yield packet


def _open_recording(media: MediaLike) -> Any:
    path = as_source(media)
    if not path.exists():
        raise MediaMissingError(f"The media file is missing: {path}")
    try:
        return path.open_av()
    except av.FFmpegError as exc:
        raise NotMediaError(f"Cannot read {path.name} as video: {exc}") from exc


class _Source:
    """One recording, opened once for all the clips and stills of the reel taken from it."""

    def __init__(self, media: MediaLike, info: MediaInfo) -> None:
        path = as_source(media)
        self.path, self.info = path, info
        self.container = _open_recording(path)
        if not self.container.streams.video:
            self.container.close()
            raise NoVideoError(f"{path.name} holds no video (the file has been replaced?)")
        self.stream = self.container.streams.video[0]
        self.stream.thread_type = decoder_thread_type(info)
        self.stamps = FrameTimestamps(info)
        codec = self.stream.codec_context.name
        self.catch_up = _CatchUp(self.container, self.stream, codec in _NONREF_SKIPPABLE)

    def frames(self, wanted: FrameRange) -> Generator[tuple[int, Any], None, None]:
        """``(index, picture)`` for exactly the frames of ``wanted``, in order (as
        :func:`vigstudio.media.decode.iter_video_frames`, on the open file)."""
        name = self.path.name
        self.catch_up.aim(self.stamps.pts_of(max(0, wanted.start - 2)))
        try:
            expected = yield from decode_range(self.catch_up, self.stream, self.info, wanted)
        except av.FFmpegError as exc:
            raise DamagedMediaError(
                f"{name} is damaged near frame {wanted.start}: the picture cannot be decoded "
                f"({exc.strerror or exc}).") from exc
        if expected < wanted.end:
            raise MediaError(f"{name} ended at frame {expected} before frame {wanted.end - 1}; "
                             "the file may be truncated")

    def close(self) -> None:
        self.container.close()


class _Sources:
    """The open recordings of a reel; each is closed after the last item that uses it."""

    def __init__(self, plan: ReelPlan) -> None:
        self._last_use: dict[MediaSource, int] = {}
        for position, item in enumerate(plan.items):
            if isinstance(item, ClipSegment | StillSegment):
                self._last_use[as_source(item.path)] = position
        self._open: dict[MediaSource, _Source] = {}

    def get(self, media: MediaLike, info: MediaInfo) -> _Source:
        path = as_source(media)
        source = self._open.get(path)
        if source is None:
            source = self._open[path] = _Source(path, info)
        return source

    def done_with(self, position: int) -> None:
        for path, last in self._last_use.items():
            if last == position and path in self._open:
                self._open.pop(path).close()

    def close(self) -> None:
        while self._open:
            self._open.popitem()[1].close()


# What the decoding thread hands to the encoding thread, in output order:
# ("audio", samples, 0) queues audio; ("video", picture, n) writes the picture n times;
# ("end", None, frames) marks the end of an item (the output frames written by then).
_Event = tuple[str, Any, int]


def _clip_events(clip: ClipSegment, start_frame: int, layout: ReelLayout, *, fade: int,
                 out_colour: colour.OutputColour, sources: _Sources) -> Iterator[_Event]:
    rate = layout.frame_rate
    selection = clip_source_frames(clip, rate)
    freeze = freeze_frames(clip, rate)
    moving_samples = (samples_before(start_frame + len(selection), rate)
                      - samples_before(start_frame, rate))
    freeze_samples = (samples_before(start_frame + len(selection) + freeze, rate)
                      - samples_before(start_frame + len(selection), rate))
    t0 = clip.info.clock.time_of(clip.frames.start)
    t1 = decode.time_of_range_end(clip.info, clip.frames)
    audio = decode.read_audio(clip.path, clip.info, t0, t1, sample_rate=AUDIO_SAMPLE_RATE,
                              layout=AUDIO_LAYOUT)
    if clip.speed != 1:
        audio = decode.stretch_audio(audio, AUDIO_SAMPLE_RATE, AUDIO_LAYOUT, clip.speed)
    yield "audio", _fade_edges(_fit(audio, moving_samples), fade), 0
    yield "audio", _silence(freeze_samples), 0

    shaper = FrameShaper(clip.info, layout.width, layout.height,
                         _overlay_for(clip.caption, clip.burn_caption, layout), out_colour)
    repeats = Counter(selection)
    wanted = FrameRange(selection[0], selection[-1] + 1)
    shaped: Any = None
    for index, frame in sources.get(as_source(clip.path), clip.info).frames(wanted):
        times = repeats.get(index, 0)
        if times:
            shaped = shaper.shape(frame)
            yield "video", shaped, times
    if freeze:
        yield "video", shaped, freeze


def _hold_events(picture: Any, start_frame: int, frames: int, rate: Fraction
                 ) -> Iterator[_Event]:
    yield "audio", _silence(samples_before(start_frame + frames, rate)
                            - samples_before(start_frame, rate)), 0
    yield "video", picture, frames


def _reel_events(plan: ReelPlan, layout: ReelLayout, out_colour: colour.OutputColour
                 ) -> Iterator[_Event]:
    """Everything the encoder needs, item after item (runs in the decoding thread)."""
    fade = int(FADE_SECONDS * AUDIO_SAMPLE_RATE)
    sources = _Sources(plan)
    try:
        for position, (item, start, count) in enumerate(
                zip(plan.items, layout.item_starts, layout.item_frames, strict=True)):
            if isinstance(item, ClipSegment):
                yield from _clip_events(item, start, layout, fade=fade, out_colour=out_colour,
                                        sources=sources)
            elif isinstance(item, StillSegment):
                shaper = FrameShaper(item.info, layout.width, layout.height,
                                     _overlay_for(item.caption, item.burn_caption, layout),
                                     out_colour, marks=item.marks)
                source = sources.get(as_source(item.path), item.info)
                frames = source.frames(FrameRange(item.frame, item.frame + 1))
                try:
                    decoded = next(frames, None)
                finally:
                    frames.close()
                if decoded is None:
                    raise MediaError(f"frame {item.frame} could not be decoded from "
                                     f"{as_source(item.path).name}")
                yield from _hold_events(shaper.shape(decoded[1]), start, count,
                                        layout.frame_rate)
            else:
                assert isinstance(item, TitleCard)
                rgb = captions.render_title_card(item.text, layout.width, layout.height,
                                                 item.caption if item.burn_caption else "")
                picture = av.VideoFrame.from_ndarray(rgb, format="rgb24").reformat(
                    format="yuv420p", dst_colorspace=colour.SWS_NAMES.get(out_colour.space))
                yield from _hold_events(picture, start, count, layout.frame_rate)
            sources.done_with(position)
            yield "end", None, start + count
    finally:
        sources.close()


_T = TypeVar("_T")
_DONE = object()
_PREFETCH_BYTES = 64 * 1024 * 1024  # output pictures the decoding thread may run ahead


class _Prefetch(Generic[_T]):
    """Runs ``items`` in a background thread (started at once), ``depth`` ahead.

    Decoding and scaling (FFmpeg, without the GIL) then overlap with encoding, also across
    the joins between clips. An exception in the producer is raised in the consumer;
    :meth:`close` stops the producer (and is safe to call more than once).
    """

    def __init__(self, items: Iterator[_T], depth: int) -> None:
        self._buffer: queue.Queue[object] = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._items = items
        self._worker = threading.Thread(target=self._produce, name="export-decode",
                                         daemon=True)
        self._worker.start()

    def _produce(self) -> None:
        try:
            for item in self._items:
                while not self._stop.is_set():
                    try:
                        self._buffer.put(item, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if self._stop.is_set():
                    return
            self._buffer.put(_DONE)
        except BaseException as exc:  # noqa: BLE001 - handed over to the consumer thread
            self._buffer.put(exc)
        finally:
            close = getattr(self._items, "close", None)
            if close is not None:
                close()  # runs the generator's clean-up (closes files) in this thread

    def __iter__(self) -> Iterator[_T]:
        while True:
            got = self._buffer.get()
            if got is _DONE:
                return
            if isinstance(got, BaseException):
                raise got
            yield cast(_T, got)

    def close(self) -> None:
        self._stop.set()
        while self._worker.is_alive():
            with contextlib.suppress(queue.Empty):
                self._buffer.get(timeout=0.05)
        self._worker.join()


def _prefetch_depth(layout: ReelLayout) -> int:
    picture = layout.width * layout.height * 3 // 2
    return max(4, min(32, _PREFETCH_BYTES // max(1, picture)))


class PreparedReel:
    """A reel whose decoding has begun before the export was asked for (pictures in memory
    only): :func:`render_reel` given the same plan and height starts with them."""

    def __init__(self, plan: ReelPlan, height: int | None) -> None:
        self.plan, self.height = plan, height
        self.layout = layout_reel(plan, height)
        self.out_colour = colour.output_colour(
            [item.info for item in plan.items if isinstance(item, ClipSegment | StillSegment)])
        self.events = _Prefetch(_reel_events(plan, self.layout, self.out_colour),
                                _prefetch_depth(self.layout))

    def matches(self, plan: ReelPlan, height: int | None) -> bool:
        return self.height == height and self.plan == plan

    def close(self) -> None:
        self.events.close()


def render_reel(plan: ReelPlan, out: Path, *, height: int | None = None,
                progress: ProgressFn | None = None,
                prepared: PreparedReel | None = None) -> ReelLayout:
    """Write the reel to ``out`` (an MP4, overwritten if present) in this process.

    ``progress(done_frames, total_frames)`` is called after every output frame.
    Returns the layout that was written.
    """
    layout = layout_reel(plan, height)
    total = layout.frame_count

    def on_frame(done: int) -> None:
        if progress is not None:
            progress(done, total)

    if prepared is not None and not prepared.matches(plan, height):
        prepared.close()
        prepared = None
    if prepared is None:
        # decoding starts at once, in its own thread, while the encoder is being set up
        prepared = PreparedReel(plan, height)
    out_colour, events = prepared.out_colour, prepared.events
    try:
        writer = _Writer(out, layout, on_frame, out_colour)
        try:
            for kind, payload, number in events:
                if kind == "audio":
                    writer.queue_audio(payload)
                elif kind == "video":
                    for _ in range(number):
                        writer.write_video(payload)
                elif writer.frames != number:
                    raise RuntimeError(f"wrote {writer.frames} frames, planned {number}")
            writer.close()
        except BaseException:
            writer.abort()
            raise
    finally:
        events.close()
    return layout
