"""Real generated media at the rates practitioners meet (made and probed once per run)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from interchange_support import RATES, Media

from vigstudio.domain.media import Recording
from vigstudio.media.fingerprint import fingerprint
from vigstudio.media.probe import probe
from vigstudio.testing.synth import make_barcode_video


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("interchange-media")


@pytest.fixture(scope="session")
def media_of(media_dir: Path) -> Callable[[str], Media]:
    """Generate and probe each test film once per test run."""
    made: dict[str, Media] = {}

    def get(name: str) -> Media:
        if name not in made:
            spec = RATES[name]
            path = make_barcode_video(media_dir / f"family-{name}.mp4", width=64, height=48,
                                      audio=False, gop=12, **spec)  # type: ignore[arg-type]
            info = probe(path)
            assert info.variable_frame_rate == (name == "vfr")
            made[name] = Media(name, path, Recording(str(path), fingerprint(path), info,
                                                     title=f"Family film {name}"))
        return made[name]

    return get


@pytest.fixture(scope="session")
def elan_samples() -> Path:
    """ELAN-written sample files and ELAN's EAF schemas, fetched by ``python3 run.py test``
    (``run.py testdata``) from pympi-ling's source distribution into the environment."""
    folder = Path(os.environ.get("VIGSTUDIO_ELAN_SAMPLES", Path(sys.prefix) / "testdata" / "elan"))
    if not (folder / "sample_3.0.eaf").is_file():
        pytest.fail(f"ELAN's sample files are not in {folder}: run `python3 run.py testdata` "
                    "(python3 run.py test does it before the tests)")
    return folder


@pytest.fixture(scope="session")
def long_film(media_dir: Path) -> Callable[[str], Media]:
    """Twenty minutes (ELAN's samples run to 1199 s), made by the ffmpeg command line with a
    frame counter drawn on every picture, at 25 and 29.97 fps."""
    made: dict[str, Media] = {}

    def get(rate: str) -> Media:
        if rate not in made:
            path = media_dir / f"long-{rate}.mp4"
            subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
                            f"testsrc2=s=64x48:r={'30000/1001' if rate == '29.97' else rate}"
                            ":d=1205", "-c:v", "libx264", "-preset", "ultrafast", "-g", "250",
                            "-pix_fmt", "yuv420p", str(path)], check=True)
            info = probe(path)
            made[rate] = Media(rate, path, Recording(str(path), fingerprint(path), info,
                                                     title=f"Long film {rate}"))
        return made[rate]

    return get
