"""Which libVLC files go into the bundle, on Linux, Windows and macOS.

VIG Studio plays local files through libVLC's video callbacks (``vmem``) and sends sound to
the system's audio output. It needs the file access, demuxers, decoders, packetizers,
converters and outputs for that, and nothing that reaches the network, streams out, scripts
(Lua), discovers services or draws its own windows. The list below names the plug-ins kept;
every other plug-in of the installed VLC is left out (smaller, and no network code shipped).
"""

from __future__ import annotations

import sys
from pathlib import Path

# category → plug-in names (file ``lib<name>_plugin.<ext>``); "*" keeps the whole category
PLUGINS: dict[str, set[str] | str] = {
    "access": {"filesystem", "idummy", "imem", "attachment"},
    "audio_filter": "*",
    "audio_mixer": "*",
    "audio_output": {"adummy", "amem", "alsa", "pulse", "directsound", "mmdevice", "waveout",
                     "wasapi", "auhal"},
    "codec": {"a52", "adpcm", "aes3", "araw", "avcodec", "dav1d", "dca", "ddummy", "edummy",
              "faad", "flac", "g711", "jpeg", "libmpeg2", "lpcm", "mpg123", "opus", "png",
              "rawvideo", "speex", "theora", "vorbis", "uleaddvaudio", "videotoolbox", "d3d11va",
              "dxva2"},
    "control": {"dummy"},
    # VLC's own demuxers cover MP4/MOV/3GP, MKV/WebM, AVI, MPEG-TS/MTS, MPEG-PS, ASF/WMV, DV
    # and Ogg. The "avformat" fallback is left out: it brings Debian's libavformat with its
    # network protocols (TLS, SRT, SSH, ZeroMQ) and ~22 MB for formats a family film is not in.
    "demux": {"aiff", "asf", "au", "avi", "caf", "es", "flacsys", "h26x", "image",
              "mjpeg", "mkv", "mp4", "mpgv", "nuv", "ogg", "ps", "pva", "rawaud", "rawdv",
              "rawvid", "ts", "tta", "vc1", "voc", "wav", "xa"},
    "logger": {"console_logger"},
    "packetizer": "*",
    "stream_filter": {"cache_block", "cache_read", "prefetch", "skiptags", "inflate"},
    "text_renderer": {"tdummy"},
    "video_chroma": "*",
    "video_filter": {"adjust", "canvas", "croppadd", "deinterlace", "fps", "freeze", "postproc",
                     "rotate", "scale", "transform"},
    "video_output": {"vdummy", "vmem", "yuv"},
}


def _plugin_name(path: Path) -> str:
    name = path.name.split(".")[0]
    if name.startswith("lib"):
        name = name[3:]
    return name.removesuffix("_plugin")


def wanted(category: str, path: Path) -> bool:
    keep = PLUGINS.get(category)
    return keep == "*" or (isinstance(keep, set) and _plugin_name(path) in keep)


def _linux_dir() -> Path:
    for candidate in (Path("/usr/lib/x86_64-linux-gnu"), Path("/usr/lib/aarch64-linux-gnu"),
                      Path("/usr/lib64"), Path("/usr/lib")):
        if (candidate / "libvlc.so.5").exists():
            return candidate
    raise SystemExit("libVLC not found: install libvlc5 vlc-plugin-base (Debian/Ubuntu)")


def _category_of(plugin: Path, plugins_root: Path) -> str:
    rel = plugin.relative_to(plugins_root)
    return rel.parts[0] if len(rel.parts) > 1 else ""


def _macos_category(name: str) -> str:
    """macOS VLC keeps all plug-ins in one folder: find the category by name."""
    for category, keep in PLUGINS.items():
        if isinstance(keep, set) and name in keep:
            return category
    for prefix, category in (("packetizer_", "packetizer"),):
        if name.startswith(prefix):
            return category
    return ""


def vlc_binaries(vlc_dir: str | None = None) -> list[tuple[str, str]]:
    """``(source, destination folder)`` pairs for PyInstaller's ``binaries``.

    libvlc and libvlccore go to the bundle's top level; the plug-ins keep their category
    folders under ``vlc/plugins``.
    """
    if sys.platform.startswith("win"):
        root = Path(vlc_dir or r"C:\Program Files\VideoLAN\VLC")
        libs = [root / "libvlc.dll", root / "libvlccore.dll"]
        plugins_root, pattern = root / "plugins", "*.dll"
    elif sys.platform == "darwin":
        root = Path(vlc_dir or "/Applications/VLC.app/Contents/MacOS")
        libs = [root / "lib" / "libvlc.dylib", root / "lib" / "libvlccore.dylib"]
        plugins_root, pattern = root / "plugins", "*.dylib"
    else:
        root = Path(vlc_dir) if vlc_dir else _linux_dir()
        libs = [root / "libvlc.so.5", root / "libvlccore.so.9"]
        plugins_root, pattern = root / "vlc" / "plugins", "*.so"
    missing = [str(p) for p in [*libs, plugins_root] if not p.exists()]
    if missing:
        raise SystemExit(f"libVLC files not found: {', '.join(missing)} (set VIGSTUDIO_VLC_DIR)")
    pairs = [(str(lib), ".") for lib in libs]
    for plugin in sorted(plugins_root.rglob(pattern)):
        category = _category_of(plugin, plugins_root)
        if not category and sys.platform == "darwin":
            category = _macos_category(_plugin_name(plugin))
            dest = "vlc/plugins"
        else:
            dest = f"vlc/plugins/{category}"
        if category and wanted(category, plugin):
            pairs.append((str(plugin), dest))
    return pairs
