"""Reel export: frame-exact cuts checked by decoding the result and reading every barcode."""

from __future__ import annotations

import bisect
import json
import shutil
import struct
import subprocess
import threading
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from vigstudio.domain.media import MediaInfo
from vigstudio.domain.time import FrameRange
from vigstudio.errors import DecoderCrashError, ExportCancelled, ExportError
from vigstudio.media import captions
from vigstudio.media.export import (
    ClipSegment,
    ReelPlan,
    StillSegment,
    TitleCard,
    export_reel,
    layout_reel,
)
from vigstudio.media.export_plan import clip_source_frames, output_rate, output_size
from vigstudio.media.probe import probe_in_process
from vigstudio.testing import synth

VFR_PATTERN = (3000, 3000, 6000, 1500)  # as in conftest.py (the video_vfr fixture)
TITLE = -1  # marker for a frame without a barcode (title card)


# --- helpers ----------------------------------------------------------------------------


def barcodes(path: Path) -> list[int]:
    """The barcode of every decoded frame of ``path`` (TITLE where there is none)."""
    found: list[int] = []
    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            try:
                found.append(synth.read_barcode(frame.to_ndarray(format="rgb24")))
            except ValueError:
                found.append(TITLE)
    return found


def ffprobe(path: Path) -> dict[str, dict[str, str]]:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries",
         "stream=codec_type,codec_name,pix_fmt,width,height,duration,r_frame_rate,nb_frames",
         "-of", "json", str(path)], check=True, capture_output=True, text=True).stdout
    return {s["codec_type"]: s for s in json.loads(out)["streams"]}


def top_level_boxes(path: Path) -> list[str]:
    names: list[str] = []
    data = path.read_bytes()
    pos = 0
    while pos + 8 <= len(data):
        size, name = struct.unpack(">I4s", data[pos:pos + 8])
        if size == 1:
            size = struct.unpack(">Q", data[pos + 8:pos + 16])[0]
        names.append(name.decode("latin-1"))
        if size == 0:
            break
        pos += size
    return names


def check_file(path: Path, width: int, height: int, rate: Fraction, frames: int) -> None:
    """H.264/AAC/yuv420p, moov before mdat, size, and A/V durations within one frame."""
    streams = ffprobe(path)
    video, audio = streams["video"], streams["audio"]
    assert video["codec_name"] == "h264"
    assert video["pix_fmt"] == "yuv420p"
    assert (int(video["width"]), int(video["height"])) == (width, height)
    assert Fraction(video["r_frame_rate"]) == rate
    assert int(video["nb_frames"]) == frames
    assert audio["codec_name"] == "aac"
    assert abs(float(video["duration"]) - float(frames / rate)) < 1e-3
    assert abs(float(audio["duration"]) - float(video["duration"])) < float(1 / rate)
    boxes = top_level_boxes(path)
    assert boxes.index("moov") < boxes.index("mdat")


def beep_onsets(path: Path) -> list[float]:
    """Start times (s) of the loud 1 kHz beeps in the exported audio."""
    samples, rate, start = synth.decode_audio_mono(path)
    loud = np.abs(samples) > 0.4
    onsets: list[float] = []
    last = -rate
    for i in np.flatnonzero(loud):
        if i - last > rate // 10:
            onsets.append(float(start) + i / rate)
        last = int(i)
    return onsets


def no_leftovers(folder: Path, keep: set[str]) -> bool:
    return {p.name for p in folder.iterdir()} == keep


# --- fixtures ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hd720(media_dir: Path) -> tuple[Path, MediaInfo]:
    """1280×720 at 25 fps, 60 frames, a keyframe every 25 frames, beeping audio."""
    path = synth.make_barcode_video(media_dir / "hd720.mp4", width=1280, height=720,
                                    frames=60, gop=25)
    return path, probe_in_process(path)


