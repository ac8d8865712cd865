"""Probing: exact counts, rates, times and rotation; every kind of bad file maps to its error."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from vigstudio import errors
from vigstudio.domain.time import FrameRate
from vigstudio.media import probe as probe_mod
from vigstudio.media.probe import info_from_json, info_to_json, probe, probe_in_process
from vigstudio.testing import synth

VFR_PATTERN = (3000, 3000, 6000, 1500)  # as in conftest.video_vfr


def test_constant_25(video_25: Path) -> None:
    info = probe(video_25)
    assert info.container == "mp4"
    assert info.video_codec == "h264"
    assert (info.width, info.height) == (640, 360)
    assert info.rotation == 0
    assert info.frame_rate == FrameRate(Fraction(25))
    assert not info.variable_frame_rate
    assert info.frame_count == 100
    assert info.duration == 4
    assert info.start_pts == 0
    assert (info.audio_codec, info.audio_sample_rate, info.audio_channels) == ("aac", 48000, 1)
    assert not info.truncated
    assert info.frame_times is None
    assert info.warnings == ()
    assert info.clock.time_of(99) == Fraction(99, 25)
    assert probe_in_process(video_25) == info


def test_ntsc_2997(video_2997: Path) -> None:
    info = probe_in_process(video_2997)
    assert info.frame_rate.value == Fraction(30000, 1001)
    assert not info.variable_frame_rate
    assert info.frame_count == 60
    assert info.duration == Fraction(60 * 1001, 30000)


def test_film_23976_mkv(tmp_path: Path) -> None:
    # Matroska rounds every timestamp to a millisecond: still a constant 24000/1001.
    path = synth.make_barcode_video(tmp_path / "film.mkv", width=160, height=90,
                                    rate=Fraction(24000, 1001), frames=48, audio=False)
    info = probe_in_process(path)
    assert info.container == "matroska"
    assert info.time_base == Fraction(1, 1000)
    assert info.frame_rate.value == Fraction(24000, 1001)
    assert not info.variable_frame_rate
    assert info.frame_count == 48


def test_film_23976_mp4(tmp_path: Path) -> None:
    path = synth.make_barcode_video(tmp_path / "film.mp4", width=160, height=90,
                                    rate=Fraction(24000, 1001), frames=30, gop=12)
    info = probe_in_process(path)
    assert info.frame_rate.value == Fraction(24000, 1001)
    assert info.frame_count == 30


def test_variable_frame_rate(video_vfr: Path) -> None:
    info = probe(video_vfr)
    assert info.variable_frame_rate
    assert info.frame_count == 40
    expected = [Fraction(0)]
    for d in list(VFR_PATTERN) * 10:
        expected.append(expected[-1] + Fraction(d, 90000))
    assert info.frame_times == tuple(expected[:-1])
    assert info.duration == expected[-1] == Fraction(3, 2)
    assert info.frame_rate.value == Fraction(40) / Fraction(3, 2)
    clock = info.clock
    assert clock.time_of(3) == Fraction(12000, 90000)
    assert clock.frame_at(Fraction(12000, 90000)) == 3
    assert clock.frame_at(Fraction(11999, 90000)) == 2
    # exact both ways through the child-process JSON
    assert info_from_json(info_to_json(info)) == info


def test_rotated_90(video_rot90: Path) -> None:
    info = probe(video_rot90)
    assert info.rotation == 90
    assert (info.width, info.height) == (320, 180)
    assert info.display_size == (180, 320)
    assert not info.has_audio
    assert info.audio_codec is None


@pytest.mark.parametrize("rotation", [180, 270])
def test_other_rotations(tmp_path: Path, rotation: int) -> None:
    path = synth.make_barcode_video(tmp_path / "r.mp4", width=160, height=96, frames=3,
                                    rotation=rotation, audio=False)
    assert probe_in_process(path).rotation == rotation


def test_hevc_mov(video_hevc_mov: Path) -> None:
    info = probe_in_process(video_hevc_mov)
    assert info.container == "mov"
    assert info.video_codec == "hevc"
    assert info.frame_count == 30
    assert info.frame_rate.value == 25


# --- bad files ------------------------------------------------------------------------


def test_missing(tmp_path: Path) -> None:
    with pytest.raises(errors.MediaMissingError, match=r"gone\.mp4"):
        probe(tmp_path / "gone.mp4")


def test_empty(tmp_path: Path) -> None:
    path = tmp_path / "empty.mp4"
    path.touch()
    with pytest.raises(errors.EmptyMediaError, match=r"empty\.mp4"):
        probe(path)


def test_text_renamed(tmp_path: Path) -> None:
    path = tmp_path / "notes.mp4"
    path.write_text("Session notes: Mum and Ben, cycle 2.\n" * 50)
    with pytest.raises(errors.NotMediaError, match=r"notes\.mp4"):
        probe(path)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_random_bytes(tmp_path: Path, seed: int) -> None:
    path = tmp_path / f"noise{seed}.mp4"
    path.write_bytes(np.random.default_rng(seed).integers(0, 256, 50_000, np.uint8).tobytes())
    with pytest.raises(errors.NotMediaError):
        probe_in_process(path)


def test_audio_only(audio_only: Path) -> None:
    with pytest.raises(errors.NoVideoError, match=r"voice\.m4a"):
        probe(audio_only)


def test_folder(tmp_path: Path) -> None:
    with pytest.raises(errors.NotMediaError):
        probe_in_process(tmp_path)


# --- truncated files ------------------------------------------------------------------


def _decodable_prefix(path: Path) -> int:
    """How many frames from frame 0 decode (barcodes read), skipping cut packets."""
    seen: set[int] = set()
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        ctx = stream.codec_context
        try:
            for packet in container.demux(stream):
                if packet.size == 0 or packet.is_corrupt:
                    continue
                with contextlib.suppress(av.FFmpegError):
                    seen.update(synth.read_barcode(f.to_ndarray(format="rgb24"))
                                for f in ctx.decode(packet))
        except av.FFmpegError:
            pass
        seen.update(synth.read_barcode(f.to_ndarray(format="rgb24")) for f in ctx.decode(None))
    count = 0
    while count in seen:
        count += 1
    return count


@pytest.fixture(scope="module")
def moov_last(video_25: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("moovlast") / "moovlast.mp4"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(video_25), "-c", "copy",
                    "-movflags", "0", str(out)], check=True)
    return out


@pytest.mark.parametrize("fraction", [0.05, 0.4, 0.9, 0.995])
def test_truncated_moov_last_is_an_error(moov_last: Path, tmp_path: Path,
                                         fraction: float) -> None:
    data = moov_last.read_bytes()
    assert data.find(b"moov") > data.find(b"mdat")  # the index really is at the end
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[:int(len(data) * fraction)])
    with pytest.raises(errors.TruncatedMediaError, match=r"cut\.mp4.*incomplete"):
        probe(cut)


@pytest.mark.parametrize("fraction", [0.2, 0.5, 0.77, 0.96])
def test_truncated_moov_first_is_partial(video_25: Path, tmp_path: Path,
                                         fraction: float) -> None:
    data = video_25.read_bytes()
    assert data.find(b"moov") < data.find(b"mdat")
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[:int(len(data) * fraction)])
    info = probe(cut)
    assert info.truncated
    assert 0 < info.frame_count < 100
    assert info.frame_count == _decodable_prefix(cut)  # constant rate: exact
    assert info.duration == Fraction(info.frame_count, 25)
    assert any("of 100 frames" in w for w in info.warnings)
    with pytest.raises(errors.TruncatedMediaError, match=r"cut\.mp4"):
        probe(cut, strict=True)
    with pytest.raises(errors.TruncatedMediaError):
        probe_in_process(cut, strict=True)


@pytest.mark.parametrize("fraction", [0.3, 0.62, 0.9])
def test_truncated_vfr_never_claims_missing_frames(tmp_path: Path, fraction: float) -> None:
    src = synth.make_barcode_video(tmp_path / "v.mkv", width=160, height=90,
                                   frame_durations=list(VFR_PATTERN) * 15, gop=20)
    data = src.read_bytes()
    cut = tmp_path / "cut.mkv"
    cut.write_bytes(data[:int(len(data) * fraction)])
    info = probe_in_process(cut)
    assert info.truncated
    truth = _decodable_prefix(cut)
    # Variable rate: the frames right at the cut may be dropped (up to the B-frame depth).
    assert truth - 3 <= info.frame_count <= truth
    assert info.frame_times is not None and len(info.frame_times) == info.frame_count


def test_truncated_mkv_constant_rate(tmp_path: Path) -> None:
    src = synth.make_barcode_video(tmp_path / "c.mkv", width=160, height=90, frames=60, gop=20)
    data = src.read_bytes()
    cut = tmp_path / "cut.mkv"
    cut.write_bytes(data[:int(len(data) * 0.6)])
    info = probe_in_process(cut)
    assert info.truncated
    assert info.frame_count == _decodable_prefix(cut)


# --- the child process ----------------------------------------------------------------


def test_hanging_worker_times_out(video_25: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(probe_mod, "_worker_command",
                        lambda path: [sys.executable, "-c", "import time; time.sleep(60)"])
    with pytest.raises(errors.MediaTimeoutError, match=r"cfr25\.mp4"):
        probe(video_25, timeout=0.5)


def test_crashing_worker(video_25: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        probe_mod, "_worker_command",
        lambda path: [sys.executable, "-c",
                      "import os, signal; os.kill(os.getpid(), signal.SIGSEGV)"])
    with pytest.raises(errors.DecoderCrashError, match=r"SIGSEGV.*cfr25\.mp4"):
        probe(video_25)
    # the parent is fine and the real worker still works
    monkeypatch.undo()
    assert probe(video_25).frame_count == 100


def test_worker_garbage_output(video_25: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        probe_mod, "_worker_command",
        lambda path: [sys.executable, "-c", "import sys; print('nonsense'); sys.exit(3)"])
    with pytest.raises(errors.DecoderCrashError, match="exit code 3"):
        probe(video_25)
