"""The synthetic media generator: barcodes survive encoding, scaling and rotation."""

from __future__ import annotations

import subprocess
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np
import pytest

from vigstudio.testing import synth


def _frames(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]


def test_every_frame_reads_its_own_index(video_25: Path) -> None:
    frames = _frames(video_25)
    assert len(frames) == 100
    assert [synth.read_barcode(f) for f in frames] == list(range(100))


def test_barcode_survives_quarter_size_and_jpeg(video_25: Path) -> None:
    for index, frame in enumerate(_frames(video_25)[::7]):
        small = cv2.resize(frame, (160, 90), interpolation=cv2.INTER_AREA)
        ok, jpeg = cv2.imencode(".jpg", small, [cv2.IMWRITE_JPEG_QUALITY, 60])
        assert ok
        decoded = cv2.imdecode(jpeg, cv2.IMREAD_COLOR)
        assert synth.read_barcode(small) == index * 7
        assert synth.read_barcode(decoded) == index * 7


def test_barcode_inside_letterbox() -> None:
    picture = np.full((180, 320, 3), 90, np.uint8)
    synth.draw_barcode(picture, 12345)
    canvas = np.full((400, 400, 3), 40, np.uint8)  # a widget with bars above and below
    canvas[110:290, 40:360] = picture
    assert synth.read_barcode(canvas) == 12345


@pytest.mark.parametrize("value", [0, 1, 2**20 - 1, 0b1010_1010_1010_1010_1010])
def test_round_trip_values(value: int) -> None:
    picture = np.full((90, 160, 3), 128, np.uint8)
    synth.draw_barcode(picture, value)
    assert synth.read_barcode(picture) == value


def test_rejects_pictures_without_barcode() -> None:
    rng = np.random.default_rng(1)
    with pytest.raises(ValueError):
        synth.read_barcode(np.zeros((90, 160, 3), np.uint8))
    with pytest.raises(ValueError):
        synth.read_barcode(np.full((90, 160, 3), 255, np.uint8))
    for _ in range(20):
        with pytest.raises(ValueError):
            synth.read_barcode(rng.integers(0, 256, (90, 160, 3), dtype=np.uint8))


def test_index_out_of_range() -> None:
    with pytest.raises(ValueError):
        synth.draw_barcode(np.zeros((10, 100, 3), np.uint8), 2**20)


@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_rotation_is_upright_after_player_turns_it(tmp_path: Path, rotation: int) -> None:
    path = synth.make_barcode_video(tmp_path / f"r{rotation}.mp4", width=320, height=180,
                                    frames=3, rotation=rotation, audio=False)
    with av.open(str(path)) as container:
        frame = next(container.decode(video=0))
        # FFmpeg reports the counter-clockwise angle; ours is the clockwise turn.
        assert (-frame.rotation) % 360 == rotation
        assert (frame.width, frame.height) == (320, 180)
        stored = frame.to_ndarray(format="rgb24")
    if rotation != 180:
        with pytest.raises(ValueError):
            synth.read_barcode(stored)  # the stored pixels are not upright
    # A player (here: the ffmpeg CLI, which applies the display matrix) shows it upright.
    png = tmp_path / "shown.png"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(path), "-frames:v", "1", str(png)],
                   check=True)
    shown = cv2.imread(str(png))[..., ::-1]
    expected_shape = (320, 180) if rotation in (90, 270) else (180, 320)
    assert shown.shape[:2] == expected_shape
    assert synth.read_barcode(shown) == 0
    # numpy.rot90 with k = -rotation/90 does the same turn
    assert synth.read_barcode(np.rot90(stored, k=-rotation // 90)) == 0


def test_variable_frame_rate_has_exact_pts(video_vfr: Path) -> None:
    with av.open(str(video_vfr)) as container:
        stream = container.streams.video[0]
        pts = sorted(p.pts for p in container.demux(stream) if p.pts is not None)
        tb = stream.time_base
    seconds = [(p - pts[0]) * tb for p in pts]
    expected = [Fraction(0)]
    for d in [3000, 3000, 6000, 1500] * 10:
        expected.append(expected[-1] + Fraction(d, 90000))
    assert seconds == expected[:-1]


def test_audio_beeps_every_second(video_25: Path) -> None:
    samples, rate, start = synth.decode_audio_mono(video_25)
    assert rate == 48000
    assert start == 0
    assert len(samples) >= 4 * rate
    loud = np.abs(samples) > 0.5
    for second in range(4):
        window = loud[second * rate: second * rate + rate // 10]
        onset = int(np.flatnonzero(window)[0])
        assert onset < rate // 100  # within 10 ms of the frame it belongs to
        assert not loud[second * rate + rate // 5: (second + 1) * rate - rate // 100].any()


def test_containers_and_hevc(video_hevc_mov: Path, tmp_path: Path) -> None:
    mkv = synth.make_barcode_video(tmp_path / "x.mkv", width=320, height=180, frames=10)
    for path, codec in ((video_hevc_mov, "hevc"), (mkv, "h264")):
        with av.open(str(path)) as container:
            assert container.streams.video[0].codec_context.name == codec
            frames = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
        assert [synth.read_barcode(f) for f in frames] == list(range(len(frames)))


def test_demo_recording(tmp_path: Path) -> None:
    path = synth.make_demo_recording(tmp_path / "demo.mp4", seconds=4, barcode=True)
    with av.open(str(path)) as container:
        assert container.streams.audio
        frames = list(container.decode(video=0))
    assert len(frames) == 100
    for index in (0, 37, 99):
        rgb = frames[index].to_ndarray(format="rgb24")
        assert synth.read_barcode(rgb) == index
        assert synth.read_barcode(cv2.resize(rgb, (160, 90), interpolation=cv2.INTER_AREA)) == index
