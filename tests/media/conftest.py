"""Shared media fixtures: generated once per test session into a temporary folder."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from vigstudio.testing import synth

# A short variable-frame-rate pattern (durations in 1/90000 s): 30, 30, 15 and 60 fps frames.
VFR_PATTERN = (3000, 3000, 6000, 1500)


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="session")
def video_25(media_dir: Path) -> Path:
    """100 frames at 25 fps, 640×360 H.264 + AAC mono, keyframe every 50 frames (.mp4)."""
    return synth.make_barcode_video(media_dir / "cfr25.mp4", frames=100, gop=50)


@pytest.fixture(scope="session")
def video_2997(media_dir: Path) -> Path:
    """60 frames at 30000/1001 fps, 320×180, audio, keyframe every 30 frames."""
    return synth.make_barcode_video(media_dir / "ntsc.mp4", width=320, height=180,
                                    rate=Fraction(30000, 1001), frames=60, gop=30)


@pytest.fixture(scope="session")
def video_vfr(media_dir: Path) -> Path:
    """40 frames, variable frame rate (``VFR_PATTERN`` repeated), time base 1/90000."""
    return synth.make_barcode_video(media_dir / "vfr.mp4", width=320, height=180,
                                    frame_durations=list(VFR_PATTERN) * 10, gop=12)


@pytest.fixture(scope="session")
def video_rot90(media_dir: Path) -> Path:
    """Stored 320×180, shown turned 90° clockwise (upright 180×320); no audio."""
    return synth.make_barcode_video(media_dir / "rot90.mp4", width=320, height=180,
                                    frames=20, rotation=90, audio=False)


@pytest.fixture(scope="session")
def video_hevc_mov(media_dir: Path) -> Path:
    return synth.make_barcode_video(media_dir / "hevc.mov", width=320, height=180, frames=30,
                                    codec="libx265", gop=15)


@pytest.fixture(scope="session")
def audio_only(media_dir: Path) -> Path:
    return synth.make_audio_only(media_dir / "voice.m4a", seconds=1.0)
