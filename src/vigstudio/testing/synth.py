"""Synthetic test media: video whose every frame carries its own index as a pixel barcode.

Test machinery (used by ``tests/`` and ``bench/``; product modules never import it). The
barcode itself, its drawing and the PyAV encoding helpers belong to the demo film
(:mod:`vigstudio.media.demo_media`), which carries the same code along its bottom edge.

Test video (:func:`make_barcode_video`) carries the code in the top eighth of the picture;
the tests' demo film (``make_demo_recording(..., barcode=True)`` in
:mod:`vigstudio.media.demo_media`) carries it as a thin strip along the bottom edge.
:func:`read_barcode` looks in both places, and also inside a letterboxed picture (a widget
grab with uniform bars around the video).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np
import numpy.typing as npt

from vigstudio.media.demo_media import (
    BARCODE_BITS,
    RGB,
    TOP_BAND,
    add_audio_stream,
    add_video_stream,
    draw_barcode,
    encode_audio,
    format_options,
    make_demo_recording,
    read_barcode,
    video_options,
)

__all__ = [
    "BARCODE_BITS",
    "decode_audio_mono",
    "draw_barcode",
    "make_audio_only",
    "make_barcode_video",
    "make_demo_recording",
    "read_barcode",
]


def _barcode_frame(index: int, width: int, height: int, seconds: float) -> RGB:
    """The upright picture of test frame ``index`` (``width`` × ``height``)."""
    ys = np.linspace(0, 1, height, dtype=np.float32)[:, None]
    xs = np.linspace(0, 1, width, dtype=np.float32)[None, :]
    phase = (index % 200) / 200
    img = np.empty((height, width, 3), np.uint8)
    img[..., 0] = (60 + 80 * xs + 0 * ys).astype(np.uint8)
    img[..., 1] = (70 + 90 * ys + 0 * xs).astype(np.uint8)
    img[..., 2] = (110 + 60 * phase + 0 * xs * ys).astype(np.uint8)
    # a ball moving along a Lissajous path
    cx = int(width * (0.5 + 0.35 * math.sin(seconds * 1.7)))
    cy = int(height * (0.58 + 0.22 * math.sin(seconds * 2.3)))
    radius = max(4, min(width, height) // 10)
    cv2.circle(img, (cx, cy), radius, (235, 180, 40), -1, lineType=cv2.LINE_AA)
    scale = max(0.4, min(width, height) / 240)
    thickness = max(1, round(scale * 2))
    cv2.putText(img, f"{index}", (max(2, width // 30), int(height * 0.9)),
                cv2.FONT_HERSHEY_SIMPLEX, scale, (255, 255, 255), thickness, cv2.LINE_AA)
    draw_barcode(img, index, band=TOP_BAND)
    return img


def _rotate_for_storage(upright: RGB, rotation: int) -> RGB:
    """Pixel data that a player showing it turned ``rotation``° clockwise shows upright."""
    # np.rot90 with k>0 turns counter-clockwise; the player turns it back clockwise.
    k = {0: 0, 90: 1, 180: 2, 270: 3}[rotation]
    return np.ascontiguousarray(np.rot90(upright, k=k))


# --- audio ----------------------------------------------------------------------------


def _tone_track(total_seconds: Fraction, sample_rate: int, beep_times: Sequence[Fraction],
                *, beep_seconds: float = 0.06, base_freq: float = 220.0,
                beep_freq: float = 1000.0) -> npt.NDArray[np.float32]:
    n = int(total_seconds * sample_rate)
    t = np.arange(n, dtype=np.float64) / sample_rate
    signal = 0.05 * np.sin(2 * np.pi * base_freq * t)
    beep_len = int(beep_seconds * sample_rate)
    for when in beep_times:
        s0 = int(when * sample_rate)
        s1 = min(n, s0 + beep_len)
        if s0 >= n:
            continue
        bt = np.arange(s1 - s0, dtype=np.float64) / sample_rate
        signal[s0:s1] = 0.8 * np.sin(2 * np.pi * beep_freq * bt)
    return signal.astype(np.float32)



def _mux_with_durations(container: av.container.OutputContainer,
                        packets: list[av.Packet[av.video.stream.VideoStream]],
                        duration_of: dict[int, int]) -> None:
    """Mux, giving each packet its frame's exact duration (the muxer uses the last one)."""
    for packet in packets:
        if packet.pts is not None and packet.pts in duration_of:
            packet.duration = duration_of[packet.pts]
        container.mux(packet)


def _timing(rate: Fraction, frames: int, frame_durations: Sequence[int] | None,
            time_base: Fraction | None) -> tuple[Fraction, list[int]]:
    """The time base and the per-frame durations (in time-base units) of a test video."""
    if frame_durations is not None:
        durations = [int(d) for d in frame_durations]
        if not durations or min(durations) <= 0:
            raise ValueError("frame_durations must be positive")
        return (time_base if time_base is not None else Fraction(1, 90000)), durations
    if frames <= 0:
        raise ValueError("a video needs at least one frame")
    tb = time_base if time_base is not None else 1 / rate
    per_frame = 1 / (rate * tb)
    if per_frame.denominator != 1:
        raise ValueError(f"time base {tb} cannot express frame rate {rate} exactly")
    return tb, [int(per_frame)] * frames


