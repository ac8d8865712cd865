"""PyInstaller runtime hook: make python-vlc use the libVLC and plug-ins inside the bundle.

Runs before the application's code. python-vlc reads ``PYTHON_VLC_LIB_PATH`` (the library
to load) and ``PYTHON_VLC_MODULE_PATH`` when it is imported; libVLC itself reads
``VLC_PLUGIN_PATH``. libvlccore is loaded first by its full path so that libvlc (which needs
it) and every plug-in find the bundled copy, never a system VLC of another version.
"""

import ctypes
import os
import sys
from pathlib import Path


def _use_bundled_vlc() -> None:
    root = Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent))
    plugins = root / "vlc" / "plugins"
    if sys.platform.startswith("win"):
        lib, core = root / "libvlc.dll", root / "libvlccore.dll"
    elif sys.platform == "darwin":
        lib, core = root / "libvlc.dylib", root / "libvlccore.dylib"
    else:
        lib, core = root / "libvlc.so.5", root / "libvlccore.so.9"
    if not (lib.is_file() and plugins.is_dir()):
        return  # a bundle built without libVLC: python-vlc looks for a system VLC instead
    if core.is_file():
        ctypes.CDLL(str(core), mode=getattr(ctypes, "RTLD_GLOBAL", 0))
    os.environ["PYTHON_VLC_LIB_PATH"] = str(lib)
    os.environ["PYTHON_VLC_MODULE_PATH"] = str(plugins)
    os.environ["VLC_PLUGIN_PATH"] = str(plugins)


_use_bundled_vlc()
