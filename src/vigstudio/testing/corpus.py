"""A conformance corpus written by an independent producer: the ffmpeg command line.

Every file is made by Debian's ``ffmpeg`` (its own encoders and muxers, settings unlike VIG
Studio's), never by PyAV, so a reader bug cannot hide behind a writer made with the same
library. Every frame carries its index as a barcode (``BITS`` blocks across a band at the top,
drawn by FFmpeg's ``geq`` filter from the frame number ``N``), and the audio has a loud 1 kHz
beep at the start of every whole second over a quiet 220 Hz tone.

The reference for every check is FFmpeg's own decode of the file (:func:`reference_frames`,
the ffmpeg command line writing raw grey pictures, one per decoded frame, in the order the
decoder gives them), never VIG Studio's reader.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt

__all__ = [
    "BITS",
    "KINDS",
    "CorpusKind",
    "barcode_of",
    "ffmpeg_available",
    "make",
    "make_all",
    "reference_count",
    "reference_frames",
]

BITS = 10  # barcode blocks: frames 0–1023 can be told apart
GreyFrames = npt.NDArray[np.uint8]


def ffmpeg_available() -> bool:
    return shutil.which("ffmpeg") is not None


def _barcode_filter() -> str:
    """``geq`` expressions drawing frame N's index as BITS black/white blocks in the top tenth."""
    bit = f"floor(X*{BITS}/W)"
    band = "lt(Y,H/10)"
    lum = f"if({band},if(mod(floor(N/pow(2,{bit})),2),235,16),lum(X,Y))"
    return (f"format=yuv420p,geq=lum='{lum}':cb='if({band},128,cb(X,Y))'"
            f":cr='if({band},128,cr(X,Y))'")


_AUDIO = ("aevalsrc=0.1*sin(2*PI*220*t)+if(lt(mod(t\\,1)\\,0.06)\\,0.8*sin(2*PI*1000*t)\\,0)"
          ":s=48000:d={d}")


@dataclass(frozen=True)
class CorpusKind:
    """One kind of recording: how ffmpeg makes it and what it stands for."""

    name: str  # file name, with the container's usual suffix
    stands_for: str  # where practitioners meet such files
    output: Sequence[str]  # ffmpeg output options (codecs, muxer)
    size: str = "320x240"
    rate: str = "25"
    seconds: float = 4.0
    audio: bool = True
    audio_filter: str | None = None  # applied to the audio before encoding
    video_filter: str = ""  # applied after the barcode
    post: Callable[[Path, Path], None] | None = None  # turns the made file into the final one
    notes: str = ""
    tags: frozenset[str] = field(default_factory=frozenset)


def _trim_with_stream_copy(made: Path, out: Path) -> None:
    """An editor's trim: stream copy from 1.3 s, so the MP4 gets an edit list whose pre-roll
    packets (negative timestamps) hold the keyframe."""
    _ffmpeg(["-ss", "1.3", "-i", str(made), "-c", "copy", str(out)])


def _rotate_90(made: Path, out: Path) -> None:
    _ffmpeg(["-i", str(made), "-c", "copy", "-metadata:s:v", "rotate=90", str(out)])


