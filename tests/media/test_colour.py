"""Colour in exports: the output's description, and HDR (HLG, PQ) tone-mapped to SDR."""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

import numpy as np

from vigstudio.domain.media import MediaInfo
from vigstudio.domain.time import FrameRate
from vigstudio.media import colour

BASE = MediaInfo(container="mp4", video_codec="h264", width=1920, height=1080, rotation=0,
                 frame_rate=FrameRate(Fraction(25)), variable_frame_rate=False,
                 frame_count=10, duration=Fraction(2, 5), time_base=Fraction(1, 12800),
                 start_pts=0)


def test_sources_with_one_description_keep_it() -> None:
    sd = replace(BASE, width=720, height=576)
    assert colour.output_colour([sd]) == colour.OutputColour("smpte170m", "smpte170m",
                                                             "smpte170m")
    tagged = replace(sd, color_space="bt470bg", color_primaries="bt470bg")
    assert colour.output_colour([tagged]).space == "bt470bg"
    assert colour.output_colour([BASE, replace(BASE, color_space="bt709")]) == colour.BT709


def test_mixed_or_hdr_sources_go_to_bt709() -> None:
    sd = replace(BASE, width=640, height=480)
    assert colour.output_colour([BASE, sd]) == colour.BT709
    hlg = replace(BASE, color_transfer="arib-std-b67", color_primaries="bt2020",
                  color_space="bt2020nc")
    assert hlg.is_hdr
    assert colour.output_colour([hlg]) == colour.BT709
    assert colour.source_matrix(hlg) == "bt2020nc"


def _grey(code: float) -> np.ndarray:  # type: ignore[type-arg]
    return np.full((2, 2, 3), round(code * 65535), np.uint16)


def test_hlg_reference_white_becomes_sdr_white_and_shadows_stay_dark() -> None:
    white = colour.tone_map_to_sdr(_grey(0.75), "arib-std-b67")
    assert white.min() >= 225  # HDR reference white (75 % HLG) is SDR white
    black = colour.tone_map_to_sdr(_grey(0.0), "arib-std-b67")
    assert black.max() == 0
    levels = [int(colour.tone_map_to_sdr(_grey(c), "arib-std-b67")[0, 0, 0])
              for c in np.linspace(0, 1, 21)]
    assert levels == sorted(levels)  # monotonic, no banding reversal
    peak = colour.tone_map_to_sdr(_grey(1.0), "arib-std-b67")
    assert peak.min() >= 250  # highlights roll off to white instead of wrapping


def test_pq_203_nits_is_white_and_1000_nits_is_not_clipped_early() -> None:
    def pq_code(nits: float) -> float:
        m1, m2 = 2610 / 16384, 2523 / 4096 * 128
        c1, c2, c3 = 3424 / 4096, 2413 / 4096 * 32, 2392 / 4096 * 32
        y = (nits / 10000) ** m1
        return float(((c1 + c2 * y) / (1 + c3 * y)) ** m2)

    ref_white = colour.tone_map_to_sdr(_grey(pq_code(203)), "smpte2084")
    assert ref_white.min() >= 225
    mid = int(colour.tone_map_to_sdr(_grey(pq_code(20)), "smpte2084")[0, 0, 0])
    assert 60 < mid < 160  # a dim 20 cd/m² grey is a mid grey on an SDR screen
    bright = int(colour.tone_map_to_sdr(_grey(pq_code(1000)), "smpte2084")[0, 0, 0])
    assert 240 <= bright <= 255


def test_bt2020_red_is_brought_into_bt709_without_negative_light() -> None:
    red = np.zeros((1, 1, 3), np.uint16)
    red[..., 0] = round(0.75 * 65535)
    out = colour.tone_map_to_sdr(red, "arib-std-b67")
    assert out[0, 0, 0] > 200 and out[0, 0, 1] == 0 and out[0, 0, 2] == 0
