#!/usr/bin/env python3
"""One entry point for newcomers: set up what is missing, then start the app or the tests.

    python3 run.py app      # the app on the demo case project
    python3 run.py test     # the whole test suite
    python3 run.py lint     # ruff, mypy and the import contracts (lint-imports)
    python3 run.py bench    # the benchmarks (prints tables)
    python3 run.py package  # the self-contained application in dist/ (packaging/build.py)
    python3 run.py testdata # fetch the test files made by other programs (run.py test does it)

Each command creates or updates ``.venv`` beside this file and installs the Python packages it
needs. On Debian/Ubuntu as root it also installs the system packages (libVLC, Xvfb, the Qt xcb
libraries, ffmpeg); elsewhere it prints exactly what to install. Standard library only.
"""

from __future__ import annotations

import hashlib
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import tempfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
DEMO_DIR = ROOT / "demo"

# Debian packages, all installed with --no-install-recommends (see docs/INSTALL.md for why).
APT_RUNTIME = [
    "libvlc5", "vlc-plugin-base", "vlc-plugin-video-output",  # playback (python-vlc loads libvlc)
    "libxcb-icccm4", "libxcb-cursor0", "libxcb-keysyms1", "libxcb-image0", "libxcb-shape0",
    "libxcb-render-util0", "libxcb-xinerama0", "libxcb-xkb1", "libxkbcommon-x11-0",
    "libegl1", "libgl1", "libfontconfig1", "libdbus-1-3", "fonts-dejavu-core",
]
APT_TEST = ["xvfb", "xauth", "ffmpeg", "poppler-utils", "imagemagick", "xdotool"]
# PyInstaller reads shared libraries with objdump; vlc-cache-gen writes libVLC's plug-in cache
APT_PACKAGE = ["binutils", "libvlc-bin"]

# Files written by ELAN itself (the MPI's sample annotations, EAF 2.7, 2.8 and 3.0) and ELAN's
# published EAF schemas, for the interchange tests. They ship in pympi-ling's source
# distribution (MIT licence; the samples carry ELAN's own header); they are fetched from the
# package index, checked against this digest and kept in the environment, never committed.
TESTDATA = VENV / "testdata" / "elan"
ELAN_SDIST = ("pympi-ling", "1.71", "pympi_ling-1.71.tar.gz",
              "d4e2481285bace4d1a8d90ad59abfe4bf289e529ce086551a975c3ce26e0b9d4")
ELAN_FILES = ("EAFv2.8.xsd", "EAFv3.0.xsd", "sample_2.7.eaf", "sample_2.8.eaf",
              "sample_3.0.eaf")


def main(argv: list[str]) -> int:
    if sys.version_info < (3, 11):  # noqa: UP036 - run.py may be started by an older Python
        print(f"VIG Studio needs Python 3.11 or newer; this is {platform.python_version()}.")
        return 1
    command = argv[0] if argv else "app"
    rest = argv[1:]
    if command in ("-h", "--help", "help"):
        print(__doc__)
        return 0
    if command == "app":
        if sys.platform.startswith("linux") and not (
                os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
            print("No display found. On a machine without a screen, try:  "
                  "xvfb-run -a python3 run.py app")
            return 1
        ensure_system(APT_RUNTIME)
        python = ensure_venv(extras="")
        demo = subprocess.run([str(python), "-m", "vigstudio", "demo", str(DEMO_DIR)],
                              check=True, stdout=subprocess.PIPE, text=True).stdout.strip()
        print(f"Opening the demo case project: {demo}")
        return subprocess.call([str(python), "-m", "vigstudio", "open", demo, *rest])
    if command == "test":
        ensure_system(APT_RUNTIME + APT_TEST)
        python = ensure_venv(extras="[dev]")
        ensure_test_data(python)
        return subprocess.call([str(python), "-m", "pytest", *rest], cwd=ROOT)
    if command == "testdata":
        ensure_test_data(ensure_venv(extras="[dev]"))
        print(f"The test files made by other programs are in {TESTDATA}")
        return 0
    if command == "package":
        ensure_system(APT_RUNTIME + APT_PACKAGE)
        python = ensure_venv(extras="[package]")
        return subprocess.call([str(python), str(ROOT / "packaging" / "build.py"), *rest],
                               cwd=ROOT)
    if command == "lint":
        python = ensure_venv(extras="[dev]")
        ruff = subprocess.call([str(python), "-m", "ruff", "check", "src", "tests", "bench",
                                "packaging", "docs", "run.py"], cwd=ROOT)
        mypy = subprocess.call([str(python), "-m", "mypy"], cwd=ROOT)
        # the layers and import contracts in pyproject.toml ([tool.importlinter])
        contracts = subprocess.call(
            [str(python), "-c", "import sys; from importlinter.cli import lint_imports_command;"
             " sys.exit(lint_imports_command())", "--no-cache", "--no-logo"],
            cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT / "src")))
        return ruff or mypy or contracts
    if command == "bench":
        ensure_system(APT_RUNTIME + APT_TEST)
        python = ensure_venv(extras="[dev]")
        return subprocess.call([str(python), str(ROOT / "bench" / "run_all.py"), *rest], cwd=ROOT)
    print(f"unknown command {command!r}\n{__doc__}")
    return 2


