#!/usr/bin/env python3
"""Build the self-contained VIG Studio application into ``dist/`` (``python3 run.py package``).

Steps (each printed as it runs):

1. PyInstaller builds the folder bundle ``dist/vigstudio/`` from ``packaging/vigstudio.spec``
   (Qt, PyAV with its codecs, libVLC with the plug-ins playback needs, resources), and
   ``vlc-cache-gen`` writes libVLC's plug-in cache for the bundled plug-ins.
2. The licences of everything bundled go to ``dist/vigstudio/licenses/``.
3. Linux: the folder is also an AppDir (``AppRun``, ``vigstudio.desktop``, icon), and
   ``dist/VIG_Studio-<version>-<arch>.run`` is one self-extracting file holding it (no
   appimagetool is to be had from the package registries this project uses; if one is on
   PATH, ``dist/VIG_Studio-<version>-<arch>.AppImage`` is made as well).
4. The build check: the bundle runs its own ``--self-check`` in a clean environment.

A stamp (``dist/vigstudio/BUILD-STAMP``) records a hash of every input, so tests can tell a
bundle that matches the sources from a stale one (:func:`source_hash`).

Run it with a Python that has the ``package`` extra installed (``run.py package`` does).
Options: ``--no-check`` skips step 4, ``--no-archive`` skips the single-file archive.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import re
import shutil
import stat
import subprocess
import sys
import tarfile
import time
from pathlib import Path

PACKAGING = Path(__file__).resolve().parent
ROOT = PACKAGING.parent
DIST = ROOT / "dist"
WORK = ROOT / "build" / "pyinstaller"
BUNDLE = DIST / "vigstudio"
STAMP = "BUILD-STAMP"

# Inputs whose change makes a bundle stale (documentation and CI files do not).
_HASHED = ("src", "resources", "packaging/vigstudio.spec", "packaging/entry.py",
           "packaging/hooks", "packaging/vlc_files.py", "packaging/build.py",
           "packaging/linux", "pyproject.toml")

# Python distributions whose licence files are copied into the bundle.
_DISTRIBUTIONS = ("PySide6_Essentials", "shiboken6", "av", "python-vlc",
                  "opencv-python-headless", "numpy", "SQLAlchemy", "pillow",
                  "pyinstaller", "typing_extensions")
# Debian packages whose copyright files are copied (libVLC and what its plug-ins bring).
_DEBIAN_PACKAGES = ("libvlc5", "libvlccore9", "vlc-plugin-base", "vlc-data")


def version() -> str:
    text = (ROOT / "src" / "vigstudio" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'__version__ = "([^"]+)"', text)
    if match is None:
        raise SystemExit("no __version__ in src/vigstudio/__init__.py")
    return match.group(1)


def source_hash(root: Path = ROOT) -> str:
    """SHA-256 over every build input (paths and contents), ignoring caches."""
    digest = hashlib.sha256()
    for entry in _HASHED:
        path = root / entry
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if "__pycache__" in file.parts or file.suffix in (".pyc", ".pyo") or any(
                    part.endswith(".egg-info") for part in file.parts):
                continue
            digest.update(file.relative_to(root).as_posix().encode() + b"\0")
            digest.update(file.read_bytes() + b"\0")
    return digest.hexdigest()


def _step(text: str) -> None:
    print(f"\n== {text}", flush=True)


# --- 1. PyInstaller ------------------------------------------------------------------------


def run_pyinstaller() -> None:
    _step("PyInstaller: the folder bundle dist/vigstudio/")
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        raise SystemExit("PyInstaller is missing: install the package extra "
                         "(pip install -e '.[package]'), or use python3 run.py package") from None
    env = dict(os.environ, VIGSTUDIO_VERSION=version(), PYTHONPATH=str(ROOT / "src"))
    subprocess.check_call(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
         "--distpath", str(DIST), "--workpath", str(WORK), str(PACKAGING / "vigstudio.spec")],
        cwd=ROOT, env=env)


def vlc_plugin_cache(internal: Path) -> None:
    """Write libVLC's plug-in cache (plugins.dat) for the bundled plug-ins.

    Without it every libVLC start opens each plug-in to read its description (over a
    second on 2 cores); with it only the plug-ins used are loaded. The cache records each
    plug-in's size and time stamp, which copies and unpacking keep."""
    plugins = internal / "vlc" / "plugins"
    names = ["vlc-cache-gen.exe"] if sys.platform.startswith("win") else ["vlc-cache-gen"]
    candidates = [Path(os.environ.get("VIGSTUDIO_VLC_DIR", "")) / n for n in names]
    candidates += [Path(f"/usr/lib/{platform.machine()}-linux-gnu/vlc/vlc-cache-gen"),
                   Path(r"C:\Program Files\VideoLAN\VLC\vlc-cache-gen.exe")]
    found = [shutil.which(n) for n in names] + [str(c) for c in candidates if c.is_file()]
    tool = next((t for t in found if t), None)
    if tool is None or not plugins.is_dir():
        print("no vlc-cache-gen (Debian: libvlc-bin): libVLC will scan its plug-ins at "
              "each start")
        return
    subprocess.check_call([tool, str(plugins)])
    print(f"libVLC plug-in cache: {plugins / 'plugins.dat'}")