@pytest.fixture(scope="module")
def full_hd(media_dir: Path) -> tuple[Path, MediaInfo]:
    """1920×1080 at 25 fps, 12 frames (only the size matters)."""
    path = synth.make_barcode_video(media_dir / "hd1080.mp4", width=1920, height=1080,
                                    frames=12, gop=6)
    return path, probe_in_process(path)


@pytest.fixture(scope="module")
def small(video_25: Path) -> tuple[Path, MediaInfo]:
    return video_25, probe_in_process(video_25)


# --- plan arithmetic (no encoding) ------------------------------------------------------


def test_layout_sizes_rates_and_counts(small: tuple[Path, MediaInfo]) -> None:
    path, info = small
    plan = ReelPlan((ClipSegment(path, info, FrameRange(10, 20), speed=Fraction(1, 2),
                                 freeze_last=Fraction(1, 5)),
                     StillSegment(path, info, 5, hold=Fraction(2)),
                     TitleCard("Hello", hold=Fraction(1))))
    layout = layout_reel(plan)
    assert (layout.width, layout.height, layout.frame_rate) == (640, 360, 25)
    assert layout.item_frames == (20 + 5, 50, 25)
    assert layout.item_starts == (0, 25, 75)
    assert output_size(plan, 480) == (640, 360)  # never scaled up
    assert output_size(plan, 180) == (320, 180)
    assert output_size(plan, 101) == (180, 100)  # even
    assert output_size(ReelPlan((TitleCard("x"),)), 720) == (1280, 720)
    assert output_rate(ReelPlan((TitleCard("x"),))) == 25


def test_clip_selection_speed_and_rate(small: tuple[Path, MediaInfo]) -> None:
    path, info = small
    assert clip_source_frames(ClipSegment(path, info, FrameRange(3, 7)), Fraction(25)) == \
        [3, 4, 5, 6]
    assert clip_source_frames(ClipSegment(path, info, FrameRange(3, 6), speed=Fraction(1, 2)),
                              Fraction(25)) == [3, 3, 4, 4, 5, 5]
    assert clip_source_frames(ClipSegment(path, info, FrameRange(0, 8), speed=Fraction(2)),
                              Fraction(25)) == [0, 2, 4, 6]
    # 25 fps shown at 50 fps: every frame twice; at 12.5 fps: every other frame
    assert clip_source_frames(ClipSegment(path, info, FrameRange(0, 3)), Fraction(50)) == \
        [0, 0, 1, 1, 2, 2]
    with pytest.raises(ValueError, match="beyond"):
        ClipSegment(path, info, FrameRange(90, 101))


# --- exports ----------------------------------------------------------------------------


def test_720p_reel_is_frame_exact_with_slow_motion_freeze_still_title(
        hd720: tuple[Path, MediaInfo], tmp_path: Path) -> None:
    path, info = hd720
    plan = ReelPlan((
        TitleCard("Wie Léa lächelt", hold=Fraction(1, 5), caption="über Blickkontakt",
                  burn_caption=True),
        ClipSegment(path, info, FrameRange(7, 19)),  # starts mid-GOP, crosses a keyframe
        ClipSegment(path, info, FrameRange(40, 44), speed=Fraction(1, 2),
                    freeze_last=Fraction(1, 5), caption="Sie schaut zu ihm – schön!",
                    burn_caption=True),
        StillSegment(path, info, 33, hold=Fraction(1, 5)),
        ClipSegment(path, info, FrameRange(55, 60)),  # up to the very last frame
    ))
    reports: list[tuple[float, float | None]] = []
    out = tmp_path / "reel.mp4"
    result = export_reel(plan, out, progress=lambda f, eta: reports.append((f, eta)))
    expected = ([TITLE] * 5 + list(range(7, 19)) + [40, 40, 41, 41, 42, 42, 43, 43]
                + [43] * 5 + [33] * 5 + list(range(55, 60)))
    assert barcodes(out) == expected
    assert (result.width, result.height, result.frame_count) == (1280, 720, len(expected))
    check_file(out, 1280, 720, Fraction(25), len(expected))
    fractions = [f for f, _ in reports]
    assert fractions == sorted(fractions) and reports[-1] == (1.0, 0.0)
    assert no_leftovers(tmp_path, {"reel.mp4"})


