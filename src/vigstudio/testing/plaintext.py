"""Test machinery: would a player take this file for a film? For the scans that prove an
encrypted case leaves no readable media behind.

FFmpeg's own verdict, from the ffmpeg command line's ``ffprobe``: a format it detects with a
probe score above ``AVPROBE_SCORE_RETRY`` (25) and a video or audio stream. Opening a file
with PyAV alone is not a fair test: about 2 % of random 200 kB files (which is what encrypted
files look like) are taken for raw H.263 at a score of 25, as FFmpeg's "misdetection
possible" warning says, and some of them even "decode" a picture.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

__all__ = ["PROBE_SCORE_RETRY", "is_confidently_media"]

PROBE_SCORE_RETRY = 25  # FFmpeg's AVPROBE_SCORE_RETRY: at or below it a format is a guess


def is_confidently_media(path: Path) -> bool:
    """True if ffprobe recognises ``path`` as a media format (score above the retry level)
    holding a video or audio stream."""
    done = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=probe_score:stream=codec_type",
         "-of", "json", str(path)], capture_output=True, text=True, timeout=60, check=False)
    if done.returncode != 0 or not done.stdout.strip():
        return False
    data = json.loads(done.stdout)
    score = int(data.get("format", {}).get("probe_score", 0))
    kinds = {s.get("codec_type") for s in data.get("streams", [])}
    return score > PROBE_SCORE_RETRY and bool(kinds & {"video", "audio"})
