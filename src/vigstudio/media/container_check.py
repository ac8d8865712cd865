"""Before FFmpeg opens a recording: is the file there, and is it whole?

A missing, empty or unreadable file gets its own message. For ISO-BMFF (MP4, MOV, 3GP) the
top-level boxes are walked, and for Matroska/WebM the Segment's declared size is compared with
the file's: a box or segment running past the end of the file means the copy was cut short
(an interrupted transfer from a phone or camera), which FFmpeg alone does not always say.
"""

from __future__ import annotations

from dataclasses import dataclass

from vigstudio import errors
from vigstudio.media.source import MediaSource

__all__ = ["BoxCheck", "check_file", "matroska_cut", "walk_boxes"]


def check_file(source: MediaSource) -> None:
    path = source.path
    if not path.exists():
        raise errors.MediaMissingError(
            f"The recording “{path.name}” is not at {path.absolute().parent} any more "
            "(moved, renamed, or on a drive that is not connected).")
    if path.is_dir():
        raise errors.NotMediaError(f"“{path.name}” is a folder, not a video file.")
    try:
        size = source.size()
    except OSError as exc:
        raise errors.MediaError(f"“{path.name}” cannot be read: {exc.strerror}.") from exc
    if size == 0:
        raise errors.EmptyMediaError(
            f"“{path.name}” is empty (0 bytes) — probably an unfinished copy or download.")


@dataclass(frozen=True, slots=True)
class BoxCheck:
    """What walking the top-level boxes of an ISO-BMFF (MP4/MOV) file found."""

    is_isobmff: bool
    has_moov: bool
    cut_box: str | None  # type of a box that runs past the end of the file


_ISO_FIRST_BOXES = {b"ftyp", b"moov", b"mdat", b"free", b"wide", b"skip", b"pnot"}


def walk_boxes(source: MediaSource) -> BoxCheck:
    size = source.size()
    with source.open_binary() as fh:
        head = fh.read(8)
        if len(head) < 8 or head[4:8] not in _ISO_FIRST_BOXES:
            return BoxCheck(False, False, None)
        offset, has_moov = 0, False
        while offset + 8 <= size:
            fh.seek(offset)
            header = fh.read(16)
            box_size = int.from_bytes(header[0:4], "big")
            box_type = header[4:8]
            if box_size == 1:
                if len(header) < 16:
                    return BoxCheck(True, has_moov, box_type.decode("latin-1"))
                box_size = int.from_bytes(header[8:16], "big")
            elif box_size == 0:
                box_size = size - offset
            if box_type == b"moov":
                has_moov = True
            if box_size < 8:
                break  # garbage; FFmpeg will say more
            if offset + box_size > size:
                return BoxCheck(True, has_moov, box_type.decode("latin-1"))
            offset += box_size
        return BoxCheck(True, has_moov, None)


_EBML_MAGIC = b"\x1a\x45\xdf\xa3"
_MKV_SEGMENT = b"\x18\x53\x80\x67"


def read_vint(data: bytes, offset: int) -> tuple[int, int, bool] | None:
    """An EBML variable-size integer at ``offset``: (value, length, all-ones 'unknown')."""
    if offset >= len(data):
        return None
    first = data[offset]
    length = 1
    while length <= 8 and not first & (0x80 >> (length - 1)):
        length += 1
    if length > 8 or offset + length > len(data):
        return None
    value = first & (0xFF >> length)
    for byte in data[offset + 1:offset + length]:
        value = (value << 8) | byte
    return value, length, value == (1 << (7 * length)) - 1


def matroska_cut(source: MediaSource) -> bool | None:
    """For Matroska/WebM: True if the Segment declares more bytes than the file has."""
    size = source.size()
    with source.open_binary() as fh:
        data = fh.read(4096)
    if not data.startswith(_EBML_MAGIC):
        return None
    header = read_vint(data, 4)
    if header is None:
        return None
    offset = 4 + header[1] + header[0]
    if data[offset:offset + 4] != _MKV_SEGMENT:
        return None
    seg = read_vint(data, offset + 4)
    if seg is None or seg[2]:
        return None  # unknown size (live recording): cannot tell
    return offset + 4 + seg[1] + seg[0] > size