def test_1080p_scaled_to_720p_preset(full_hd: tuple[Path, MediaInfo], tmp_path: Path) -> None:
    path, info = full_hd
    plan = ReelPlan((ClipSegment(path, info, FrameRange(2, 9)),
                     ClipSegment(path, info, FrameRange(0, 2))))
    out = tmp_path / "hd.mp4"
    export_reel(plan, out, height=720)
    assert barcodes(out) == [2, 3, 4, 5, 6, 7, 8, 0, 1]
    check_file(out, 1280, 720, Fraction(25), 9)


def test_rotated_source_is_turned_upright_and_silent_audio_added(
        video_rot90: Path, tmp_path: Path) -> None:
    info = probe_in_process(video_rot90)
    assert info.rotation == 90 and not info.has_audio
    out = tmp_path / "upright.mp4"
    export_reel(ReelPlan((ClipSegment(video_rot90, info, FrameRange(4, 15)),)), out)
    # read_barcode finds the code along the top edge of the *upright* picture only
    assert barcodes(out) == list(range(4, 15))
    check_file(out, 180, 320, Fraction(25), 11)
    samples, _rate, _start = synth.decode_audio_mono(out)
    assert np.abs(samples).max() < 1e-3


def test_variable_rate_source_resampled_by_frame_on_screen(video_vfr: Path,
                                                           tmp_path: Path) -> None:
    info = probe_in_process(video_vfr)
    assert info.variable_frame_rate
    clip = FrameRange(3, 30)
    out = tmp_path / "vfr.mp4"
    result = export_reel(ReelPlan((ClipSegment(video_vfr, info, clip),)), out)
    assert result.frame_rate == 30  # variable-rate sources give 30 fps
    # independent expectation: source frame times from the pattern, frame on screen at k/30
    times = [Fraction(0)]
    for d in list(VFR_PATTERN) * 10:
        times.append(times[-1] + Fraction(d, 90000))
    t0, t1 = times[clip.start], times[clip.end]
    count = round((t1 - t0) * 30)
    expected = [bisect.bisect_right(times, t0 + Fraction(k, 30)) - 1 for k in range(count)]
    got = barcodes(out)
    assert got == expected
    assert set(got) <= set(range(clip.start, clip.end))
    # every frame shown for at least one output frame interval appears
    long_frames = {i for i in range(clip.start, clip.end)
                   if times[i + 1] - times[i] >= Fraction(1, 30)}
    assert long_frames <= set(got)
    check_file(out, 320, 180, Fraction(30), count)


def test_audio_stays_in_sync_across_joins(small: tuple[Path, MediaInfo],
                                          tmp_path: Path) -> None:
    path, info = small  # beeps start at frames 0, 25, 50, 75 (exactly on their frame time)
    plan = ReelPlan((StillSegment(path, info, 10, hold=Fraction(2, 5)),
                     ClipSegment(path, info, FrameRange(20, 60)),
                     TitleCard("Pause", hold=Fraction(1, 5)),
                     ClipSegment(path, info, FrameRange(70, 80))))
    out = tmp_path / "sync.mp4"
    export_reel(plan, out)
    # output frame of beep = start of item + (source frame - clip start)
    expected = [(10 + 25 - 20) / 25, (10 + 50 - 20) / 25, (10 + 40 + 5 + 75 - 70) / 25]
    onsets = beep_onsets(out)
    assert len(onsets) == len(expected)
    for got, want in zip(onsets, expected, strict=True):
        assert abs(got - want) < 0.010
    check_file(out, 640, 360, Fraction(25), 10 + 40 + 5 + 10)


