"""The colour description a video stream carries (primaries, transfer, matrix, range), named
as FFmpeg's command line names them; None where the stream leaves it unspecified."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import av

__all__ = ["StreamColour", "stream_colour"]


@dataclass(frozen=True, slots=True)
class StreamColour:
    primaries: str | None = None
    transfer: str | None = None
    space: str | None = None
    range: str | None = None


def stream_colour(vstream: av.video.stream.VideoStream) -> StreamColour:
    ctx = vstream.codec_context
    return StreamColour(
        primaries=_primaries_name(getattr(ctx, "color_primaries", None)),
        transfer=_transfer_name(getattr(ctx, "color_trc", None)),
        space=_space_name(getattr(ctx, "colorspace", None)),
        range={1: "tv", 2: "pc"}.get(int(getattr(ctx, "color_range", 0) or 0)),
    )


# FFmpeg's AVColorPrimaries / AVColorTransferCharacteristic / AVColorSpace numbers and the
# names its command line and encoders use.
_PRIMARIES = {1: "bt709", 4: "bt470m", 5: "bt470bg", 6: "smpte170m", 7: "smpte240m",
              9: "bt2020", 12: "smpte432"}
_TRANSFERS = {1: "bt709", 4: "gamma22", 5: "gamma28", 6: "smpte170m", 7: "smpte240m",
              8: "linear", 13: "iec61966-2-1", 14: "bt2020-10", 15: "bt2020-12",
              16: "smpte2084", 18: "arib-std-b67"}
_SPACES = {1: "bt709", 4: "fcc", 5: "bt470bg", 6: "smpte170m", 7: "smpte240m",
           9: "bt2020nc", 10: "bt2020c"}


def _primaries_name(value: Any) -> str | None:
    return None if value is None else _PRIMARIES.get(int(value))


def _transfer_name(value: Any) -> str | None:
    return None if value is None else _TRANSFERS.get(int(value))


def _space_name(value: Any) -> str | None:
    return None if value is None else _SPACES.get(int(value))
