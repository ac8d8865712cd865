"""Where the shipped data files (codebooks, icons) live.

In a source checkout or editable install they are in the top-level ``resources/`` folder.
"""

from __future__ import annotations

from pathlib import Path

RESOURCES = Path(__file__).resolve().parents[2] / "resources"


def resource_path(*parts: str) -> Path:
    """Path of a shipped resource, e.g. ``resource_path("codebooks", "vig.json")``."""
    path = RESOURCES.joinpath(*parts)
    if not path.exists():
        raise FileNotFoundError(f"VIG Studio resource missing: {path} (broken installation?)")
    return path