def _damage_first_audio_packet(made: Path, out: Path) -> None:
    """Overwrite the middle of the first audio packet (its CRC then fails; the rest is good)."""
    shutil.copyfile(made, out)
    with av.open(str(made)) as container:
        stream = container.streams.audio[0]
        for packet in container.demux(stream):
            if packet.size and packet.pos is not None and packet.pos >= 0:
                pos, size = int(packet.pos), int(packet.size)
                break
        else:
            raise RuntimeError("no audio packet to damage")
    with out.open("r+b") as fh:
        fh.seek(pos + size // 3)
        fh.write(bytes([0x5A]) * max(4, size // 3))


_X264 = ["-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p"]

KINDS: tuple[CorpusKind, ...] = (
    CorpusKind("xvid_bframes.avi", "DivX/XviD camcorder and archive files",
               ["-c:v", "libxvid", "-bf", "2", "-g", "24", "-q:v", "3", "-c:a", "libmp3lame"],
               notes="decoder gives timestamps out of display order", tags=frozenset({"avi"})),
    CorpusKind("msmpeg4v3.avi", "old Windows webcams and archives",
               ["-c:v", "msmpeg4", "-g", "25", "-q:v", "3", "-c:a", "libmp3lame"],
               tags=frozenset({"avi"})),
    CorpusKind("mjpeg_webcam.avi", "USB webcams, still cameras' movie mode",
               ["-c:v", "mjpeg", "-q:v", "3", "-c:a", "pcm_s16le"], tags=frozenset({"avi"})),
    CorpusKind("dropped_frames.avi", "AVI with 'repeat previous frame' entries (dropped frames)",
               ["-fps_mode", "passthrough", "-c:v", "mpeg4", "-g", "12", "-q:v", "3",
                "-c:a", "libmp3lame"],
               video_filter=",select='not(eq(mod(n\\,7)\\,3))'",
               notes="index entries with no data stand for a repeated picture",
               tags=frozenset({"avi"})),
    CorpusKind("mpeg2_program.mpg", "DVD camcorders, DVD rips (MPEG-2 program stream)",
               ["-c:v", "mpeg2video", "-g", "12", "-bf", "2", "-q:v", "3", "-c:a", "mp2",
                "-f", "vob"], notes="seeks land after the target"),
    CorpusKind("mpeg2_interlaced.mpg", "SD camcorders, interlaced PAL",
               ["-c:v", "mpeg2video", "-g", "15", "-bf", "2", "-q:v", "3",
                "-flags", "+ildct+ilme", "-top", "1", "-c:a", "mp2", "-f", "vob"],
               size="720x576", seconds=2.0),
    CorpusKind("mpeg2_transport.ts", "broadcast recordings, HDV",
               ["-c:v", "mpeg2video", "-g", "12", "-bf", "2", "-q:v", "3", "-c:a", "mp2",
                "-f", "mpegts"]),
    CorpusKind("mpeg1_system.mpg", "very old video CDs and archives",
               ["-c:v", "mpeg1video", "-g", "15", "-bf", "2", "-q:v", "3", "-c:a", "mp2",
                "-f", "mpeg"]),
    CorpusKind("avchd_h264.mts", "AVCHD camcorders (H.264 in MPEG-TS, AC-3 sound)",
               [*_X264, "-bf", "3", "-g", "25", "-c:a", "ac3", "-f", "mpegts"],
               rate="30000/1001"),
    CorpusKind("h264_open_gop.m2ts", "camcorders with open GOPs",
               [*_X264, "-x264-params", "open-gop=1:keyint=20:min-keyint=20:bframes=3",
                "-c:a", "aac", "-f", "mpegts"]),
    CorpusKind("trimmed_editlist.mp4", "a clip trimmed by stream copy (phone or editor)",
               [*_X264, "-bf", "2", "-g", "50", "-c:a", "aac"], post=_trim_with_stream_copy,
               seconds=5.0, notes="edit list; the keyframe lies in discarded pre-roll"),
    CorpusKind("fragmented.mp4", "streaming and some action cameras",
               [*_X264, "-bf", "2", "-g", "25", "-c:a", "aac",
                "-movflags", "+frag_keyframe+empty_moov"]),
    CorpusKind("rotated_phone.mov", "phone held upright (rotation matrix)",
               [*_X264, "-g", "30", "-c:a", "aac"], post=_rotate_90, rate="30"),
    CorpusKind("hevc10_hlg.mp4", "recent phones: 10-bit HEVC HLG (HDR)",
               ["-c:v", "libx265", "-pix_fmt", "yuv420p10le", "-tag:v", "hvc1",
                "-x265-params", "log-level=error:keyint=25",
                "-color_primaries", "bt2020", "-color_trc", "arib-std-b67",
                "-colorspace", "bt2020nc", "-c:a", "aac"], tags=frozenset({"hdr"})),
    CorpusKind("bt709_phone.mp4", "phone video tagged BT.709",
               [*_X264, "-bf", "2", "-g", "30", "-color_primaries", "bt709", "-color_trc",
                "bt709", "-colorspace", "bt709", "-c:a", "aac"], rate="30"),
    CorpusKind("vp8.webm", "browser recordings (VP8/Vorbis)",
               ["-c:v", "libvpx", "-b:v", "600k", "-g", "30", "-c:a", "libvorbis"]),
    CorpusKind("vp9.webm", "browser and screen recordings (VP9/Opus)",
               ["-c:v", "libvpx-vp9", "-b:v", "400k", "-g", "30", "-deadline", "realtime",
                "-cpu-used", "8", "-c:a", "libopus"]),
    CorpusKind("matroska_ntsc.mkv", "Matroska from editors (29.97, millisecond times)",
               [*_X264, "-bf", "2", "-g", "30", "-c:a", "ac3"], rate="30000/1001"),
    CorpusKind("wmv2.wmv", "Windows Media (old office laptops)",
               ["-c:v", "wmv2", "-q:v", "3", "-g", "25", "-c:a", "wmav2"]),
    CorpusKind("flash.flv", "old Flash video archives",
               ["-c:v", "flv", "-q:v", "3", "-g", "25", "-c:a", "libmp3lame", "-ar", "44100"]),
    CorpusKind("h263.3gp", "old mobile phones (3GP)",
               ["-c:v", "h263", "-q:v", "3", "-g", "15", "-c:a", "aac", "-ar", "16000",
                "-ac", "1"], size="352x288", rate="15"),
    CorpusKind("dv_pal.dv", "DV tape camcorders",
               ["-c:v", "dvvideo", "-pix_fmt", "yuv420p", "-c:a", "pcm_s16le", "-ac", "2",
                "-f", "dv"],
               size="720x576", seconds=2.0),
    CorpusKind("theora.ogv", "Ogg/Theora from free software",
               ["-c:v", "libtheora", "-q:v", "7", "-g", "25", "-c:a", "libvorbis"]),
    CorpusKind("prores.mov", "editors' intermediate files (ProRes)",
               ["-c:v", "prores_ks", "-profile:v", "0", "-c:a", "pcm_s16le"],
               seconds=2.0),
    CorpusKind("mpeg4_bframes.mp4", "MPEG-4 Part 2 in MP4 with B-frames",
               ["-c:v", "mpeg4", "-bf", "2", "-g", "24", "-q:v", "3", "-c:a", "aac"]),
    CorpusKind("audio_late_early.mp4", "sound starts late and ends early",
               [*_X264, "-g", "25", "-c:a", "aac"],
               audio_filter="atrim=0:2,adelay=1000|1000", tags=frozenset({"audio-gap"})),
    CorpusKind("damaged_audio.mkv", "AC-3 sound whose first packet is damaged",
               [*_X264, "-g", "25", "-c:a", "ac3"], post=_damage_first_audio_packet,
               tags=frozenset({"damaged-audio"})),
)


def _ffmpeg(args: Sequence[str]) -> None:
    subprocess.run(["ffmpeg", "-v", "error", "-nostdin", "-y", *args], check=True,
                   capture_output=True, timeout=120)


def make(kind: CorpusKind, folder: Path) -> Path:
    """Make ``kind`` in ``folder`` with the ffmpeg command line; return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / kind.name
    made = out if kind.post is None else folder / f"pre-{kind.name}"
    if kind.post is not None and made.suffix == ".mov" and kind.name.endswith(".mov"):
        made = made.with_suffix(".mp4")
    args: list[str] = ["-f", "lavfi", "-i",
                       f"testsrc2=size={kind.size}:rate={kind.rate}:duration={kind.seconds}"]
    if kind.audio:
        args += ["-f", "lavfi", "-i", _AUDIO.format(d=kind.seconds)]
    args += ["-vf", _barcode_filter() + kind.video_filter]
    if kind.audio and kind.audio_filter:
        args += ["-af", kind.audio_filter]
    args += [*kind.output, str(made)]
    _ffmpeg(args)
    if kind.post is not None:
        kind.post(made, out)
        made.unlink()
    return out


def make_all(folder: Path, kinds: Sequence[CorpusKind] = KINDS) -> dict[str, Path]:
    return {kind.name: make(kind, folder) for kind in kinds}


def _stored_size(path: Path) -> tuple[int, int]:
    result = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
         "stream=width,height", "-of", "json", str(path)],
        check=True, capture_output=True, text=True, timeout=60)
    stream = json.loads(result.stdout)["streams"][0]
    return int(stream["width"]), int(stream["height"])


def reference_frames(path: Path) -> GreyFrames:
    """FFmpeg's own decode: every picture its decoder gives, in order, as grey (N×H×W), as
    stored (no auto-rotation), one output picture per decoded frame (no duplicates/drops)."""
    width, height = _stored_size(path)
    result = subprocess.run(
        ["ffmpeg", "-v", "error", "-nostdin", "-noautorotate", "-i", str(path), "-map", "0:v:0",
         "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "gray", "-"],
        check=True, capture_output=True, timeout=300)
    data = np.frombuffer(result.stdout, np.uint8)
    return data.reshape(-1, height, width)


def reference_count(path: Path) -> int:
    return int(reference_frames(path).shape[0])


def barcode_of(grey: npt.NDArray[np.generic]) -> int:
    """The frame index a corpus picture (grey, as stored) carries."""
    height, width = grey.shape[:2]
    row = np.asarray(grey[max(1, height // 20)], dtype=np.float64)
    value = 0
    for bit in range(BITS):
        lo = int(bit * width / BITS + width / BITS / 4)
        hi = int((bit + 1) * width / BITS - width / BITS / 4)
        if row[lo:hi].mean() > 128:
            value |= 1 << bit
    return value


def picture_distance(a: npt.NDArray[np.generic], b: npt.NDArray[np.generic]) -> float:
    """Mean absolute difference of two grey pictures of one size (0 = identical)."""
    return float(np.abs(a.astype(np.int16) - b.astype(np.int16)).mean())


def frame_rate_of(kind: CorpusKind) -> Fraction:
    return Fraction(kind.rate)
