"""FrameReader returns exactly frame n (by timestamp) for CFR, 29.97, VFR, rotated and HEVC."""

from __future__ import annotations

import random
import threading
from pathlib import Path

import pytest

from vigstudio.errors import MediaMissingError, NotMediaError
from vigstudio.media.frames import FrameReader, fit_size
from vigstudio.media.probe import probe_in_process
from vigstudio.testing.synth import read_barcode


def _walk(reader: FrameReader, order: list[int]) -> None:
    for n in order:
        assert read_barcode(reader.frame(n)) == n, f"frame {n}"


def _orders(count: int, seed: int = 7) -> list[int]:
    rnd = random.Random(seed)
    forward = list(range(count))
    return forward + forward[::-1] + [rnd.randrange(count) for _ in range(40)]


@pytest.mark.parametrize("fixture", ["video_25", "video_2997", "video_vfr", "video_hevc_mov"])
def test_every_frame_exact_forward_backward_random(fixture: str,
                                                    request: pytest.FixtureRequest) -> None:
    path: Path = request.getfixturevalue(fixture)
    info = probe_in_process(path)
    with FrameReader(path, info, max_size=(320, 320)) as reader:
        _walk(reader, _orders(info.frame_count))


@pytest.mark.parametrize("fixture", ["video_25", "video_vfr"])
def test_exact_with_tiny_cache_forces_seeks(fixture: str, request: pytest.FixtureRequest) -> None:
    path: Path = request.getfixturevalue(fixture)
    info = probe_in_process(path)
    with FrameReader(path, info, max_size=(160, 160), cache_bytes=400_000) as reader:
        _walk(reader, _orders(info.frame_count, seed=3))
        stats = reader.stats
        assert stats["bytes"] <= 400_000 + 360 * 640 * 2  # one frame over at most
        assert stats["seeks"] > 5


def test_rotated_frames_are_upright(video_rot90: Path) -> None:
    info = probe_in_process(video_rot90)
    assert info.rotation == 90
    with FrameReader(video_rot90, info) as reader:
        picture = reader.frame(7)
        assert picture.shape == (320, 180, 3)  # upright: taller than wide
        assert reader.output_size == (180, 320)
        _walk(reader, [7, 0, 19, 3])


def test_stepping_forward_continues_decoding_without_seeking(video_25: Path) -> None:
    info = probe_in_process(video_25)
    with FrameReader(video_25, info) as reader:
        reader.frame(60)
        seeks = reader.stats["seeks"]
        for n in range(61, 75):
            assert read_barcode(reader.frame(n)) == n
        assert reader.stats["seeks"] == seeks
        # stepping back inside the group of pictures is served from the cache
        decoded = reader.stats["decoded"]
        for n in range(74, 49, -1):
            assert read_barcode(reader.frame(n)) == n
        assert reader.stats["decoded"] == decoded


def test_scaled_output_and_resize(video_25: Path) -> None:
    info = probe_in_process(video_25)
    with FrameReader(video_25, info, max_size=(320, 400)) as reader:
        assert reader.frame(5).shape == (180, 320, 3)
        reader.set_max_size(None)
        assert reader.frame(5).shape == (360, 640, 3)
        assert read_barcode(reader.frame(5)) == 5


def test_fit_size() -> None:
    assert fit_size((1920, 1080), (1280, 1280)) == (1280, 720)
    assert fit_size((1080, 1920), (1280, 1280)) == (720, 1280)
    assert fit_size((640, 360), (1280, 1280)) == (640, 360)
    assert fit_size((640, 360), None) == (640, 360)


def test_ensure_decoded_can_be_cancelled(video_25: Path) -> None:
    info = probe_in_process(video_25)
    with FrameReader(video_25, info) as reader:
        assert reader.ensure_decoded(40, cancel=lambda: True) is False
        assert reader.ensure_decoded(40) is True
        assert reader.is_cached(40)
        assert 40 in reader.cached_frames()


def test_shared_between_threads(video_25: Path) -> None:
    info = probe_in_process(video_25)
    errors: list[str] = []
    with FrameReader(video_25, info, max_size=(160, 160)) as reader:
        def worker(seed: int) -> None:
            rnd = random.Random(seed)
            for _ in range(30):
                n = rnd.randrange(info.frame_count)
                got = read_barcode(reader.frame(n))
                if got != n:
                    errors.append(f"{n}->{got}")
        threads = [threading.Thread(target=worker, args=(s,)) for s in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert errors == []


def test_out_of_range_and_missing_and_not_media(video_25: Path, tmp_path: Path) -> None:
    info = probe_in_process(video_25)
    with FrameReader(video_25, info) as reader, pytest.raises(IndexError):
        reader.frame(info.frame_count)
    with pytest.raises(MediaMissingError):
        FrameReader(tmp_path / "gone.mp4", info)
    junk = tmp_path / "junk.mp4"
    junk.write_text("not a video at all\n" * 50)
    with pytest.raises(NotMediaError):
        FrameReader(junk, info)