def test_slow_motion_audio_is_stretched_not_silenced(small: tuple[Path, MediaInfo],
                                                     tmp_path: Path) -> None:
    path, info = small
    out = tmp_path / "slow.mp4"
    export_reel(ReelPlan((ClipSegment(path, info, FrameRange(20, 40),
                                      speed=Fraction(1, 2)),)), out)
    assert barcodes(out) == [f for f in range(20, 40) for _ in range(2)]
    onsets = beep_onsets(out)
    assert len(onsets) == 1 and abs(onsets[0] - 2 * 5 / 25) < 0.06  # atempo's window
    check_file(out, 640, 360, Fraction(25), 40)


def test_cancel_leaves_nothing(hd720: tuple[Path, MediaInfo], tmp_path: Path) -> None:
    path, info = hd720
    cancel = threading.Event()
    seen: list[float] = []

    def progress(fraction: float, _eta: float | None) -> None:
        seen.append(fraction)
        cancel.set()

    plan = ReelPlan(tuple(ClipSegment(path, info, FrameRange(0, 60)) for _ in range(5)))
    with pytest.raises(ExportCancelled):
        export_reel(plan, tmp_path / "never.mp4", progress=progress, cancel=cancel)
    assert seen and seen[0] < 1.0
    assert no_leftovers(tmp_path, set())


