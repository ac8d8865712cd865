#!/usr/bin/env bash
# Build VIG Studio for macOS: "dist/VIG Studio.app" in dist/VIG_Studio-<version>-<arch>.dmg.
#
# Needs: Python 3.11+ from python.org or Homebrew, VLC 3 in /Applications/VLC.app (e.g.
# `brew install --cask vlc`; or set VIGSTUDIO_VLC_DIR to VLC.app/Contents/MacOS), Xcode's
# command line tools (hdiutil, codesign). The app is signed ad hoc only: without a Developer
# ID and notarisation, the first start needs right-click > Open (docs/PACKAGING.md).
# NOT RUN on the project's own machines (Linux): written for the hosted macOS runner of
# packaging/ci/build-installers.yml.
set -euo pipefail
cd "$(dirname "$0")/../.."
PYTHON=${PYTHON:-python3}
"$PYTHON" -m venv .venv-build
.venv-build/bin/python -m pip install --upgrade pip
.venv-build/bin/python -m pip install ".[package]"

# PyInstaller bundle (.app via the spec's BUNDLE step) + licences + the bundle's --self-check.
.venv-build/bin/python packaging/build.py

APP="dist/VIG Studio.app"
codesign --force --deep --sign - "$APP"
VERSION=$(.venv-build/bin/python -c "import re,pathlib;print(re.search(r'__version__ = \"(.+?)\"', pathlib.Path('src/vigstudio/__init__.py').read_text()).group(1))")
STAGE=dist/dmg
rm -rf "$STAGE" && mkdir -p "$STAGE"
cp -R "$APP" "$STAGE/"
ln -s /Applications "$STAGE/Applications"
DMG="dist/VIG_Studio-${VERSION}-$(uname -m).dmg"
hdiutil create -volname "VIG Studio" -srcfolder "$STAGE" -ov -format UDZO "$DMG"
rm -rf "$STAGE"
ls -lh "$DMG"