def make_barcode_video(
    path: Path | str,
    *,
    width: int = 640,
    height: int = 360,
    rate: Fraction | int = Fraction(25),
    frames: int = 100,
    codec: str = "libx264",
    gop: int = 50,
    audio: bool = True,
    audio_rate: int = 48000,
    audio_channels: int = 1,
    rotation: int = 0,
    frame_durations: Sequence[int] | None = None,
    time_base: Fraction | None = None,
    beep_every: int | None = None,
    crf: int | None = None,
) -> Path:
    """Write a test video whose every frame shows its own index as a barcode; return the path.

    * ``width``/``height`` are the size as stored (what ``MediaInfo.width/height`` report).
      With ``rotation`` 90 or 270 the upright picture is ``height`` wide and ``width`` tall.
    * ``rate`` is exact (``Fraction(30000, 1001)`` for 29.97). With ``frame_durations`` (one
      duration per frame in ``time_base`` units; default time base 1/90000) the video has a
      variable frame rate with exactly those presentation times; ``frame_durations`` sets the
      frame count then.
    * ``gop`` is the keyframe interval in frames (fixed; scene-cut keyframes are off).
    * ``rotation`` (0/90/180/270) is the clockwise turn a player must apply to show the picture
      upright; the pixel data is stored turned the other way, and the container carries a
      display matrix that says so (FFmpeg reports it as ``-rotation`` counter-clockwise).
    * ``audio`` adds an AAC track: a quiet 220 Hz tone with a loud 60 ms 1 kHz beep starting
      exactly at the presentation time of every ``beep_every``-th frame (default: the frame
      nearest to each whole second), so audio/video sync can be checked.
    * The container follows the suffix (.mp4, .mov, .mkv). ``codec="libx265"`` gives HEVC.
    """
    path = Path(path)
    if rotation not in (0, 90, 180, 270):
        raise ValueError(f"rotation must be 0, 90, 180 or 270, not {rotation}")
    rate = Fraction(rate)
    tb, durations = _timing(rate, frames, frame_durations, time_base)
    frames = len(durations)
    pts_list = [0]
    for d in durations[:-1]:
        pts_list.append(pts_list[-1] + d)
    end_pts = pts_list[-1] + durations[-1]
    up_w, up_h = (height, width) if rotation in (90, 270) else (width, height)
    duration_of = dict(zip(pts_list, durations, strict=True))

    with av.open(str(path), "w", options=format_options(path)) as container:
        vstream = add_video_stream(container, codec, rate, width, height)
        vstream.time_base = tb
        vstream.codec_context.time_base = tb
        vstream.codec_context.gop_size = gop
        vstream.codec_context.options = video_options(codec, gop, crf)
        if codec == "libx265" and path.suffix.lower() in (".mp4", ".mov"):
            vstream.codec_tag = "hvc1"
        if rotation:
            # FFmpeg's display matrix angle is counter-clockwise: -90 means "turn 90° clockwise".
            vstream.set_display_rotation(-rotation)
        astream = add_audio_stream(container, audio_rate, audio_channels) if audio else None

        for index in range(frames):
            upright = _barcode_frame(index, up_w, up_h, float(pts_list[index] * tb))
            frame = av.VideoFrame.from_ndarray(_rotate_for_storage(upright, rotation),
                                               format="rgb24")
            frame.pts = pts_list[index]
            frame.time_base = tb
            frame.duration = durations[index]
            _mux_with_durations(container, vstream.encode(frame), duration_of)
        _mux_with_durations(container, vstream.encode(None), duration_of)

        if astream is not None:
            every = beep_every if beep_every is not None else max(1, round(rate))
            beeps = [pts_list[i] * tb for i in range(0, frames, every)]
            samples = _tone_track(end_pts * tb, audio_rate, beeps)
            encode_audio(container, astream, samples, audio_channels)
    return path


def make_audio_only(path: Path | str, *, seconds: float = 2.0, sample_rate: int = 48000) -> Path:
    """Write an audio-only file (AAC in .m4a/.mp4, or whatever the suffix says)."""
    path = Path(path)
    with av.open(str(path), "w") as container:
        stream = add_audio_stream(container, sample_rate, 1)
        n_seconds = Fraction(seconds).limit_denominator(1000)
        beeps = [Fraction(s) for s in range(math.ceil(seconds))]
        encode_audio(container, stream, _tone_track(n_seconds, sample_rate, beeps), 1)
    return path


def decode_audio_mono(path: Path | str) -> tuple[npt.NDArray[np.float32], int, Fraction]:
    """Decode the first audio stream to mono float32.

    Returns ``(samples, sample_rate, start_seconds)`` where ``start_seconds`` is the
    presentation time of the first returned sample relative to the container's time 0.
    Handy for checking beeps in tests.
    """
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        chunks: list[npt.NDArray[np.float32]] = []
        start: Fraction | None = None
        rate = stream.codec_context.sample_rate
        for frame in container.decode(stream):
            if start is None and frame.pts is not None and frame.time_base is not None:
                start = Fraction(frame.pts) * frame.time_base
            arr = frame.to_ndarray().astype(np.float32)
            if arr.ndim == 2 and frame.format.is_planar:
                arr = arr.mean(axis=0)
            elif arr.ndim == 2:
                arr = arr.reshape(-1, len(frame.layout.channels)).mean(axis=1)
            chunks.append(arr.reshape(-1))
        samples = np.concatenate(chunks) if chunks else np.zeros(0, np.float32)
    return samples, rate, start if start is not None else Fraction(0)
