"""The reel renderer: decodes the selected frames, shapes them and encodes H.264 + AAC.

Runs in whichever process calls it; :func:`vigstudio.media.export.export_reel` runs it in a
child process (``vigstudio.media.export_worker``) so a decoder crash cannot take the app down.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any, TypeVar, cast

import av
import numpy as np
import numpy.typing as npt

from vigstudio.domain.annotations import Mark
from vigstudio.domain.media import MediaInfo
from vigstudio.domain.time import FrameRange
from vigstudio.media import captions, colour, decode
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

__all__ = ["AAC_BITRATE", "FADE_SECONDS", "X264_CRF", "X264_PRESET", "FrameShaper", "render_reel"]

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

    def shape(self, frame: Any) -> Any:
        if self.fast:
            return frame.reformat(self.width, self.height, format="yuv420p",
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


def _render_clip(writer: _Writer, clip: ClipSegment, layout: ReelLayout, fade: int,
                 out_colour: colour.OutputColour) -> None:
    rate = layout.frame_rate
    selection = clip_source_frames(clip, rate)
    freeze = freeze_frames(clip, rate)
    start_frame = writer.frames
    moving_samples = (samples_before(start_frame + len(selection), rate)
                      - samples_before(start_frame, rate))
    freeze_samples = (samples_before(start_frame + len(selection) + freeze, rate)
                      - samples_before(start_frame + len(selection), rate))
    clock = clip.info.clock
    t0 = clock.time_of(clip.frames.start)
    t1 = decode.time_of_range_end(clip.info, clip.frames)
    audio = decode.read_audio(clip.path, clip.info, t0, t1, sample_rate=AUDIO_SAMPLE_RATE,
                              layout=AUDIO_LAYOUT)
    if clip.speed != 1:
        audio = decode.stretch_audio(audio, AUDIO_SAMPLE_RATE, AUDIO_LAYOUT, clip.speed)
    writer.queue_audio(_fade_edges(_fit(audio, moving_samples), fade))
    writer.queue_audio(_silence(freeze_samples))

    shaper = FrameShaper(clip.info, layout.width, layout.height,
                         _overlay_for(clip.caption, clip.burn_caption, layout), out_colour)
    repeats = Counter(selection)
    wanted = FrameRange(selection[0], selection[-1] + 1)

    def shaped_frames() -> Iterator[tuple[Any, int]]:
        for index, frame in decode.iter_video_frames(clip.path, clip.info, wanted):
            times = repeats.get(index, 0)
            if times:
                yield shaper.shape(frame), times

    shaped: Any = None
    for shaped, times in _prefetch(shaped_frames()):
        for _ in range(times):
            writer.write_video(shaped)
    for _ in range(freeze):
        writer.write_video(shaped)


_T = TypeVar("_T")
_DONE = object()


def _prefetch(items: Iterator[_T], depth: int = 6) -> Iterator[_T]:
    """Run ``items`` in a background thread, ``depth`` ahead of the consumer.

    Decoding and scaling (FFmpeg, without the GIL) then overlap with encoding. An exception in
    the producer is raised in the consumer; a consumer that stops early stops the producer.
    """
    buffer: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                while not stop.is_set():
                    try:
                        buffer.put(item, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            buffer.put(_DONE)
        except BaseException as exc:  # noqa: BLE001 - handed over to the consumer thread
            buffer.put(exc)

    worker = threading.Thread(target=produce, name="export-decode", daemon=True)
    worker.start()
    try:
        while True:
            got = buffer.get()
            if got is _DONE:
                return
            if isinstance(got, BaseException):
                raise got
            yield cast(_T, got)
    finally:
        stop.set()
        while worker.is_alive():
            with contextlib.suppress(queue.Empty):
                buffer.get(timeout=0.05)
        worker.join()


def _render_hold(writer: _Writer, picture: Any, frames: int) -> None:
    start = writer.frames
    rate = writer.rate
    writer.queue_audio(_silence(samples_before(start + frames, rate)
                                - samples_before(start, rate)))
    for _ in range(frames):
        writer.write_video(picture)


def render_reel(plan: ReelPlan, out: Path, *, height: int | None = None,
                progress: ProgressFn | None = None) -> ReelLayout:
    """Write the reel to ``out`` (an MP4, overwritten if present) in this process.

    ``progress(done_frames, total_frames)`` is called after every output frame.
    Returns the layout that was written.
    """
    layout = layout_reel(plan, height)
    total = layout.frame_count
    fade = int(FADE_SECONDS * AUDIO_SAMPLE_RATE)

    def on_frame(done: int) -> None:
        if progress is not None:
            progress(done, total)

    out_colour = colour.output_colour(
        [item.info for item in plan.items if isinstance(item, ClipSegment | StillSegment)])
    writer = _Writer(out, layout, on_frame, out_colour)
    expected = 0
    try:
        for item, count in zip(plan.items, layout.item_frames, strict=True):
            if isinstance(item, ClipSegment):
                _render_clip(writer, item, layout, fade, out_colour)
            elif isinstance(item, StillSegment):
                shaper = FrameShaper(item.info, layout.width, layout.height,
                                     _overlay_for(item.caption, item.burn_caption, layout),
                                     out_colour, marks=item.marks)
                picture = shaper.shape(decode.read_frame(item.path, item.info, item.frame))
                _render_hold(writer, picture, count)
            else:
                assert isinstance(item, TitleCard)
                rgb = captions.render_title_card(item.text, layout.width, layout.height,
                                                 item.caption if item.burn_caption else "")
                picture = av.VideoFrame.from_ndarray(rgb, format="rgb24").reformat(
                    format="yuv420p", dst_colorspace=colour.SWS_NAMES.get(out_colour.space))
                _render_hold(writer, picture, count)
            expected += count
            if writer.frames != expected:
                raise RuntimeError(f"wrote {writer.frames} frames, planned {expected}")
        writer.close()
    except BaseException:
        writer.abort()
        raise
    return layout
