"""Colour in exports: carry the source's matrix, primaries and transfer; tone-map HDR to SDR.

* A reel whose pictures all come from sources with one SDR colour description (BT.709 from
  phones and HD cameras, BT.601 from SD camcorders and DV) is written with that description:
  the YUV values pass through unchanged and the file says how to show them, so browsers and
  players show the colours the camera meant. Untagged sources get what players assume for
  them: BT.601 below 720 lines, BT.709 from 720 lines up, written out explicitly so that a
  scaled export (SD shown at 720p) does not change the guess.
* Sources that disagree are converted to BT.709, the matrix of the output.
* 10-bit HDR phone video (HLG, or PQ/SMPTE 2084, with BT.2020 primaries) is tone-mapped to
  SDR BT.709 (:func:`tone_map_to_sdr`): HDR reference white (75 % HLG, 203 cd/m² PQ) becomes
  SDR white, highlights above it roll off smoothly instead of clipping, and BT.2020 colours are
  brought into BT.709 in linear light.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt

from vigstudio.domain.media import MediaInfo

__all__ = ["OutputColour", "output_colour", "source_matrix", "tone_map_to_sdr"]

_SD_SPACES = {"smpte170m", "bt470bg"}
_SDR_SPACES = {"bt709", *_SD_SPACES}
# PyAV's swscale names for the matrices
SWS_NAMES = {"bt709": "itu709", "smpte170m": "smpte170m", "bt470bg": "itu601",
             "bt2020nc": "bt2020", "bt2020c": "bt2020"}
# FFmpeg's numbers for the codec context
_PRIMARIES_NUM = {"bt709": 1, "bt470bg": 5, "smpte170m": 6, "bt2020": 9}
_TRANSFER_NUM = {"bt709": 1, "gamma28": 5, "smpte170m": 6, "iec61966-2-1": 13}
_SPACE_NUM = {"bt709": 1, "bt470bg": 5, "smpte170m": 6}


@dataclass(frozen=True, slots=True)
class OutputColour:
    """The colour description of an exported reel (FFmpeg's names)."""

    primaries: str
    transfer: str
    space: str

    def codec_numbers(self) -> tuple[int, int, int]:
        """(color_primaries, color_trc, colorspace) for an FFmpeg codec context."""
        return (_PRIMARIES_NUM.get(self.primaries, 1), _TRANSFER_NUM.get(self.transfer, 1),
                _SPACE_NUM.get(self.space, 1))


BT709 = OutputColour("bt709", "bt709", "bt709")


def source_matrix(info: MediaInfo) -> str:
    """The YUV matrix the source's pixels are in (declared, else what players assume)."""
    if info.color_space in (*_SDR_SPACES, "bt2020nc", "bt2020c"):
        return info.color_space
    return "bt709" if min(info.width, info.height) >= 720 else "smpte170m"


def _described(info: MediaInfo) -> OutputColour:
    space = source_matrix(info)
    if space in _SD_SPACES:
        default_primaries = "bt470bg" if space == "bt470bg" else "smpte170m"
        primaries = info.color_primaries if info.color_primaries in (
            "bt470bg", "smpte170m") else default_primaries
        transfer = info.color_transfer if info.color_transfer in (
            "bt709", "smpte170m", "gamma28") else "smpte170m"
        return OutputColour(primaries, transfer, space)
    transfer = info.color_transfer if info.color_transfer in ("bt709", "iec61966-2-1") \
        else "bt709"
    return OutputColour("bt709", transfer, "bt709")


def output_colour(sources: Sequence[MediaInfo]) -> OutputColour:
    """The colour description of a reel made from ``sources`` (see the module notes)."""
    sdr = [info for info in sources if not info.is_hdr]
    if len(sdr) != len(sources):
        return BT709
    described = {_described(info) for info in sdr}
    return described.pop() if len(described) == 1 else BT709


# --- HDR to SDR ----------------------------------------------------------------------------

# BT.2020 → BT.709 primaries, in linear light (ITU-R BT.2087)
_GAMUT = np.array([[1.6605, -0.5876, -0.0728],
                   [-0.1246, 1.1329, -0.0083],
                   [-0.0182, -0.1006, 1.1187]], np.float32)
_HLG_A, _HLG_B, _HLG_C = 0.17883277, 0.28466892, 0.55991073
_KNEE = 0.75  # SDR level where the highlight roll-off starts


@cache
def _to_linear_lut(transfer: str) -> npt.NDArray[np.float32]:
    """16-bit code value → linear light with HDR reference white at 1.0."""
    e = np.linspace(0.0, 1.0, 65536, dtype=np.float64)
    if transfer == "arib-std-b67":  # HLG: inverse OETF, then the system gamma (1000 cd/m²)
        scene = np.where(e <= 0.5, e * e / 3.0,
                         (np.exp((e - _HLG_C) / _HLG_A) + _HLG_B) / 12.0)
        display = np.power(np.maximum(scene, 0.0), 1.2)
        white = np.power((np.exp((0.75 - _HLG_C) / _HLG_A) + _HLG_B) / 12.0, 1.2)
        hlg: npt.NDArray[np.float32] = (display / white).astype(np.float32)
        return hlg
    # PQ (SMPTE ST 2084): EOTF to cd/m², reference white 203 cd/m²
    m1, m2 = 2610 / 16384, 2523 / 4096 * 128
    c1, c2, c3 = 3424 / 4096, 2413 / 4096 * 32, 2392 / 4096 * 32
    p = np.power(e, 1 / m2)
    nits = 10000.0 * np.power(np.maximum(p - c1, 0.0) / (c2 - c3 * p), 1 / m1)
    result: npt.NDArray[np.float32] = (nits / 203.0).astype(np.float32)
    return result


@cache
def _to_sdr_code_lut() -> npt.NDArray[np.uint8]:
    """Linear SDR light (0–4, in steps of 1/16384) → 8-bit BT.709 code, with a soft knee."""
    x = np.arange(4 * 16384 + 1, dtype=np.float64) / 16384
    over = np.maximum(x - _KNEE, 0.0)
    rolled = np.where(x <= _KNEE, x, _KNEE + (1 - _KNEE) * over / (over + (1 - _KNEE)))
    v = np.clip(rolled, 0.0, 1.0)
    code = np.where(v < 0.018, 4.5 * v, 1.099 * np.power(v, 0.45) - 0.099)  # BT.709 OETF
    return np.clip(np.round(code * 255), 0, 255).astype(np.uint8)


def tone_map_to_sdr(rgb48: npt.NDArray[np.uint16], transfer: str) -> npt.NDArray[np.uint8]:
    """An HDR picture (non-linear BT.2020 RGB, 16 bits per channel) as SDR BT.709 RGB24."""
    linear = _to_linear_lut(transfer)[rgb48]
    mapped = linear @ _GAMUT.T
    index = np.clip(mapped * 16384, 0, 4 * 16384).astype(np.int32)
    result: npt.NDArray[np.uint8] = _to_sdr_code_lut()[index]
    return result
