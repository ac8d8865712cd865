"""WebVTT captions, made from the SubRip cues the reel export writes.

The two formats carry the same cues; WebVTT starts with a ``WEBVTT`` line, writes the
millisecond separator as a dot, and is what browsers' ``<track>`` element reads.
"""

from __future__ import annotations

import re

_SRT_TIME = re.compile(r"(\d{2}:\d{2}:\d{2}),(\d{3})")


def srt_to_vtt(srt: str) -> str:
    """The WebVTT text of SubRip cues (numbered cues keep their numbers as identifiers)."""
    blocks = [b.strip("\n") for b in re.split(r"\n\s*\n", srt.replace("\r\n", "\n")) if b.strip()]
    out = ["WEBVTT", ""]
    for block in blocks:
        lines = block.split("\n")
        timing = next((i for i, line in enumerate(lines) if "-->" in line), None)
        if timing is None:
            continue
        ident = lines[:timing]
        text = [line.replace("-->", "→") for line in lines[timing + 1:]]
        out += [*ident, _SRT_TIME.sub(r"\1.\2", lines[timing]), *text, ""]
    return "\n".join(out)