# --- 2. licences ---------------------------------------------------------------------------


def collect_licences(bundle: Path) -> None:
    _step("licences: dist/vigstudio/licenses/")
    from importlib import metadata

    target = bundle / "licenses"
    if target.exists():
        shutil.rmtree(target)
    target.mkdir()
    for text in (ROOT / "resources" / "licenses").iterdir():
        shutil.copy2(text, target / text.name)
    for name in _DISTRIBUTIONS:
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        folder = target / f"python-{dist.metadata['Name']}"
        for file in dist.files or []:
            parts = [p.lower() for p in file.parts]
            if any(p.startswith(("license", "licence", "copying", "notice", "authors"))
                   for p in parts) or "licenses" in parts or "sboms" in parts:
                source = Path(str(file.locate()))
                if source.is_file():
                    rel = Path(*file.parts[1:]) if len(file.parts) > 1 else Path(file.name)
                    (folder / rel).parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(source, folder / rel)
    python_licence = Path(sys.base_prefix) / "lib" / f"python{sys.version_info.major}." \
        f"{sys.version_info.minor}" / "LICENSE.txt"
    if python_licence.exists():
        shutil.copy2(python_licence, target / "python-LICENSE.txt")
    for package in _DEBIAN_PACKAGES:
        copyright_file = Path("/usr/share/doc") / package / "copyright"
        if copyright_file.exists():
            shutil.copy2(copyright_file, target / f"debian-{package}-copyright.txt")
    count = sum(1 for p in target.rglob("*") if p.is_file())
    print(f"{count} licence files")


# --- 3. Linux: AppDir and the single-file archive ------------------------------------------

_STUB = r"""#!/bin/sh
# VIG Studio @VERSION@ for Linux (@ARCH@): one self-extracting file.
# The first start unpacks the application (@SIZE_MB@ MB) into
#   ${XDG_CACHE_HOME:-~/.cache}/vigstudio/@ID@
# once, then starts it; later starts go straight there. Arguments are passed on, e.g.
#   ./VIG_Studio.run --self-check        ./VIG_Studio.run --install-desktop
# (the second adds VIG Studio to the desktop's application menu, for this user).
set -eu
ID="@ID@"
BASE="${XDG_CACHE_HOME:-$HOME/.cache}/vigstudio"
DIR="$BASE/$ID"
if [ ! -x "$DIR/AppRun" ]; then
    mkdir -p "$BASE"
    TMP=$(mktemp -d "$BASE/.unpacking.XXXXXX")
    trap 'rm -rf "$TMP"' EXIT INT TERM
    echo "VIG Studio: unpacking into $DIR (first start only) ..." >&2
    tail -c +@OFFSET@ "$0" | tar -xzf - -C "$TMP"
    mv "$TMP/vigstudio" "$DIR" 2>/dev/null || [ -x "$DIR/AppRun" ]
    rm -rf "$TMP"
    trap - EXIT INT TERM
fi
VIGSTUDIO_LAUNCHER=$(readlink -f "$0")
export VIGSTUDIO_LAUNCHER
exec "$DIR/AppRun" "$@"
"""


def _render_stub(offset: int, ident: str, size_mb: int) -> bytes:
    text = (_STUB.replace("@VERSION@", version()).replace("@ARCH@", platform.machine())
            .replace("@ID@", ident).replace("@SIZE_MB@", str(size_mb))
            .replace("@OFFSET@", str(offset).zfill(12)))
    return text.encode("utf-8")


def make_appdir(bundle: Path) -> None:
    _step("Linux: AppRun, desktop entry and icon in dist/vigstudio/")
    linux = PACKAGING / "linux"
    shutil.copy2(linux / "AppRun", bundle / "AppRun")
    (bundle / "AppRun").chmod(0o755)
    shutil.copy2(linux / "vigstudio.desktop", bundle / "vigstudio.desktop")
    icons = ROOT / "resources" / "icons"
    shutil.copy2(icons / "vigstudio.png", bundle / "vigstudio.png")
    shutil.copy2(icons / "vigstudio.svg", bundle / "vigstudio.svg")
    dir_icon = bundle / ".DirIcon"
    if dir_icon.exists() or dir_icon.is_symlink():
        dir_icon.unlink()
    dir_icon.symlink_to("vigstudio.png")
    shutil.copy2(linux / "README.txt", bundle / "README.txt")