def test_child_crash_is_reported_and_leaves_nothing(
        hd720: tuple[Path, MediaInfo], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker dies abruptly mid-export (as when FFmpeg crashes on a damaged file)."""
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(
        "import os, signal, threading, time\n"
        "def _die():\n"
        "    time.sleep(1.0)\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
        "threading.Thread(target=_die, daemon=True).start()\n")
    monkeypatch.setenv("PYTHONPATH", str(hooks))
    path, info = hd720
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    plan = ReelPlan(tuple(ClipSegment(path, info, FrameRange(0, 60)) for _ in range(8)))
    with pytest.raises(ExportError, match="stopped unexpectedly") as caught:
        export_reel(plan, out_dir / "reel.mp4")
    assert isinstance(caught.value.__cause__, DecoderCrashError)
    assert no_leftovers(out_dir, set())


def test_existing_target_is_not_overwritten(small: tuple[Path, MediaInfo],
                                            tmp_path: Path) -> None:
    path, info = small
    out = tmp_path / "reel.mp4"
    out.write_bytes(b"precious")
    plan = ReelPlan((ClipSegment(path, info, FrameRange(0, 3)),))
    with pytest.raises(ExportError, match="already exists"):
        export_reel(plan, out)
    assert out.read_bytes() == b"precious"
    export_reel(plan, out, overwrite=True)
    assert barcodes(out) == [0, 1, 2]
    assert no_leftovers(tmp_path, {"reel.mp4"})


def test_damaged_source_fails_cleanly(small: tuple[Path, MediaInfo], tmp_path: Path) -> None:
    path, info = small
    broken = tmp_path / "src" / "broken.mp4"
    broken.parent.mkdir()
    shutil.copy(path, broken)
    with broken.open("r+b") as handle:  # index first (faststart): cut the media data short
        handle.truncate(broken.stat().st_size // 3)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    with pytest.raises(ExportError):
        export_reel(ReelPlan((ClipSegment(broken, info, FrameRange(60, 99)),)),
                    out_dir / "reel.mp4")
    assert no_leftovers(out_dir, set())
    with pytest.raises(ExportError, match="missing"):
        export_reel(ReelPlan((ClipSegment(tmp_path / "gone.mp4", info, FrameRange(0, 2)),)),
                    out_dir / "reel.mp4")


# --- captions ---------------------------------------------------------------------------


def test_caption_font_has_accents() -> None:
    from PIL import Image, ImageDraw

    from vigstudio.media.captions import _font

    font = _font(40)

    def ink(text: str) -> bytes:
        image = Image.new("L", (80, 60))
        ImageDraw.Draw(image).text((10, 5), text, font=font, fill=255)
        return image.tobytes()

    missing = ink("\U000f0000")  # a private-use code point no font draws
    for letter in "éüßøÉ–":
        assert ink(letter) != missing, f"{letter!r} drawn as a missing glyph"
    assert captions.font_name() != "Pillow default"


def test_caption_overlay_and_title_card() -> None:
    overlay = captions.render_caption("Sie schaut zu ihm – schön! " * 3, 320, 180)
    assert overlay is not None
    frame = np.full((180, 320, 3), 128, np.uint8)
    shown = overlay.apply(frame.copy())
    assert (shown[:overlay.top] == 128).all()  # nothing above the band
    assert (shown[overlay.top:] != 128).any()
    assert captions.render_caption("  ", 320, 180) is None
    card = captions.render_title_card("Was hilft Sam?", 320, 180, "Ihre Frage")
    assert card.shape == (180, 320, 3)
    assert len(np.unique(card.reshape(-1, 3), axis=0)) > 10  # text drawn on the background
    assert captions.wrap_text("a " * 200, 20, 100)[0].strip()


def test_mixed_rates_sizes_and_orientations(video_2997: Path, video_25: Path,
                                            video_rot90: Path, tmp_path: Path) -> None:
    ntsc, cfr25, rot = (probe_in_process(p) for p in (video_2997, video_25, video_rot90))
    plan = ReelPlan((ClipSegment(video_2997, ntsc, FrameRange(5, 20)),
                     ClipSegment(video_25, cfr25, FrameRange(10, 20)),  # 640×360 → 320×180
                     ClipSegment(video_rot90, rot, FrameRange(0, 5))))  # upright, pillarboxed
    out = tmp_path / "mixed.mp4"
    result = export_reel(plan, out)
    rate = Fraction(30000, 1001)  # the first clip's rate
    assert result.frame_rate == rate
    # 25 fps frames shown at 29.97 fps: at output time k/rate the frame on screen is
    # floor((10/25 + k/rate) * 25)
    second = [int((Fraction(10, 25) + k / rate) * 25) for k in range(round(10 / 25 * rate))]
    third = [int(k / rate * 25) for k in range(round(5 / 25 * rate))]
    assert barcodes(out) == list(range(5, 20)) + second + third
    assert second[0] == 10 and second[-1] == 19 and len(second) == 12
    check_file(out, 320, 180, rate, 15 + len(second) + len(third))


def test_hevc_mov_source_to_480p(video_hevc_mov: Path, hd720: tuple[Path, MediaInfo],
                                 tmp_path: Path) -> None:
    hevc = probe_in_process(video_hevc_mov)
    path, info = hd720
    plan = ReelPlan((ClipSegment(path, info, FrameRange(30, 40)),
                     ClipSegment(video_hevc_mov, hevc, FrameRange(16, 29))))
    out = tmp_path / "small.mp4"
    export_reel(plan, out, height=480)
    assert barcodes(out) == list(range(30, 40)) + list(range(16, 29))
    check_file(out, 854, 480, Fraction(25), 23)


def test_still_marks_are_drawn_into_the_reel(video_25: Path, tmp_path: Path) -> None:
    """The arrow a practitioner drew over a still shows in the exported reel, as in its PNG."""
    from vigstudio.domain.annotations import Mark, MarkKind
    from vigstudio.media.marks import draw_marks
    from vigstudio.media.stills import still_rgb

    info = probe_in_process(video_25)
    marks = (Mark(MarkKind.CIRCLE, 500, 500, 700, 500),)
    plan = ReelPlan((StillSegment(video_25, info, 30, hold=Fraction(1, 5), marks=marks),))
    out = tmp_path / "marked.mp4"
    export_reel(plan, out)
    with av.open(str(out)) as container:
        shown = next(container.decode(video=0)).to_ndarray(format="rgb24").astype(int)
    plain = still_rgb(video_25, info, 30).astype(int)
    marked = draw_marks(still_rgb(video_25, info, 30), marks).astype(int)
    drawn = np.abs(marked - plain).sum(axis=2) > 100  # where the circle is
    assert drawn.any()
    assert np.abs(shown[drawn] - marked[drawn]).mean() < np.abs(shown[drawn] - plain[drawn]).mean()
