#!/usr/bin/env python3
"""The built application: its size on disk, and how long it takes to start.

Uses ``dist/vigstudio`` and the single-file archive made by ``python3 run.py package`` (built
here first with ``packaging/build.py`` if missing or stale). Start-up to a window is timed
under a private Xvfb display: from starting the process until ``xdotool`` sees a visible
window named "VIG Studio" (the welcome screen), compared with starting from source
(``python -m vigstudio``). Each program runs in a clean environment with a fresh HOME.
"""

from __future__ import annotations

import importlib.util
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = 5


def _build_module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("vigstudio_packaging_build",
                                                  ROOT / "packaging" / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build = _build_module()


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def _mb(n: int) -> str:
    return f"{n / 2**20:.0f} MB"


def _timed(command: list[str], env: dict[str, str], cwd: Path) -> float:
    started = time.perf_counter()
    subprocess.run(command, env=env, cwd=cwd, check=True, capture_output=True, timeout=300)
    return time.perf_counter() - started


def _window_start(command: list[str], env: dict[str, str], cwd: Path) -> float:
    """Seconds from starting ``command`` until a visible "VIG Studio" window exists."""
    started = time.perf_counter()
    proc = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        while time.perf_counter() - started < 120:
            found = subprocess.run(["xdotool", "search", "--onlyvisible", "--name",
                                    "^VIG Studio$"], env=env, capture_output=True,
                                   check=False)
            if found.returncode == 0 and found.stdout.strip():
                return time.perf_counter() - started
            if proc.poll() is not None:
                raise RuntimeError(f"{command[0]} ended with {proc.returncode} before a window")
            time.sleep(0.02)
        raise RuntimeError("no window within 120 s")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def main() -> int:
    stamp = build.BUNDLE / build.STAMP
    archives = sorted(build.DIST.glob("VIG_Studio-*.run"))
    if not (stamp.exists() and stamp.read_text().strip() == build.source_hash() and archives):
        print("building the bundle first (packaging/build.py) ...", flush=True)
        subprocess.run([sys.executable, str(ROOT / "packaging" / "build.py"), "--no-check"],
                       cwd=ROOT, check=True)
        archives = sorted(build.DIST.glob("VIG_Studio-*.run"))
    exe = build.executable()
    archive = archives[-1]
    internal = build.BUNDLE / "_internal"
    parts = sorted(((_size(p), p.name) for p in internal.iterdir()), reverse=True)[:8]
    print(f"\nbundle {build.BUNDLE}: {_mb(_size(build.BUNDLE))} in "
          f"{sum(1 for _ in build.BUNDLE.rglob('*'))} files; single-file archive "
          f"{archive.name}: {_mb(_size(archive))}")
    print("\n| largest parts of _internal | size |\n| --- | ---: |")
    for size, name in parts:
        print(f"| {name} | {_mb(size)} |")

    from pyvirtualdisplay import Display

    rows = []
    with tempfile.TemporaryDirectory(prefix="vigstudio-bench-") as tmp, \
            Display(visible=False, size=(1366, 768), color_depth=24) as display:
        home = Path(tmp) / "home"
        home.mkdir()
        env = build.clean_env(home)
        env["DISPLAY"] = f":{display.display}"
        source_env = dict(env, PYTHONPATH=str(ROOT / "src"))
        python = [sys.executable, "-m", "vigstudio"]
        for label, command, e in (("bundle --version", [str(exe), "--version"], env),
                                  ("source --version", [*python, "--version"], source_env)):
            _timed(command, e, home)  # warm the file cache
            rows.append((label, [_timed(command, e, home) for _ in range(RUNS)]))
        for label, command, e in (("bundle: window shown", [str(exe)], env),
                                  ("source: window shown", python, source_env)):
            _window_start(command, e, home)
            rows.append((label, [_window_start(command, e, home) for _ in range(RUNS)]))
        cache = home / ".cache" / "vigstudio"
        first = []
        for _ in range(3):
            shutil.rmtree(cache, ignore_errors=True)
            first.append(_timed([str(archive), "--version"], env, home))
        rows.append(("archive: first start (unpack + --version)", first))
        rows.append(("archive: later start (--version)",
                     [_timed([str(archive), "--version"], env, home) for _ in range(RUNS)]))
    print("\n| start-up (warm file cache, 2 cores) | median | min | max |\n"
          "| --- | ---: | ---: | ---: |")
    for label, times in rows:
        print(f"| {label} | {statistics.median(times):.2f} s | {min(times):.2f} s | "
              f"{max(times):.2f} s |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
