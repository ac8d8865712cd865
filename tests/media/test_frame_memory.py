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
    path = make_barcode_video(tmp_path_factory.mktemp("frame_memory") / "film.mp4",
                              width=640, height=360, frames=60, gop=30)
    return path, probe_in_process(path)


def test_pictures_are_kept_at_the_size_shown(film: tuple[Path, MediaInfo]) -> None:
    path, info = film
    with FrameReader(path, info, max_size=(320, 320), memory=8 * GB) as reader:
        assert reader.output_size == (320, 180)
        assert reader.cache_bytes == MAX_CACHED_FRAMES * (320 * 180 * 3 // 2)
        for n in (40, 39, 31, 30, 29, 12):
            assert read_barcode(reader.frame(n)) == n
        stats = reader.stats
        # every picture decoded on the way was kept, each at a quarter of the decoded size
        assert stats["cached"] >= 30
        assert stats["bytes"] <= stats["cached"] * (320 * 180 * 3 // 2) * 1.1
        decoded = stats["decoded"]
        for n in range(12, 41):  # stepping back and forth over kept pictures: no decoding
            assert read_barcode(reader.frame(n)) == n
        assert reader.stats["decoded"] == decoded


def test_a_larger_picture_area_drops_smaller_kept_pictures(
        film: tuple[Path, MediaInfo]) -> None:
    path, info = film
    with FrameReader(path, info, max_size=(160, 160)) as reader:
        assert read_barcode(reader.frame(20)) == 20
        assert reader.is_cached(19)
        reader.set_max_size((640, 640))
        assert not reader.is_cached(19)  # kept at 160 wide: too small now
        picture = reader.frame(19)
        assert picture.shape == (360, 640, 3) and read_barcode(picture) == 19
        reader.set_max_size((320, 320))  # smaller again: the larger kept pictures serve
        assert reader.is_cached(18)
        decoded = reader.stats["decoded"]
        assert reader.frame(18).shape == (180, 320, 3)
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
