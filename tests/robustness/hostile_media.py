"""A generated corpus of broken and hostile media files (nothing binary is committed).

Every file is made from a small generated barcode video (``vigstudio.testing.synth``) by
cutting, overwriting or patching header fields, so each case is exact and repeatable.
"""

from __future__ import annotations

import random
import struct
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from vigstudio.testing import synth

FRAMES = 50


@dataclass(frozen=True)
class Case:
    name: str
    path: Path
    # what the probe may answer: error class names, and/or "info" (a usable, maybe partial,
    # result)
    probe: frozenset[str]
    note: str = ""


# --- MP4 boxes ------------------------------------------------------------------------------

_CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl", b"edts", b"udta"}


def iter_boxes(data: bytes | bytearray, start: int = 0, end: int | None = None
               ) -> Iterator[tuple[bytes, int, int, int]]:
    """(type, offset, size, header length) of each box in ``data[start:end]``."""
    end = len(data) if end is None else end
    pos = start
    while pos + 8 <= end:
        size, kind = struct.unpack(">I4s", data[pos:pos + 8])
        header = 8
        if size == 1:
            size = struct.unpack(">Q", data[pos + 8:pos + 16])[0]
            header = 16
        elif size == 0:
            size = end - pos
        if size < header:
            return
        yield kind, pos, size, header
        pos += size


def find_boxes(data: bytes | bytearray, path: str) -> list[tuple[int, int, int]]:
    """All boxes at ``path`` (e.g. "moov/trak/tkhd"): (offset, size, header length)."""
    wanted = [p.encode() for p in path.split("/")]
    found: list[tuple[int, int, int]] = []

    def walk(start: int, end: int, depth: int) -> None:
        for kind, pos, size, header in iter_boxes(data, start, end):
            if kind != wanted[depth]:
                continue
            if depth == len(wanted) - 1:
                found.append((pos, size, header))
            elif kind in _CONTAINERS:
                walk(pos + header, pos + size, depth + 1)

    walk(0, len(data), 0)
    return found


def box_offset(data: bytes | bytearray, name: bytes) -> int:
    for kind, pos, _, _ in iter_boxes(data):
        if kind == name:
            return pos
    raise ValueError(f"no top-level {name!r} box")


def patch_dimensions(data: bytearray, width: int, height: int) -> None:
    """Claim ``width``×``height`` in every track header and visual sample entry."""
    for pos, _, header in find_boxes(data, "moov/trak/tkhd"):
        body = pos + header
        offset = body + (88 if data[body] == 1 else 76)
        struct.pack_into(">II", data, offset, width << 16, height << 16)
    for pos, _, header in find_boxes(data, "moov/trak/mdia/minf/stbl/stsd"):
        entry = pos + header + 8
        if bytes(data[entry + 4:entry + 8]) in (b"avc1", b"hvc1", b"hev1", b"mp4v"):
            struct.pack_into(">HH", data, entry + 32, width & 0xFFFF, height & 0xFFFF)


def patch_durations(data: bytearray) -> None:
    """Claim the longest duration the header fields can hold (movie and every track)."""
    for path in ("moov/mvhd", "moov/trak/mdia/mdhd", "moov/trak/tkhd"):
        for pos, _, header in find_boxes(data, path):
            body = pos + header
            version = data[body]
            if path.endswith("tkhd"):
                offset, size = (body + 28, 8) if version == 1 else (body + 20, 4)
            else:
                offset, size = (body + 24, 8) if version == 1 else (body + 16, 4)
            data[offset:offset + size] = b"\xff" * (size - 1) + b"\xfe"


# --- the corpus -----------------------------------------------------------------------------

def _ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", *args], check=True)


def make_corpus(folder: Path) -> tuple[Path, list[Case]]:
    """Write the corpus into ``folder``; returns (the intact source video, cases)."""
    rng = random.Random(6)
    good = synth.make_barcode_video(folder / "good.mp4", width=320, height=180,
                                    frames=FRAMES, gop=10)  # index (moov) first
    raw = good.read_bytes()
    moov_last = folder / "moov-last-source.mp4"
    _ffmpeg("-i", str(good), "-c", "copy", "-movflags", "-faststart", str(moov_last))
    late = moov_last.read_bytes()
    assert box_offset(late, b"mdat") < box_offset(late, b"moov")
    mdat = box_offset(raw, b"mdat")
    cases: list[Case] = []

    def add(name: str, data: bytes | bytearray, probe: set[str], note: str = "") -> None:
        path = folder / name
        path.write_bytes(bytes(data))
        cases.append(Case(name, path, frozenset(probe), note))

    partial = {"info", "TruncatedMediaError"}
    add("zero-bytes.mp4", b"", {"EmptyMediaError"})
    add("random-bytes.mp4", rng.randbytes(64_000), {"NotMediaError"})
    add("text-renamed.mp4", b"Notes from the session on Tuesday.\n" * 200,
        {"NotMediaError"})
    add("header-only.mp4", raw[:mdat + 16], {"TruncatedMediaError"},
        "index first, no picture data at all")
    for pct in (30, 70, 97):
        add(f"cut-{pct}pct-moov-first.mp4", raw[:len(raw) * pct // 100], partial,
            "index first, data cut short: a usable partial result")
    for pct in (40, 90, 99):
        add(f"cut-{pct}pct-moov-last.mp4", late[:len(late) * pct // 100],
            {"TruncatedMediaError", "NotMediaError"}, "index at the end, cut off")
    absurd = bytearray(raw)
    patch_dimensions(absurd, 65535, 65535)
    add("absurd-dimensions.mp4", absurd, {"info"},
        "the track header is ignored: the size comes from the H.264 parameters")
    huge = bytearray(raw)
    patch_durations(huge)
    add("huge-duration.mp4", huge, {"info"})
    damaged = bytearray(raw)
    start = mdat + (len(raw) - mdat) // 3
    damaged[start:start + 3000] = rng.randbytes(3000)
    add("damaged-packets.mp4", damaged, {"info"}, "damage in the middle shows up when decoding")
    no_video = synth.make_audio_only(folder / "no-video.mp4", seconds=1.0)
    cases.append(Case("no-video.mp4", no_video, frozenset({"NoVideoError"})))
    # Matroska: raw video, whose frame size only the container header states
    mkv = folder / "raw-source.mkv"
    _ffmpeg("-f", "lavfi", "-i", "testsrc=size=352x288:rate=25", "-frames:v", "8",
            "-c:v", "rawvideo", "-pix_fmt", "yuv420p", str(mkv))
    add("absurd-dimensions.mkv", patch_mkv_dimensions(mkv.read_bytes(), 352, 288),
        {"NotMediaError"})
    return good, cases


def patch_mkv_dimensions(data: bytes, width: int, height: int) -> bytes:
    """Set Matroska PixelWidth/PixelHeight (two-byte values ``width``/``height``) to 65535."""
    out = bytearray(data)
    for element, value in ((b"\xb0\x82", width), (b"\xba\x82", height)):
        pos = out.find(element + struct.pack(">H", value))
        if pos < 0:
            raise ValueError(f"no {element!r} element holding {value}")
        out[pos + 2:pos + 4] = b"\xff\xff"
    return bytes(out)
