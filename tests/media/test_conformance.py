"""Recordings made elsewhere: every kind in the ffmpeg-CLI corpus imports, steps, gives stills
and exports exactly FFmpeg's frames, with sound in sync and the source's colour description.

The files are written by the ffmpeg command line (an independent producer, see
:mod:`vigstudio.testing.corpus`); the reference for every check is FFmpeg's own decode of the
same file (the command line writing raw grey pictures), never VIG Studio's reader.
"""

from __future__ import annotations

import json
import random
import subprocess
from fractions import Fraction
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from vigstudio.domain.media import MediaInfo
from vigstudio.domain.time import FrameRange
from vigstudio.media import probe, stills
from vigstudio.media.export import export_reel
from vigstudio.media.export_plan import ClipSegment, ReelPlan
from vigstudio.media.frames import FrameReader
from vigstudio.testing import corpus

KINDS = {kind.name: kind for kind in corpus.KINDS}
Grey = npt.NDArray[np.uint8]


@pytest.fixture(scope="session")
def corpus_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    corpus.make_all(folder)
    return folder


_REFERENCES: dict[Path, Grey] = {}


def reference(path: Path) -> Grey:
    if path not in _REFERENCES:
        _REFERENCES[path] = corpus.reference_frames(path)
    return _REFERENCES[path]


def ffmpeg_keyframes(path: Path) -> list[int]:
    """Indices (in FFmpeg's decode order) of the pictures FFmpeg marks as keyframes."""
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
         "frame=key_frame", "-of", "csv=p=0", str(path)],
        check=True, capture_output=True, text=True, timeout=120).stdout.split()
    return [i for i, flag in enumerate(out) if flag.strip().startswith("1")]


def targets(count: int, keys: list[int]) -> list[int]:
    """The start, the end, both sides of keyframes, and random frames."""
    chosen = {0, 1, count - 2, count - 1}
    for key in keys[1:4] + keys[-2:]:
        chosen |= {key - 1, key, key + 1}
    rnd = random.Random(count)
    chosen |= {rnd.randrange(count) for _ in range(4)}
    return sorted(n for n in chosen if 0 <= n < count)


def luma(rgb: npt.NDArray[np.uint8]) -> Grey:
    weights = np.array([0.299, 0.587, 0.114])
    return np.clip(rgb.astype(np.float64) @ weights, 0, 255).astype(np.uint8)


def assert_is_frame(ref: Grey, n: int, picture: Grey, what: str) -> None:
    """``picture`` is FFmpeg's frame ``n``: it carries n's barcode and is nearer to frame n
    than to its neighbours."""
    assert picture.shape == ref[n].shape, what
    assert corpus.barcode_of(picture) == corpus.barcode_of(ref[n]), \
        f"{what}: frame {n} shows barcode {corpus.barcode_of(picture)}"
    near = [m for m in range(n - 2, n + 3) if 0 <= m < len(ref)]
    best = min(near, key=lambda m: corpus.picture_distance(ref[m], picture))
    assert best == n, f"{what}: frame {n} looks like FFmpeg's frame {best}"


def probed(path: Path) -> MediaInfo:
    return probe.probe(path)


@pytest.mark.parametrize("name", sorted(KINDS))
def test_frame_count_equals_ffmpegs_decode(corpus_dir: Path, name: str) -> None:
    path = corpus_dir / name
    info = probed(path)
    assert info.frame_count == len(reference(path))
    if "damaged-audio" not in KINDS[name].tags:
        assert not info.truncated
        assert info.warnings == ()


@pytest.mark.parametrize("name", sorted(KINDS))
def test_stills_and_player_show_ffmpegs_frame_n(corpus_dir: Path, name: str) -> None:
    path = corpus_dir / name
    info = probed(path)
    ref = reference(path)
    wanted = targets(info.frame_count, ffmpeg_keyframes(path))
    turn = info.rotation // 90
    for n in wanted:  # stills (the export path for PNG stills and the sheet)
        still = np.rot90(stills.still_rgb(path, info, n), k=turn)
        assert_is_frame(ref, n, luma(still), f"{name} still")
    order = list(wanted)
    random.Random(7).shuffle(order)
    with FrameReader(path, info) as reader:  # the paused player, stepping and jumping
        for n in [*order, *range(wanted[-1], max(-1, wanted[-1] - 6), -1)]:
            shown = np.rot90(reader.frame(n), k=turn)
            assert_is_frame(ref, n, luma(shown), f"{name} player")


