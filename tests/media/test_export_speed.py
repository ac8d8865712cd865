"""What makes the export fast stays exact and safe: the warm child, recordings opened once,
non-reference pictures skipped up to a cut; and memory sized to the machine."""

from __future__ import annotations

import time
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from vigstudio.app.player import ExactFrameFetcher
from vigstudio.domain.media import MediaInfo
from vigstudio.domain.time import FrameRange
from vigstudio.media import export, thumbnails
from vigstudio.media.decode import iter_video_frames
from vigstudio.media.export import ClipSegment, ReelPlan, StillSegment, export_reel
from vigstudio.media.export_render import _Source, _Sources
from vigstudio.media.frames import FrameReader, cache_budget
from vigstudio.media.probe import probe_in_process
from vigstudio.testing import synth

GB = 1024 ** 3
MB = 1024 ** 2


@pytest.fixture(scope="module")
def long_gop(media_dir: Path) -> tuple[Path, MediaInfo]:
    """H.264 with B-frames (x264's defaults) and one keyframe every 100 frames."""
    path = synth.make_barcode_video(media_dir / "long_gop.mp4", width=320, height=180,
                                    frames=150, gop=100, audio=True)
    return path, probe_in_process(path)


def planes(frame: object) -> list[bytes]:
    return [bytes(plane) for plane in frame.planes]  # type: ignore[attr-defined]


def test_catch_up_skips_non_reference_pictures_and_gives_the_same_pictures(
        long_gop: tuple[Path, MediaInfo]) -> None:
    path, info = long_gop
    source = _Source(path, info)
    try:
        for cut in (FrameRange(61, 66), FrameRange(97, 103), FrameRange(2, 4),
                    FrameRange(140, 150), FrameRange(30, 31)):
            ours = [(i, planes(f)) for i, f in source.frames(cut)]
            reference = [(i, planes(f)) for i, f in iter_video_frames(path, info, cut)]
            assert [i for i, _ in ours] == list(range(cut.start, cut.end))
            assert ours == reference
        assert source.catch_up.skipping_packets > 50  # the decoder was spared work
    finally:
        source.close()


def test_recordings_are_opened_once_and_closed_after_their_last_item(
        long_gop: tuple[Path, MediaInfo], small_video: tuple[Path, MediaInfo]) -> None:
    a, info_a = long_gop
    b, info_b = small_video
    plan = ReelPlan((ClipSegment(a, info_a, FrameRange(0, 5)),
                     ClipSegment(b, info_b, FrameRange(0, 5)),
                     StillSegment(a, info_a, 7)))
    sources = _Sources(plan)
    first = sources.get(a, info_a)
    other = sources.get(b, info_b)
    sources.done_with(0)
    assert sources.get(a, info_a) is first  # still needed by the still at position 2
    sources.done_with(1)
    assert sources.get(b, info_b) is not other  # b was closed after its last item
    sources.close()


@pytest.fixture(scope="module")
def small_video(video_25: Path) -> tuple[Path, MediaInfo]:
    return video_25, probe_in_process(video_25)


def test_warm_worker_runs_the_next_export_and_is_gone_after(
        long_gop: tuple[Path, MediaInfo], tmp_path: Path) -> None:
    path, info = long_gop
    export.start_worker()
    export.start_worker()  # idempotent: still one waiting child
    spare = export._spare
    assert spare is not None and spare.proc.poll() is None
    plan = ReelPlan((ClipSegment(path, info, FrameRange(61, 70)),))
    result = export_reel(plan, tmp_path / "reel.mp4")
    assert result.frame_count == 9
    assert export._spare is None  # the waiting child did the export ...
    assert spare.proc.poll() == 0  # ... and ended
    assert {p.name for p in tmp_path.iterdir()} == {"reel.mp4"}


def test_waiting_worker_is_stopped_and_ends_quietly_without_a_job() -> None:
    export.start_worker()
    spare = export._spare
    assert spare is not None
    export.stop_worker()
    assert export._spare is None and spare.proc.poll() is not None
    # a waiting child whose parent goes away (its input closes) ends without complaint
    child = export._Child()
    try:
        assert child.proc.stdin is not None
        child.proc.stdin.close()
        assert child.proc.wait(timeout=60) == 0
        child.readers[1].join(timeout=5)
        assert b"".join(child.tail) == b""
    finally:
        child.close()


