"""The paused player's memory: the frame cache's budget from the machine and the picture
size, pictures kept at the size shown, the decoder given back while VLC plays, malloc tuned."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from vigstudio.domain.media import MediaInfo
from vigstudio.media.frames import MAX_CACHED_FRAMES, FrameReader, cache_budget, tune_malloc
from vigstudio.media.probe import probe_in_process
from vigstudio.testing.synth import make_barcode_video, read_barcode

GB = 1024 ** 3
MB = 1024 ** 2
UHD = 3840 * 2160 * 3 // 2  # one 4K picture as the decoder gives it (8-bit 4:2:0)
SHOWN = 1288 * 724 * 3 // 2  # the same picture kept at the size of the player's picture area


def test_budget_from_the_machine_and_the_picture_size() -> None:
    # an 8 GB laptop: 128 MB, i.e. 95 pictures at the size shown, 10 at 4K
    assert cache_budget(8 * GB, "", SHOWN) == 128 * MB
    assert cache_budget(8 * GB, "", SHOWN) // SHOWN == 95
    assert cache_budget(8 * GB, "", UHD) // UHD == 10
    assert cache_budget(4 * GB, "", UHD) // UHD == 5
    # small pictures: never more than MAX_CACHED_FRAMES of them, however much memory
    small = 320 * 180 * 3 // 2
    assert cache_budget(8 * GB, "", small) == MAX_CACHED_FRAMES * small
    assert cache_budget(64 * GB, "", small) == MAX_CACHED_FRAMES * small
    assert cache_budget(64 * GB, "", UHD) == 384 * MB  # the cap
    assert cache_budget(8 * GB, "40", UHD) == 40 * MB  # the setting wins


@pytest.fixture(scope="module")
def film(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, MediaInfo]:
    """Beyond 1080p (2048×1152), as 4K phone video is, but quick to make and decode."""
    path = make_barcode_video(tmp_path_factory.mktemp("frame_memory") / "film.mp4",
                              width=2048, height=1152, frames=40, gop=20)
    return path, probe_in_process(path)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, MediaInfo]:
    path = make_barcode_video(tmp_path_factory.mktemp("frame_memory") / "small.mp4",
                              width=640, height=360, frames=40, gop=20)
    return path, probe_in_process(path)


def test_big_pictures_are_kept_at_the_size_shown(film: tuple[Path, MediaInfo]) -> None:
    path, info = film
    kept = 512 * 288 * 3 // 2
    with FrameReader(path, info, max_size=(512, 512), memory=8 * GB) as reader:
        assert reader.output_size == (512, 288)
        assert reader.cache_bytes == MAX_CACHED_FRAMES * kept
        for n in (30, 29, 21, 20, 19, 5):
            assert read_barcode(reader.frame(n)) == n
        stats = reader.stats
        # every picture decoded on the way was kept, each at a sixteenth of the decoded size
        assert stats["cached"] >= 25
        assert stats["bytes"] <= stats["cached"] * kept * 1.1
        decoded = stats["decoded"]
        for n in range(5, 31):  # stepping back and forth over kept pictures: no decoding
            assert read_barcode(reader.frame(n)) == n
        assert reader.stats["decoded"] == decoded


def test_pictures_up_to_1080p_are_kept_as_decoded(small: tuple[Path, MediaInfo]) -> None:
    """Scaling each of up to 200 pictures passed on the way to a 1080p frame would slow the
    seek more than the memory is worth: they are kept as the decoder made them."""
    path, info = small
    with FrameReader(path, info, max_size=(320, 320), memory=8 * GB) as reader:
        assert reader.cache_bytes == MAX_CACHED_FRAMES * (640 * 360 * 3 // 2)
        assert read_barcode(reader.frame(10)) == 10
        assert reader.stats["bytes"] >= reader.stats["cached"] * 640 * 360 * 3 // 2


def test_a_larger_picture_area_drops_smaller_kept_pictures(
        film: tuple[Path, MediaInfo]) -> None:
    path, info = film
    with FrameReader(path, info, max_size=(256, 256)) as reader:
        assert read_barcode(reader.frame(10)) == 10
        assert reader.is_cached(9)
        reader.set_max_size((1024, 1024))
        assert not reader.is_cached(9)  # kept at 256 wide: too small now
        picture = reader.frame(9)
        assert picture.shape == (576, 1024, 3) and read_barcode(picture) == 9
        reader.set_max_size((512, 512))  # smaller again: the larger kept pictures serve
        assert reader.is_cached(8)
        decoded = reader.stats["decoded"]
        assert reader.frame(8).shape == (288, 512, 3)
        assert reader.stats["decoded"] == decoded


def test_release_gives_everything_back_and_the_next_request_reopens(
        film: tuple[Path, MediaInfo]) -> None:
    path, info = film
    reader = FrameReader(path, info, max_size=(320, 320))
    try:
        assert read_barcode(reader.frame(25)) == 25
        reader.release()
        assert reader.stats["cached"] == 0 and reader.stats["bytes"] == 0
        assert reader.cached_frames() == []
        assert read_barcode(reader.frame(26)) == 26  # the file is opened again
        assert read_barcode(reader.frame(3)) == 3
    finally:
        reader.close()


def test_malloc_is_tuned_on_linux() -> None:
    assert tune_malloc() is sys.platform.startswith("linux")
