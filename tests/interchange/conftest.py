"""Real generated media at the rates practitioners meet (made and probed once per run)."""

from __future__ import annotations

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