def test_frame_cache_is_sized_from_the_machine_and_the_setting() -> None:
    assert cache_budget(8 * GB, "") == 128 * MB  # 1/64 of an 8 GB laptop
    assert cache_budget(4 * GB, "") == 64 * MB
    assert cache_budget(32 * GB, "") == 384 * MB  # capped
    assert cache_budget(1 * GB, "") == 48 * MB  # floor
    assert cache_budget(8 * GB, "500") == 500 * MB  # the setting wins
    assert cache_budget(8 * GB, "lots") == 128 * MB  # a setting that is no number: ignored


def test_thumbnails_fit_the_memory_budget(long_gop: tuple[Path, MediaInfo]) -> None:
    _path, info = long_gop
    hour = MediaInfo(**{**{f: getattr(info, f) for f in info.__slots__},
                        "duration": Fraction(3600), "frame_count": 90000})
    width, height = thumbnails.thumbnail_size(hour, 64)
    on_8gb = thumbnails.default_count(hour, 64, memory=8 * GB)
    on_2gb = thumbnails.default_count(hour, 64, memory=2 * GB)
    assert on_8gb == 2000  # an hour: one every 1.8 s
    assert on_2gb < on_8gb
    assert on_2gb * width * height * 3 <= thumbnails.memory_budget(2 * GB)
    assert thumbnails.default_count(info, 64, memory=8 * GB) == round(info.duration)


def test_prefetch_settles_when_the_cache_is_small(long_gop: tuple[Path, MediaInfo]) -> None:
    """With a cache smaller than the prefetch window, prefetching used to evict its own
    frames and decode them again for ever; now it stops at what the cache holds."""
    path, info = long_gop
    picture = info.width * info.height * 3 // 2
    reader = FrameReader(path, info, cache_bytes=8 * picture)
    served: list[int] = []
    fetcher = ExactFrameFetcher(reader, lambda n, rgb: served.append(n),
                                prefetch_ahead=3, prefetch_behind=12)
    try:
        fetcher.request(120)
        deadline = time.monotonic() + 20
        while not served and time.monotonic() < deadline:
            time.sleep(0.01)
        settled = False
        while time.monotonic() < deadline:
            decoded = reader.stats["decoded"]
            time.sleep(0.5)
            if reader.stats["decoded"] == decoded:
                settled = True
                break
        assert settled, "prefetching never stopped"
        assert reader.is_cached(121) and reader.is_cached(119)
        assert np.array_equal(reader.frame(120), reader.frame(120))
    finally:
        fetcher.close()
        reader.close()


def exported_barcodes(path: Path) -> list[int]:
    with av.open(str(path)) as container:
        return [synth.read_barcode(f.to_ndarray(format="rgb24"))
                for f in container.decode(video=0)]


def test_worker_prepared_with_the_plan_exports_it_exactly(
        long_gop: tuple[Path, MediaInfo], tmp_path: Path) -> None:
    path, info = long_gop
    plan = ReelPlan((ClipSegment(path, info, FrameRange(61, 70)),
                     StillSegment(path, info, 130, hold=Fraction(1, 5)),
                     ClipSegment(path, info, FrameRange(20, 25))))
    export.start_worker(plan, 120)
    export.start_worker(plan, 120)  # the same again: nothing new
    spare = export._spare
    assert spare is not None
    time.sleep(1.0)  # the person choosing a file name; the child decodes meanwhile
    export_reel(plan, tmp_path / "reel.mp4", height=120)
    assert spare.proc.poll() == 0  # the prepared child made the reel
    assert exported_barcodes(tmp_path / "reel.mp4") == [*range(61, 70), *[130] * 5,
                                                        *range(20, 25)]
    assert {p.name for p in tmp_path.iterdir()} == {"reel.mp4"}


def test_worker_prepared_for_other_settings_still_exports_what_is_asked(
        long_gop: tuple[Path, MediaInfo], tmp_path: Path) -> None:
    path, info = long_gop
    prepared = ReelPlan((ClipSegment(path, info, FrameRange(61, 70)),))
    asked = ReelPlan((ClipSegment(path, info, FrameRange(90, 104)),))
    export.start_worker(prepared, None)
    time.sleep(0.5)
    result = export_reel(asked, tmp_path / "reel.mp4")  # another plan
    assert exported_barcodes(result.path) == list(range(90, 104))
    export.start_worker(prepared, None)
    export.start_worker(prepared, 120)  # the size changed in the dialog: a fresh child
    time.sleep(0.5)
    result = export_reel(prepared, tmp_path / "small.mp4", overwrite=True)  # full size
    assert (result.width, result.height) == (320, 180)
    assert exported_barcodes(result.path) == list(range(61, 70))