# --- system packages -----------------------------------------------------------------------


def ensure_system(packages: list[str]) -> None:
    """Install missing Debian packages as root; elsewhere say what is needed."""
    if not shutil.which("dpkg-query"):
        _advise_non_debian()
        return
    missing = [p for p in packages if not _deb_installed(p)]
    if not missing:
        return
    if os.geteuid() != 0:
        print("VIG Studio needs these system packages; please run:\n"
              f"  sudo apt-get install --no-install-recommends {' '.join(missing)}")
        return
    print(f"Installing system packages: {' '.join(missing)}")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    install = ["apt-get", "install", "-y", "-q", "--no-install-recommends", *missing]
    if subprocess.call(install, env=env, stdout=subprocess.DEVNULL) != 0:
        subprocess.check_call(["apt-get", "update", "-q"], env=env, stdout=subprocess.DEVNULL)
        subprocess.check_call(install, env=env, stdout=subprocess.DEVNULL)


def _deb_installed(package: str) -> bool:
    result = subprocess.run(["dpkg-query", "-W", "-f=${Status}", package],
                            check=False, capture_output=True, text=True)
    return result.returncode == 0 and "install ok installed" in result.stdout


def _advise_non_debian() -> None:
    system = platform.system()
    if system in {"Windows", "Darwin"}:
        if not _vlc_present():
            print("VIG Studio plays video with VLC. Please install VLC 3 (64-bit) from "
                  "videolan.org, then run this command again.")
    elif not _vlc_present():
        print("Please install libVLC 3 with your package manager "
              "(Fedora: vlc-libs vlc-plugins-base; Arch: vlc), and Xvfb and ffmpeg for tests.")


def _vlc_present() -> bool:
    candidates = {
        "Windows": [Path(os.environ.get("PROGRAMFILES", "C:/Program Files")) / "VideoLAN/VLC"],
        "Darwin": [Path("/Applications/VLC.app")],
    }.get(platform.system(), [])
    return any(c.exists() for c in candidates) or bool(shutil.which("vlc"))


# --- Python environment --------------------------------------------------------------------


def ensure_venv(extras: str) -> Path:
    """Create ``.venv`` if needed and (re)install the project when its requirements changed."""
    python = VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    if not python.exists():
        print(f"Creating the Python environment in {VENV} ...")
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    stamp = VENV / ".vigstudio-installed"
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    have = stamp.read_text().split() if stamp.exists() else []
    if wanted not in have:
        print("Installing VIG Studio and its Python packages (first run takes a few minutes) ...")
        subprocess.check_call([str(python), "-m", "pip", "install", "-q", "--upgrade", "pip"])
        subprocess.check_call([str(python), "-m", "pip", "install", "-q", "-e", f".{extras}"],
                              cwd=ROOT)
        stamp.write_text(" ".join([*have, wanted]))
    return python


def ensure_test_data(python: Path) -> None:
    """Fetch ELAN's sample files and schemas into ``.venv/testdata/elan`` when missing."""
    if all((TESTDATA / name).is_file() for name in ELAN_FILES):
        return
    project, version, archive_name, digest = ELAN_SDIST
    print(f"Fetching ELAN's sample files ({project} {version} source) for the tests ...")
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.check_call([str(python), "-m", "pip", "download", "-q", "--no-deps",
                               "--no-binary", ":all:", f"{project}=={version}", "-d", tmp])
        archive = Path(tmp) / archive_name
        if hashlib.sha256(archive.read_bytes()).hexdigest() != digest:
            raise SystemExit(f"{archive_name} from the package index does not match the "
                             "expected digest; not using it")
        TESTDATA.mkdir(parents=True, exist_ok=True)
        with tarfile.open(archive) as tar:
            for name in ELAN_FILES:
                member = tar.extractfile(f"pympi_ling-{version}/test/{name}")
                if member is None:
                    raise SystemExit(f"{archive_name} has no test/{name}")
                part = TESTDATA / (name + ".part")
                part.write_bytes(member.read())
                part.replace(TESTDATA / name)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
