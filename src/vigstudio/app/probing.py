"""Probing a media file outside a case (``vigstudio probe``): the one door to media.probe."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from vigstudio.domain.media import MediaInfo
from vigstudio.media.probe import DEFAULT_TIMEOUT, info_to_json, probe
from vigstudio.media.versions import media_components

__all__ = ["media_components", "media_info_json", "probe", "probe_file"]


def probe_file(path: Path | str, *, timeout: float = DEFAULT_TIMEOUT) -> MediaInfo:
    """What the file holds, measured in a child process (see :func:`media.probe.probe`)."""
    return probe(path, timeout=timeout)


def media_info_json(info: MediaInfo) -> dict[str, Any]:
    """``info`` as exact JSON (fractions as 'n/d', frame times in ticks)."""
    return info_to_json(info)

