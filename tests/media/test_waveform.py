"""Waveform: per-frame min/max lines up with the frames (beeps where they belong), cached."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np

from vigstudio.media.fingerprint import fingerprint
from vigstudio.media.probe import probe_in_process
from vigstudio.media.waveform import (
    WaveformStore,
    compute_waveform,
    frame_edges_in_samples,
)


def _loud_frames(path: Path) -> list[int]:
    info = probe_in_process(path)
    waveform = compute_waveform(path, info)
    assert waveform is not None
    assert waveform.frame_count == info.frame_count
    return np.flatnonzero(waveform.peaks > 0.5).tolist()


def test_beeps_at_every_second_25fps(video_25: Path) -> None:
    # 60 ms beeps at frames 0, 25, 50, 75: each covers its frame and half the next.
    assert _loud_frames(video_25) == [0, 1, 25, 26, 50, 51, 75, 76]


def test_beeps_ntsc(video_2997: Path) -> None:
    # 29.97 fps: a beep every 30 frames, 60 ms ≈ 1.8 frames.
    assert _loud_frames(video_2997) == [0, 1, 30, 31]


def test_beeps_variable_rate(video_vfr: Path) -> None:
    # beeps start at frames 0 and 25; frame 25 lasts 1/30 s, frame 26 1/15 s.
    assert _loud_frames(video_vfr) == [0, 1, 25, 26]


def test_quiet_between_beeps(video_25: Path) -> None:
    info = probe_in_process(video_25)
    waveform = compute_waveform(video_25, info)
    assert waveform is not None
    quiet = waveform.peaks[3:24]
    assert quiet.min() > 0.02 and quiet.max() < 0.1  # the 0.05 tone
    assert (waveform.mins <= waveform.maxs).all()


def test_no_audio(video_rot90: Path) -> None:
    info = probe_in_process(video_rot90)
    waveform = compute_waveform(video_rot90, info)
    assert waveform is not None
    assert waveform.sample_rate == 0
    assert waveform.frame_count == 20
    assert not waveform.peaks.any()


def test_edges() -> None:
    from vigstudio.domain.media import MediaInfo
    from vigstudio.domain.time import FrameRate

    info = MediaInfo("mp4", "h264", 320, 180, 0, FrameRate(Fraction(30000, 1001)), False, 3,
                     Fraction(3003, 30000), Fraction(1, 30000), 0)
    # frame i starts at ceil(i * 1001/30000 * 48000) = ceil(i * 1601.6)
    assert frame_edges_in_samples(info, 48000).tolist() == [0, 1602, 3204, 4805]


def test_cancel_and_progress(video_25: Path) -> None:
    info = probe_in_process(video_25)
    assert compute_waveform(video_25, info, cancel=lambda: True) is None
    seen: list[tuple[float, float]] = []
    compute_waveform(video_25, info, progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (4.0, 4.0)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_cache(video_25: Path, tmp_path: Path) -> None:
    info = probe_in_process(video_25)
    store = WaveformStore(tmp_path / "cache", fingerprint(video_25))
    assert store.load(info.frame_count) is None
    first = store.get_or_compute(video_25, info)
    assert first is not None and store.path.exists()
    again = store.get_or_compute(tmp_path / "no-longer-here.mp4", info)  # served from cache
    assert again is not None
    assert np.array_equal(first.mins, again.mins) and np.array_equal(first.maxs, again.maxs)
    assert again.sample_rate == 48000
    assert store.load(info.frame_count + 1) is None  # a different recording length
    mins, maxs = again.downsample(10)
    assert len(mins) == len(maxs) == 10
    assert maxs[0] > 0.5 and maxs[1] < 0.1  # the beep at frame 0 is in the first group