def _clip_around_a_beep(info: MediaInfo, ref: Grey, rate: Fraction,
                        keys: list[int]) -> tuple[int, int, int]:
    """A clip [start, end) around the frame showing a whole second (where the audio beeps),
    starting and ending off keyframes; and the index of that frame."""
    codes = [corpus.barcode_of(g) for g in ref]
    if len(keys) > len(ref) // 2:
        keys = []  # intra-only (every picture a keyframe): any cut is off a GOP boundary
    for second in (1, 2, 3):
        mark = round(rate * second)
        if mark in codes:
            at = codes.index(mark)
            start, end = at - 7, at + 13
            while start in keys:
                start -= 1
            while end in keys:
                end += 1
            if start >= 0 and end <= info.frame_count:
                return start, end, at
    raise AssertionError("no beep frame inside the file")


def _beep_onsets(path: Path) -> list[float]:
    """Seconds from the start of the exported file where a loud beep starts (FFmpeg decode)."""
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-map", "0:a:0", "-ac", "1",
                          "-ar", "48000", "-f", "f32le", "-"],
                         check=True, capture_output=True, timeout=120).stdout
    samples = np.abs(np.frombuffer(raw, np.float32))
    envelope = np.convolve(samples, np.ones(96) / 96, mode="same")
    loud = envelope > 0.4
    starts = np.flatnonzero(loud[1:] & ~loud[:-1]) + 1
    return [float(s) / 48000 for s in starts]


def _colour_tags(path: Path) -> dict[str, str]:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
         "stream=color_primaries,color_transfer,color_space", "-of", "json", str(path)],
        check=True, capture_output=True, text=True, timeout=60).stdout
    tags: dict[str, str] = json.loads(out)["streams"][0]
    return tags


_EXPECTED_MATRIX = {"bt709_phone.mp4": "bt709", "hevc10_hlg.mp4": "bt709",
                    "mpeg2_interlaced.mpg": "smpte170m", "dv_pal.dv": "smpte170m"}


@pytest.mark.parametrize("name", sorted(KINDS))
def test_export_of_a_clip_off_keyframes_is_exact_in_sync_and_keeps_colour(
        corpus_dir: Path, tmp_path: Path, name: str) -> None:
    path = corpus_dir / name
    info = probed(path)
    ref = reference(path)
    keys = ffmpeg_keyframes(path)
    start, end, beep_frame = _clip_around_a_beep(info, ref, corpus.frame_rate_of(KINDS[name]),
                                                 keys)
    out = tmp_path / "reel.mp4"
    layout = export_reel(ReelPlan((ClipSegment(path, info, FrameRange(start, end)),),
                                  frame_rate=info.frame_rate.value
                                  if not info.variable_frame_rate else None), out)
    exported = corpus.reference_frames(out)  # FFmpeg's decode of our file (upright)
    got = [corpus.barcode_of(np.rot90(g, k=info.rotation // 90)) for g in exported]
    wanted = [corpus.barcode_of(ref[n]) for n in range(start, end)]
    if not info.variable_frame_rate:
        assert got == wanted
    else:  # a constant-rate export of variable-rate video repeats or skips to keep time
        assert set(got) <= set(wanted) and got[0] == wanted[0]
    # sound in sync: the beep starts within one frame of the picture showing that second
    out_rate = layout.frame_rate
    picture_time = got.index(corpus.barcode_of(ref[beep_frame])) / out_rate
    onsets = _beep_onsets(out)
    assert onsets, "the beep is missing from the export"
    nearest = min(onsets, key=lambda t: abs(t - float(picture_time)))
    assert abs(nearest - float(picture_time)) <= float(1 / out_rate) + 0.005
    # colour description
    tags = _colour_tags(out)
    matrix = _EXPECTED_MATRIX.get(name, "smpte170m")
    if matrix == "smpte170m":  # BT.601: either name of the same matrix, as the source says
        assert tags.get("color_space") in ("smpte170m", "bt470bg")
    else:
        assert tags.get("color_space") == matrix


def test_batch_import_adds_every_good_file_and_names_each_bad_one(
        corpus_dir: Path, tmp_path: Path) -> None:
    from vigstudio.app.session import CaseSession

    folder = tmp_path / "from the camera"
    folder.mkdir()
    good = ["xvid_bframes.avi", "mpeg2_program.mpg", "trimmed_editlist.mp4"]
    for name in good:
        (folder / name).write_bytes((corpus_dir / name).read_bytes())
    (folder / "notes.mp4").write_text("not a film")
    (folder / "cut.mkv").write_bytes((corpus_dir / "matroska_ntsc.mkv").read_bytes()[:3000])
    (folder / "empty.avi").write_bytes(b"")
    project = tmp_path / "case.vigproj"
    with CaseSession.create(project, "Family B") as session:
        report = session.import_recordings([folder])
        assert sorted(p.name for p, _ in report.imported) == sorted(good)
        assert sorted(p.name for p, _ in report.failed) == ["cut.mkv", "empty.avi", "notes.mp4"]
        assert all(reason for _, reason in report.failed)
        assert len(session.recordings()) == 3
        counts = {Path(r.path).name: r.info.frame_count for r in session.recordings()}
    for name in good:
        assert counts[name] == len(reference(corpus_dir / name))
