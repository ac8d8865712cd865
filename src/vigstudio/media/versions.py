"""The versions of the media libraries this installation runs on (for Help ▸ About)."""

from __future__ import annotations

__all__ = ["media_components"]


def media_components() -> list[tuple[str, str]]:
    """(part, version) of PyAV, its FFmpeg and libVLC; libVLC only if it loads."""
    import av

    from vigstudio.errors import PlayerUnavailableError
    from vigstudio.media.playback import load_vlc

    try:
        vlc = load_vlc()
        vlc_version = vlc.libvlc_get_version().decode("utf-8", "replace")
    except PlayerUnavailableError:
        vlc_version = "not found"
    return [("PyAV", av.__version__), ("FFmpeg", str(av.ffmpeg_version_info)),
            ("libVLC", vlc_version)]