def make_archive(bundle: Path) -> Path:
    """``dist/VIG_Studio-<version>-<arch>.run``: a shell stub followed by a tar.gz."""
    _step("Linux: the single-file archive")
    name = f"VIG_Studio-{version()}-{platform.machine()}.run"
    out = DIST / name
    payload = DIST / (name + ".tar.gz.part")
    with tarfile.open(payload, "w:gz", compresslevel=6) as tar:
        tar.add(bundle, arcname="vigstudio")
    digest = hashlib.sha256(payload.read_bytes()).hexdigest()[:12]
    ident = f"{version()}-{digest}"
    size_mb = round(sum(p.lstat().st_size for p in bundle.rglob("*")
                        if p.is_file() and not p.is_symlink()) / 2**20)
    probe = _render_stub(0, ident, size_mb)
    stub = _render_stub(len(probe) + 1, ident, size_mb)  # tail -c +N counts from 1
    assert len(stub) == len(probe)
    with out.open("wb") as f:
        f.write(stub)
        with payload.open("rb") as p:
            shutil.copyfileobj(p, f, 1 << 20)
    payload.unlink()
    out.chmod(out.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    print(f"{out} ({out.stat().st_size / 2**20:.0f} MB)")
    tool = shutil.which("appimagetool")
    if tool:
        image = DIST / f"VIG_Studio-{version()}-{platform.machine()}.AppImage"
        subprocess.check_call([tool, str(bundle), str(image)],
                              env=dict(os.environ, ARCH=platform.machine()))
        print(f"{image} (appimagetool)")
    return out


# --- 4. the build check --------------------------------------------------------------------


def clean_env(home: Path) -> dict[str, str]:
    """An environment like a fresh desktop session's: no venv, no PYTHONPATH, no VLC paths."""
    env = {"HOME": str(home), "PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8",
           "XDG_CACHE_HOME": str(home / ".cache"), "XDG_CONFIG_HOME": str(home / ".config"),
           "XDG_DATA_HOME": str(home / ".local" / "share"), "VIGSTUDIO_NO_RECENT": "1"}
    if os.name == "nt":
        env = {k: v for k, v in os.environ.items()
               if k.upper() in {"SYSTEMROOT", "WINDIR", "TEMP", "TMP", "USERPROFILE", "PATH",
                                "APPDATA", "LOCALAPPDATA", "COMSPEC", "PATHEXT"}}
    for key in ("DISPLAY", "WAYLAND_DISPLAY", "XAUTHORITY", "XDG_RUNTIME_DIR"):
        if key in os.environ:
            env[key] = os.environ[key]
    return env


def executable(bundle: Path = BUNDLE) -> Path:
    if sys.platform.startswith("win"):
        return bundle / "vigstudio.exe"
    return bundle / "vigstudio"


def build_check(bundle: Path) -> None:
    _step("build check: the bundle's own --self-check, in a clean environment")
    home = ROOT / "build" / "check-home"
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    started = time.monotonic()
    result = subprocess.run([str(executable(bundle)), "--version"], env=clean_env(home),
                            cwd=home, capture_output=True, text=True, check=False)
    print(f"{result.stdout.strip()} (started and answered in "
          f"{time.monotonic() - started:.2f} s)")
    code = subprocess.call([str(executable(bundle)), "--self-check"], env=clean_env(home),
                           cwd=home)
    if code != 0 or result.returncode != 0:
        raise SystemExit(f"the bundle's self-check failed (exit status {code})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-check", action="store_true", help="skip the build check")
    parser.add_argument("--no-archive", action="store_true",
                        help="skip the single-file archive (Linux)")
    args = parser.parse_args(argv)
    started = time.monotonic()
    stamp = source_hash()
    (BUNDLE / STAMP).unlink(missing_ok=True)
    run_pyinstaller()
    bundle = BUNDLE
    vlc_plugin_cache(BUNDLE / "_internal")
    if sys.platform == "darwin":
        bundle = DIST / "VIG Studio.app" / "Contents" / "MacOS"
        vlc_plugin_cache(DIST / "VIG Studio.app" / "Contents" / "Frameworks")
    collect_licences(bundle if sys.platform != "darwin" else DIST / "VIG Studio.app" /
                     "Contents" / "Resources")
    if sys.platform.startswith("linux"):
        make_appdir(bundle)
    if not args.no_check:
        build_check(bundle)
    (BUNDLE / STAMP).write_text(stamp + "\n", encoding="utf-8")  # marks a finished bundle
    if sys.platform.startswith("linux") and not args.no_archive:
        make_archive(bundle)
    size = sum(p.lstat().st_size for p in BUNDLE.rglob("*") if p.is_file() and not p.is_symlink())
    print(f"\nbuilt {BUNDLE} ({size / 2**20:.0f} MB) in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
