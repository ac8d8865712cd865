"""Where the shipped data files (codebooks, icons, licences) live.

In a source checkout or editable install they are in the top-level ``resources/`` folder; in
the bundled application (PyInstaller) they are in ``resources/`` inside the bundle.
"""

from __future__ import annotations

import sys
from pathlib import Path


def _resources_root() -> Path:
    bundle = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


RESOURCES = _resources_root()


def resource_path(*parts: str) -> Path:
    """Path of a shipped resource, e.g. ``resource_path("codebooks", "vig.json")``."""
    path = RESOURCES.joinpath(*parts)
    if not path.exists():
        raise FileNotFoundError(f"VIG Studio resource missing: {path} (broken installation?)")
    return path
