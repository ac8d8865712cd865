"""Thumbnails: keyframes first, then exact evenly spaced frames; upright; cached on disk."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from vigstudio.domain.media import Fingerprint
from vigstudio.media.fingerprint import fingerprint
from vigstudio.media.probe import probe_in_process
from vigstudio.media.thumbnails import (
    ThumbnailStore,
    even_targets,
    generate_thumbnails,
    iter_even_thumbnails,
    iter_keyframe_thumbnails,
    thumbnail_size,
)
from vigstudio.testing.synth import read_barcode


def test_even_targets() -> None:
    assert even_targets(100, 5) == [0, 25, 50, 74, 99]
    assert even_targets(100, 1) == [0]
    assert even_targets(3, 10) == [0, 1, 2]
    assert even_targets(0, 5) == []
    assert even_targets(10, 0) == []


def test_keyframes(video_25: Path) -> None:
    info = probe_in_process(video_25)
    keys: list[int] = []
    thumbs = list(iter_keyframe_thumbnails(video_25, info, height=90, keyframes_out=keys))
    assert [i for i, _ in thumbs] == keys == [0, 50]
    for index, image in thumbs:
        assert image.shape == (90, 160, 3)
        assert image.dtype == np.uint8
        assert read_barcode(image) == index


@pytest.mark.parametrize("use_keys", [True, False])
def test_even_frames_are_exact(video_25: Path, use_keys: bool) -> None:
    info = probe_in_process(video_25)
    targets = even_targets(info.frame_count, 13)
    keys = [0, 50] if use_keys else None
    got = list(iter_even_thumbnails(video_25, info, targets, height=90, keyframes=keys))
    assert [i for i, _ in got] == targets
    assert [read_barcode(image) for _, image in got] == targets


def test_unsorted_and_repeated_targets(video_25: Path) -> None:
    info = probe_in_process(video_25)
    got = list(iter_even_thumbnails(video_25, info, [70, 3, 70, 99, 49, 500], height=90))
    assert [i for i, _ in got] == [3, 49, 70, 99]
    assert [read_barcode(image) for _, image in got] == [3, 49, 70, 99]


def test_variable_rate_exact(video_vfr: Path) -> None:
    info = probe_in_process(video_vfr)
    assert info.variable_frame_rate
    targets = [0, 1, 2, 3, 17, 18, 38, 39]
    got = list(iter_even_thumbnails(video_vfr, info, targets, height=90))
    assert [read_barcode(image) for _, image in got] == targets


def test_rotated_is_upright(video_rot90: Path) -> None:
    info = probe_in_process(video_rot90)
    assert thumbnail_size(info, 240) == (136, 240)
    got = list(iter_even_thumbnails(video_rot90, info, [0, 9, 19], height=240))
    assert [image.shape for _, image in got] == [(240, 136, 3)] * 3
    assert [read_barcode(image) for _, image in got] == [0, 9, 19]


def test_generate_with_cache_progress_and_resume(video_25: Path, tmp_path: Path) -> None:
    info = probe_in_process(video_25)
    store = ThumbnailStore(tmp_path / "cache", fingerprint(video_25), 90)

    # cancelled after 4 pictures: what was made is saved
    made: list[int] = []
    for index, _image in generate_thumbnails(video_25, info, height=90, count=9, store=store,
                                             cancel=lambda: len(made) >= 4):
        made.append(index)
    assert made[:2] == [0, 50]  # keyframes come first
    assert len(made) == 4
    partial = store.load()
    assert sorted(partial.thumbs) == sorted(made)
    assert not partial.complete

    progress: list[tuple[int, int]] = []
    resumed = list(generate_thumbnails(video_25, info, height=90, count=9, store=store,
                                       progress=lambda d, t: progress.append((d, t))))
    expected = sorted(set(even_targets(100, 9)) | {0, 50})
    assert sorted(i for i, _ in resumed) == expected
    assert all(read_barcode(image) == i for i, image in resumed)
    assert progress[-1] == (len(expected), len(expected))
    assert all(d <= t for d, t in progress)
    assert store.load().complete

    # a complete cache needs no media file at all
    gone = tmp_path / "moved-away.mp4"
    cached = list(generate_thumbnails(gone, info, height=90, count=9, store=store))
    assert [i for i, _ in cached] == expected
    assert all(np.array_equal(a[1], b[1]) for a, b in zip(sorted(resumed, key=lambda x: x[0]),
                                                          cached, strict=True))


def test_damaged_cache_is_ignored(tmp_path: Path) -> None:
    store = ThumbnailStore(tmp_path, Fingerprint(1, "a", "b"), 64)
    store.path.write_bytes(b"not an npz")
    loaded = store.load()
    assert loaded.thumbs == {} and loaded.keyframes is None and not loaded.complete


def test_store_height_must_match(video_25: Path, tmp_path: Path) -> None:
    info = probe_in_process(video_25)
    store = ThumbnailStore(tmp_path, "key", 64)
    with pytest.raises(ValueError):
        list(generate_thumbnails(video_25, info, height=90, store=store))
